// The asynchronous invocations page (/async) in real Chromium against the release binary and
// its engine's FunctionGraph dialect: the demo's first-start records (a FAIL and a DISCARD
// with their errors), every filter of seed 002, marker paging across several pages with
// Next/Back and the browser's back/forward, the limit refused above 500, a running row that
// turns SUCCESS without a reload, a connection without the capability, and "Run
// asynchronously" in the run panel linking to each provider's record. Screenshots (light,
// dark, phone width) go to target/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { collectErrors } from '../support/browser.mjs';
import { invoke, demoRunsEnded } from '../support/engine.mjs';
import { startSuite, openHydrated, server, browser, shots } from '../support/suite.mjs';

const FG = 'local-huawei';

startSuite({}, async () => {
  await demoRunsEnded(server);
  // Five more queued greetings (the OpenWhisk dialect's non-blocking invoke is the same
  // queue): with the demo's four, nine records of `greet`.
  for (let i = 0; i < 5; i++) await invoke(server, 'greet', { name: `Queued-${i}` }, { blocking: false });
});

async function open(context, query) {
  const opened = await openHydrated(context, `/async?connection=${FG}${query}`);
  await opened.page.locator('.async-table, p.counts, p.note, .problem:not([hidden])').first().waitFor();
  return opened;
}

const ids = (page) => page.locator('.async-table tbody td[data-label="Request id"]').allTextContents();
const cell = (row, label) => row.locator(`td[data-label="${label}"]`).textContent();
const rowOf = (page, id) => page.locator(`.async-table tbody tr[data-request-id="${id}"]`);

async function allEnded(page) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await page.reload();
    await page.waitForSelector('[data-hydrated="true"]');
    const statuses = await page.locator('.async-table tbody td[data-label="Status"]').allTextContents();
    if (statuses.length && statuses.every((s) => !/WAIT|RUNNING/.test(s))) return statuses;
    assert.ok(Date.now() < deadline, `still waiting: ${statuses}`);
    await page.waitForTimeout(300);
  }
}

