// The activations page in real Chromium against the release binary and its embedded engine.
// Activations are made first by running the demo actions through the engine's OpenWhisk
// dialect (as any OpenWhisk client would), then: browse, page and filter with everything in
// the URL; reload and get the same view; back/forward; with JavaScript off; open a detail with
// result, logs and input; a sequence's components; the re-run link; the action page's tab; a
// connection that cannot list activations. Screenshots go to target/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NO_DEMO_RUNS } from '../support/server.mjs';
import { startSuite, openHydrated, server, browser, shots } from '../support/suite.mjs';
import { openwhisk, invoke } from '../support/engine.mjs';

/** The ids of the runs made, by what ran. */
const made = { hello: [], fails: [], sequence: null };

/** Runs `action` (in the demo package) with `params` through the engine's OpenWhisk dialect. */
const run = (action, params) => invoke(server, `demo/${action}`, params);

// Its counts are of the runs below alone: no first-start demo runs.
startSuite({ config: NO_DEMO_RUNS }, async () => {
  // 20 greetings, 5 failures, 1 sequence: 26 activations (the sequence's two components
  // make 28 rows in all).
  for (let i = 0; i < 20; i++) made.hello.push(await run('hello', { name: `Kim-${i}` }));
  for (let i = 0; i < 5; i++) made.fails.push(await run('always-fails', { attempt: i }));
  made.sequence = await run('hello-loud', { name: 'Lee' });
});

const OW = 'local-openwhisk';
const counts = (page) => page.locator('p.counts').first().textContent();
const ids = (page) => page.locator('.activations-table tbody td[data-label="Id"] code').allTextContents();
const statuses = (page) => page.locator('.activations-table tbody td[data-label="Status"]').allTextContents();

async function open(context, path) {
  const { page, errors } = await openHydrated(context, path);
  await page.locator('.activations-table, p.empty, p.note, .problem:not([hidden]), section > h2').first().waitFor();
  return { page, errors };
}

/** Waits until the table shows `text` as its count (a new view was fetched). */
const countsAre = (page, text) =>
  page.locator('p.counts').filter({ hasText: new RegExp(`^${text}$`) }).waitFor();

test('with JavaScript off the page is complete: rows, total, pages, filters from the URL', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const response = await page.goto(`${server.url}/activations?connection=${OW}&size=10`);
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), 'Activations · fnconsole');
  assert.equal(await counts(page), 'Activations 1–10 of 28');
  assert.equal((await ids(page)).length, 10);
  assert.equal(await page.locator('nav.pager [aria-current="page"]').textContent(), 'Page 1 of 3');
  assert.equal(await page.getByLabel('Page size').inputValue(), '10');
  // Newest first: the sequence (with its two components) and the failures ran last.
  const newest = await ids(page);
  for (const id of [made.sequence, ...made.fails]) assert.ok(newest.includes(id), id);
  assert.ok(!newest.includes(made.hello[0]));

  await page.goto(`${server.url}/activations?connection=${OW}&status=failure`);
  assert.equal(await counts(page), 'Activations 1–5 of 5');
  assert.deepEqual(await statuses(page), Array(5).fill('application error'));
  assert.equal(await page.getByLabel('Status').inputValue(), 'failure');

  // A bad value is named, and the rest of the view still shows.
  await page.goto(`${server.url}/activations?connection=${OW}&size=7`);
  assert.match(await page.getByRole('alert').textContent(), /page size "7" is not one of 10, 20, 50, 100 or 200/);
  assert.equal(await counts(page), 'Activations 1–20 of 28');
  await context.close();
});