test('the demo records show, with the FAIL and the DISCARD and their errors', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, '&function=greet');
  assert.equal(await page.title(), 'Async invocations · fnconsole');
  assert.equal(await page.getByLabel('Function').inputValue(), 'greet');
  const statuses = await allEnded(page);
  assert.equal(statuses.length, 9, statuses.join());
  assert.equal(statuses.filter((s) => s === 'SUCCESS').length, 7);

  await page.getByLabel('Status').selectOption('FAIL');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/status=FAIL/);
  await page.locator('.async-table tbody tr').first().waitFor();
  const failed = page.locator('.async-table tbody tr');
  assert.equal(await failed.count(), 1);
  assert.match(await cell(failed, 'Error message'), /cannot greet Park: a demo failure/);
  assert.match(await cell(failed, 'Error code'), /^\d+$/);
  assert.match(await cell(failed, 'End'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d$/);

  await page.getByLabel('Status').selectOption('DISCARD');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/status=DISCARD/);
  const discarded = page.locator('.async-table tbody tr');
  await discarded.first().locator('td[data-label="Status"]', { hasText: 'DISCARD' }).waitFor();
  assert.equal(await discarded.count(), 1);
  assert.equal(await cell(discarded, 'Error message'), 'the invocation waited past its deadline and was not run');
  assert.equal(await cell(discarded, 'Error code'), '1');
  assert.equal(await cell(discarded, 'Start'), '—', 'it never started');
  for (const [name, scheme, width] of [
    ['async-light', 'light', 1280],
    ['async-dark', 'dark', 1280],
    ['async-phone', 'light', 390],
  ]) {
    await page.goto(`${server.url}/async?connection=${FG}&function=greet`);
    await page.waitForSelector('[data-hydrated="true"]');
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('marker paging: Next and Back across pages, the marker in the URL, back and forward', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, '&function=greet&limit=2');
  const first = await ids(page);
  assert.equal(first.length, 2);
  assert.equal(await page.getByRole('link', { name: 'Back' }).count(), 0);
  await page.getByRole('link', { name: 'Next' }).click();
  await page.waitForURL(/marker=2/);
  await page.locator('nav.pager', { hasText: 'Page 2' }).waitFor();
  const second = await ids(page);
  await page.getByRole('link', { name: 'Next' }).click();
  await page.waitForURL(/marker=4&trail=0%2C2|marker=4&trail=0,2/);
  await page.locator('nav.pager', { hasText: 'Page 3' }).waitFor();
  const third = await ids(page);
  const seen = [...first, ...second, ...third];
  assert.equal(new Set(seen).size, 6, `pages overlap: ${seen}`);
  // The last page (nine records, two a page) has no Next.
  await page.getByRole('link', { name: 'Next' }).click();
  await page.locator('nav.pager', { hasText: 'Page 4' }).waitFor();
  await page.getByRole('link', { name: 'Next' }).click();
  await page.locator('nav.pager', { hasText: 'Page 5' }).waitFor();
  assert.equal((await ids(page)).length, 1);
  assert.equal(await page.getByRole('link', { name: 'Next' }).count(), 0);

  await page.goBack();
  await page.locator('nav.pager', { hasText: 'Page 4' }).waitFor();
  await page.goBack();
  await page.goBack();
  await page.locator('nav.pager', { hasText: 'Page 2' }).waitFor();
  assert.deepEqual(await ids(page), second);
  await page.goForward();
  await page.locator('nav.pager', { hasText: 'Page 3' }).waitFor();
  assert.deepEqual(await ids(page), third);
  await page.getByRole('link', { name: 'Back' }).click();
  await page.locator('nav.pager', { hasText: 'Page 2' }).waitFor();
  assert.deepEqual(await ids(page), second);
  await page.getByRole('link', { name: 'Back' }).click();
  await page.locator('nav.pager', { hasText: 'Page 1' }).waitFor();
  assert.deepEqual(await ids(page), first);
  assert.doesNotMatch(page.url(), /marker=/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('request id, status and time range filter; a limit above 500 is refused on its field', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, '&function=greet');
  const [one] = await ids(page);
  await page.getByLabel('Request id').fill(one);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(new RegExp(`request_id=${one}`));
  await page.locator('.async-table tbody tr').nth(1).waitFor({ state: 'detached' });
  assert.deepEqual(await ids(page), [one]);

  // A range that ended before anything ran lists nothing; one around now lists them all.
  await page.goto(`${server.url}/async?connection=${FG}&function=greet&begin=2020-01-01T00:00&end=2020-01-01T01:00`);
  await page.getByText('No asynchronous invocation matches').waitFor();
  const now = new Date();
  const iso = (d) => d.toISOString().slice(0, 19);
  await page.goto(`${server.url}/async?connection=${FG}&function=greet&begin=${iso(new Date(now - 3_600_000))}&end=${iso(new Date(+now + 60_000))}`);
  await page.waitForSelector('[data-hydrated="true"]');
  assert.equal((await ids(page)).length, 9);
  assert.equal(await page.getByLabel('From (UTC)').inputValue(), iso(new Date(now - 3_600_000)));

  await page.goto(`${server.url}/async?connection=${FG}&function=greet&limit=501`);
  await page.waitForSelector('[data-hydrated="true"]');
  const problem = page.locator('#async-limit-error');
  assert.match(await problem.textContent(), /"501": The limit is a whole number from 1 to 500/);
  assert.equal(await page.getByLabel('Limit').getAttribute('aria-describedby'), 'async-limit-error async-limit-hint');
  assert.match(await page.getByRole('alert').first().textContent(), /not understood/);
  assert.equal((await ids(page)).length, 9, 'the default limit applies meanwhile');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a running invocation turns SUCCESS on the page without a reload', async () => {
  const context = await browser.newContext();
  await invoke(server, 'demo/slow-logger', { steps: 12 }, { blocking: false });
  const { page, errors } = await open(context, '&function=demo/slow-logger');
  const going = page.locator('.async-table tbody tr', {
    has: page.locator('td[data-label="Status"]', { hasText: /WAIT|RUNNING/ }),
  });
  assert.equal(await going.count(), 1, 'the queued run is waiting or running');
  const newest = rowOf(page, await going.getAttribute('data-request-id'));
  await page.getByText(/Following \d+ waiting or running/).waitFor();
  let reloaded = false;
  page.on('framenavigated', () => { reloaded = true; });
  await newest.locator('td[data-label="Status"]', { hasText: 'SUCCESS' }).waitFor({ timeout: 20_000 });
  assert.match(await cell(newest, 'End'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d$/);
  assert.equal(reloaded, false, 'the page was not reloaded');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a connection without asynchronous invocations says why', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, '').then(async (o) => {
    await o.page.goto(`${server.url}/async?connection=local-ncp`);
    await o.page.waitForSelector('[data-hydrated="true"]');
    return o;
  });
  assert.match(await page.locator('p.note').textContent(), /does not offer listing asynchronous invocations\. Pick a FunctionGraph connection/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Run asynchronously in the run panel links to where each provider records the run', async () => {
  const context = await browser.newContext();
  const cases = [
    [FG, 'greet', /\/async\?connection=local-huawei&function=greet&request_id=/, '.async-table tbody tr'],
    ['local-tencent', 'greet', /\/logs\?connection=local-tencent&function=greet&request_id=/, '.logs-table tbody tr'],
    ['local-openwhisk', 'demo/hello', /\/activations\/[0-9a-f]{32}\?connection=local-openwhisk&action=demo\/hello/, '.detail-head'],
  ];
  for (const [connection, action, link, record] of cases) {
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/actions/${action}?connection=${connection}`);
    await page.waitForSelector('[data-hydrated="true"]');
    await page.getByLabel('Parameters (JSON)').fill('{"name": "Async"}');
    await page.getByRole('button', { name: 'Run asynchronously' }).click();
    const follow = page.getByRole('link', { name: /^its (asynchronous invocation record|function log|activation)$/ });
    await follow.waitFor();
    assert.match(await follow.getAttribute('href'), link, connection);
    const id = await page.locator('.async-run code').textContent();
    await follow.click();
    await page.waitForURL(link);
    // The record is there once the queue has run it (the logs list runs that ended).
    const deadline = Date.now() + 15_000;
    for (;;) {
      await page.waitForSelector('[data-hydrated="true"]');
      const found = connection === FG ? `tr[data-request-id="${id}"]` : record;
      if ((await page.locator(found).count()) > 0) break;
      assert.ok(Date.now() < deadline, `${connection}: no record for ${id}`);
      await page.waitForTimeout(300);
      await page.reload();
    }
    assert.match(page.url(), link, connection);
    assert.deepEqual(errors, [], connection);
    await page.close();
  }
  await context.close();
});