test('page, filter by status and action, reload for the same view, back and forward', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, `/activations?connection=${OW}&size=10`);
  assert.equal(await counts(page), 'Activations 1–10 of 28');
  const first = await ids(page);

  // The chart covers the range, not the page, and says so in words.
  const chart = page.getByRole('img', { name: /^28 activations in this range: \d+% succeeded/ });
  await chart.waitFor();
  await page.getByText('Chart data').click();
  const buckets = await page.locator('.activation-chart tbody tr td:nth-child(2)').allTextContents();
  assert.equal(buckets.reduce((sum, n) => sum + Number(n), 0), 28);

  await page.getByRole('link', { name: 'Next' }).click();
  await countsAre(page, 'Activations 11–20 of 28');
  assert.match(page.url(), /[?&]page=2(&|$)/);
  const second = await ids(page);
  assert.equal(second.length, 10);
  assert.ok(second.every((id) => !first.includes(id)), 'page 2 holds other activations');

  await page.getByLabel('Status').selectOption({ label: 'Failed (any error)' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await countsAre(page, 'Activations 1–5 of 5');
  await page.getByRole('img', { name: /^5 activations in this range: 0% succeeded/ }).waitFor();
  assert.match(page.url(), /status=failure/);
  assert.deepEqual(new Set(await ids(page)), new Set(made.fails));

  await page.reload();
  await page.waitForSelector('[data-hydrated="true"]');
  await countsAre(page, 'Activations 1–5 of 5');
  assert.equal(await page.getByLabel('Status').inputValue(), 'failure');

  await page.goBack();
  await countsAre(page, 'Activations 11–20 of 28');
  assert.deepEqual(await ids(page), second);
  await page.goBack();
  await countsAre(page, 'Activations 1–10 of 28');
  await page.goForward();
  await countsAre(page, 'Activations 11–20 of 28');

  await page.getByLabel('Status').selectOption('');
  await page.getByLabel('Action', { exact: true }).fill('demo/hello');
  await page.getByLabel('Page size').selectOption('50');
  await page.getByRole('button', { name: 'Apply' }).click();
  // 20 runs of its own, and one as the sequence's first component.
  await countsAre(page, 'Activations 1–21 of 21');
  assert.match(page.url(), /action=demo(\/|%2F)hello/);
  const hellos = await ids(page);
  assert.ok(made.hello.every((id) => hellos.includes(id)));
  const names = await page.locator('.activations-table tbody td[data-label="Action"]').allTextContents();
  assert.deepEqual(new Set(names), new Set(['demo/hello']));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a detail shows timing, input, result and logs with timestamps; re-run carries the id', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, `/activations?connection=${OW}&action=demo/hello&size=50`);
  const id = made.hello[3];
  await page.getByRole('link', { name: `Open activation ${id}` }).click();
  await page.getByRole('heading', { name: 'Result' }).waitFor();
  assert.match(page.url(), new RegExp(`/activations/${id}\\?connection=${OW}&action=demo/hello`));
  assert.match(await page.locator('.detail-head').textContent(), /success/);
  const pre = page.locator('section[aria-labelledby="detail-result"] pre');
  assert.deepEqual(JSON.parse(await pre.textContent()), { greeting: 'Hello, Kim-3!' });
  const input = page.locator('section[aria-labelledby="detail-input"] pre');
  assert.deepEqual(JSON.parse(await input.textContent()), { name: 'Kim-3', place: 'the fnconsole demo' });
  const line = page.locator('.log-table tbody tr').first();
  assert.match(await line.locator('.log-time').textContent(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
  assert.equal(await line.locator('.log-stream').textContent(), 'stdout');
  assert.equal(await line.locator('.log-text').textContent(), 'greeting Kim-3 from the fnconsole demo');
  assert.match(await page.locator('dl.timing').textContent(), /Start \(UTC\).*End \(UTC\).*Duration/);

  const rerun = page.getByRole('link', { name: 'Re-run with this input' });
  assert.equal(
    await rerun.getAttribute('href'),
    `/actions/demo/hello?connection=${OW}&rerun=${id}`,
  );
  await rerun.click();
  await page.waitForURL(new RegExp(`/actions/demo/hello\\?connection=${OW}&rerun=${id}$`));
  await page.getByRole('heading', { name: 'hello', level: 1 }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test("a failure's detail and a sequence's components, in order, each opening its own", async () => {
  const context = await browser.newContext();
  const { page } = await open(context, `/activations/${made.fails[0]}?connection=${OW}`);
  await page.getByRole('heading', { name: 'Result' }).waitFor();
  assert.match(await page.locator('.detail-head').textContent(), /application error/);
  assert.match(await page.locator('section[aria-labelledby="detail-result"] pre').textContent(), /"error"/);

  await page.goto(`${server.url}/activations/${made.sequence}?connection=${OW}`);
  await page.getByRole('heading', { name: 'Components, in the order they ran' }).waitFor();
  const items = await page.locator('ol.components li').allTextContents();
  assert.equal(items.length, 2);
  assert.match(items[0], /demo\/hello /);
  assert.match(items[1], /demo\/shout /);
  assert.deepEqual(
    JSON.parse(await page.locator('section[aria-labelledby="detail-result"] pre').textContent()),
    { greeting: 'HELLO, LEE!' },
  );
  await page.locator('ol.components li a').nth(1).click();
  await page.getByRole('heading', { name: 'Result' }).waitFor();
  assert.match(await page.locator('.detail-head').textContent(), /demo\/shout/);
  await context.close();
});

test("the action page's Activations tab lists that action's runs, paged in its URL", async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, `/actions/demo/always-fails?connection=${OW}&tab=activations`);
  assert.equal(await counts(page), 'Activations 1–5 of 5');
  assert.deepEqual(new Set(await ids(page)), new Set(made.fails));
  assert.equal(await page.getByRole('searchbox', { name: 'Action' }).count(), 0, 'the action is fixed on its own tab');
  await page.getByLabel('Page size').selectOption('10');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/size=10/);
  assert.match(page.url(), /\/actions\/demo\/always-fails\?connection=local-openwhisk&tab=activations/);
  assert.equal(await counts(page), 'Activations 1–5 of 5');
  assert.deepEqual(errors, []);
  await context.close();
});

test('NCP lists with its total, per action too; a connection without activations says so in one line', async () => {
  const context = await browser.newContext();
  const { page } = await open(context, '/activations?connection=local-ncp');
  assert.equal(await counts(page), 'Activations 1–20 of 28');
  await page.goto(`${server.url}/activations?connection=local-ncp&action=demo/always-fails`);
  await countsAre(page, 'Activations 1–5 of 5');
  // NCP reads a detail through its action, which the row's link carries.
  await page.getByRole('link', { name: `Open activation ${made.fails[2]}` }).click();
  await page.getByRole('heading', { name: 'Result' }).waitFor();
  assert.match(
    await page.locator('section[aria-labelledby="detail-input"]').textContent(),
    /does not give the input parameters/,
  );

  await page.goto(`${server.url}/activations?connection=local-huawei`);
  const note = page.getByText(/^Huawei FunctionGraph does not offer listing activations\.$/);
  await note.waitFor();
  assert.equal(await page.locator('.activations-table').count(), 0);
  await context.close();
});

test('a 300 KB result and 3,000 log lines: cut where shown, paged, and downloaded whole', async () => {
  const code = `function main() {
    for (let i = 0; i < 3000; i++) console.log('line ' + i + ' ' + 'x'.repeat(i === 7 ? 5000 : 20));
    return { big: 'y'.repeat(300000) };
  }`;
  const put = await openwhisk(server, '/actions/demo/big?overwrite=true', 'PUT', {
    exec: { kind: 'nodejs:20', code },
    limits: { timeout: 20000, memory: 256 },
  });
  assert.equal(put.status, 200, await put.text());
  const id = await run('big', {});
  const context = await browser.newContext({ acceptDownloads: true });
  const { page, errors } = await open(context, `/activations/${id}?connection=${OW}`);
  const result = page.locator('section[aria-labelledby="detail-result"]');
  assert.match(await result.getByRole('note').textContent(), /^Showing the first 64 KB of 292 KB/);
  assert.ok((await result.locator('pre').textContent()).length <= 64 * 1024);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    result.getByRole('button', { name: 'Download the whole result' }).click(),
  ]);
  const saved = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(saved.big.length, 300000, 'the download holds the whole result');

  const logs = page.locator('section[aria-labelledby="detail-logs"]');
  assert.equal(await logs.locator('p.counts').textContent(), 'Showing the first 200 of 3000 lines');
  assert.equal(await logs.locator('.log-table tbody tr').count(), 200);
  assert.match(await logs.locator('.log-table tbody tr').nth(7).textContent(), /… 3\d{3} more bytes/);
  await logs.getByRole('button', { name: 'Show 200 more lines' }).click();
  assert.equal(await logs.locator('.log-table tbody tr').count(), 400);
  assert.equal(await logs.locator('p.counts').textContent(), 'Showing the first 400 of 3000 lines');
  assert.deepEqual(errors, []);
  await context.close();
});

test('screenshots: light, dark and phone width', async () => {
  for (const [name, options] of [
    ['light', { colorScheme: 'light', viewport: { width: 1280, height: 900 } }],
    ['dark', { colorScheme: 'dark', viewport: { width: 1280, height: 900 } }],
    ['phone', { colorScheme: 'light', viewport: { width: 390, height: 844 } }],
  ]) {
    const context = await browser.newContext(options);
    const { page } = await open(context, `/activations?connection=${OW}&size=10`);
    await page.screenshot({ path: join(shots, `activations-${name}.png`), fullPage: true });
    await page.goto(`${server.url}/activations/${made.hello[0]}?connection=${OW}`);
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    await page.screenshot({ path: join(shots, `activation-detail-${name}.png`), fullPage: true });
    await context.close();
  }
});
