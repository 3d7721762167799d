// The timeline in real Chromium against the release binary: the engine's four dialects
// configured by hand plus one connection at a loopback address that accepts and never
// answers. Runs are made first (an action of this test's own, run through the OpenWhisk
// dialect and enqueued through SCF's `Event` invocations), then: every fast connection shows
// before the deadline and the broken one says why within it; filters by connection, status
// and text, all in the URL; the failure view; each row's detail link; a bad URL value named;
// screenshots (light, dark, phone) in target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/server.mjs';
import { launchBrowser, collectErrors } from '../support/browser.mjs';
import { blackHole, startWithEveryConnection } from '../support/every-connection.mjs';

const shots = join(repoRoot, 'target', 'screenshots');
const ACTION = `tlprobe${Date.now() % 100000}`;
const LOCAL = ['local-ncp', 'local-openwhisk', 'local-huawei', 'local-tencent'];
let server;
let hole;
let browser;
const made = { ok: [], failed: [], async: [] };

before(async () => {
  mkdirSync(shots, { recursive: true });
  hole = await blackHole();
  server = await startWithEveryConnection({ stuck: hole.url });
  browser = await launchBrowser();
  const { engine } = server;
  await engine.putAction(ACTION, "function main(p) { if (p.fail) throw new Error('probe failed on purpose'); return { ok: p.n }; }");
  for (let n = 0; n < 3; n++) made.ok.push(await engine.run(ACTION, { n }));
  for (let n = 0; n < 2; n++) made.failed.push(await engine.run(ACTION, { n, fail: true }));
  made.async.push(await engine.runAsync(ACTION, { n: 9 }));
  made.async.push(await engine.runAsync(ACTION, { n: 10, fail: true }));
  // The queue runs them at once; give it a moment to record their ends.
  await new Promise((r) => setTimeout(r, 1500));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  hole?.close();
});

/** Opens `path`, hydrated; answers the page and when navigation started (ms). */
async function open(path, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = collectErrors(page);
  const started = Date.now();
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
  return { page, errors, started, context };
}

const part = (page, id) => page.locator(`.timeline-parts li[data-connection="${id}"]`);
const rows = (page) => page.locator('.timeline-table tbody tr');
const cells = (page, label) => page.locator(`.timeline-table tbody td[data-label="${label}"]`).allTextContents();
/** Waits until every asked connection has answered or failed. */
const allAnswered = (page) => page.waitForFunction(
  () => document.querySelectorAll('.timeline-parts li').length > 0
    && [...document.querySelectorAll('.timeline-parts li')].every((li) => li.querySelector('.part-ok, .part-failed')),
  null,
  { timeout: 10_000 },
);

test('the fast connections show before the deadline; the one that never answers says why within it', async () => {
  const { page, errors, started, context } = await open(`/timeline?text=${ACTION}`);
  await part(page, 'local-openwhisk').locator('.part-ok').waitFor({ timeout: 2_500 });
  const fastAt = Date.now() - started;
  for (const id of LOCAL) await part(page, id).locator('.part-ok').waitFor({ timeout: 2_500 });
  assert.match(await part(page, 'stuck').textContent(), /asking…/, 'the others came while the stuck one was still asked');
  const stuck = part(page, 'stuck').locator('.part-failed');
  await stuck.waitFor({ timeout: 5_000 });
  const stuckAt = Date.now() - started;
  assert.equal(await stuck.textContent(), 'did not answer within 3 s');
  assert.ok(fastAt < 3_000, `the fast connections came at ${fastAt} ms`);
  assert.ok(stuckAt >= 3_000 && stuckAt < 3_000 + 2_500, `the broken one said why at ${stuckAt} ms`);
  // Every local connection's records are in the one list, newest first.
  const connections = new Set(await cells(page, 'Connection'));
  for (const id of LOCAL) assert.ok(connections.has(id), `no row from ${id}: ${[...connections]}`);
  const starts = await cells(page, 'Start');
  assert.deepEqual([...starts].sort().reverse(), starts, 'newest first');
  const providers = new Set(await cells(page, 'Provider'));
  assert.deepEqual([...providers].sort(), ['Apache OpenWhisk', 'Huawei FunctionGraph', 'NAVER Cloud Functions', 'Tencent SCF']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('filters by connection, status and text are in the URL and survive a reload', async () => {
  const { page, context } = await open('/timeline');
  await allAnswered(page);
  const form = page.getByRole('search', { name: 'Filter the timeline' });
  const field = (label) => form.getByLabel(label, { exact: true });
  await field('Connection').selectOption('local-tencent');
  await field('Status').selectOption('failure');
  await field('Text').fill(ACTION);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/connection=local-tencent/);
  const url = new URL(page.url());
  const given = Object.fromEntries([...url.searchParams].filter(([k, v]) => v !== '' && k !== 'limit'));
  assert.deepEqual(given, { connection: 'local-tencent', status: 'failure', text: ACTION });
  await allAnswered(page);
  const check = async () => {
    assert.equal(await page.locator('.timeline-parts li').count(), 1, 'only the chosen connection is asked');
    assert.ok(await rows(page).count() >= 2, 'the two failed runs (and the failed Event) are listed');
    assert.deepEqual(new Set(await cells(page, 'Connection')), new Set(['local-tencent']));
    for (const s of await cells(page, 'Status')) assert.match(s, /^Failed/);
    for (const a of await cells(page, 'Action')) assert.equal(a, ACTION);
  };
  await check();
  await page.reload();
  await page.waitForSelector('[data-hydrated="true"]');
  await allAnswered(page);
  assert.equal(await field('Connection').inputValue(), 'local-tencent');
  assert.equal(await field('Status').inputValue(), 'failure');
  assert.equal(await field('Text').inputValue(), ACTION);
  await check();
  // Succeeded only, on every connection: none of the failures.
  await page.goto(`${server.url}/timeline?status=success&text=${ACTION}`);
  await allAnswered(page);
  const statuses = await cells(page, 'Status');
  assert.ok(statuses.length >= 3 * 3, `three successes on each activations/log connection: ${statuses.length}`);
  for (const s of statuses) assert.equal(s.trim(), 'Succeeded');
  await context.close();
});

test('the failure view is one click and covers every connection', async () => {
  const { page, context } = await open('/timeline');
  await page.getByRole('link', { name: 'Failures, last hour, everywhere' }).click();
  await page.waitForURL(/\/timeline\?status=failure$/);
  await allAnswered(page);
  for (const s of await cells(page, 'Status')) assert.match(s, /^Failed/);
  const mine = page.locator('.timeline-table tbody tr', { hasText: ACTION });
  const where = new Set(await mine.locator('td[data-label="Connection"]').allTextContents());
  for (const id of LOCAL) assert.ok(where.has(id), `no failure of ${ACTION} from ${id}: ${[...where]}`);
  assert.equal(await part(page, 'stuck').locator('.part-failed').textContent(), 'did not answer within 3 s');
  await context.close();
});

test('each row links to its detail: the activation, the async invocation, the log record', async () => {
  const { page, context } = await open(`/timeline?text=${ACTION}`);
  await allAnswered(page);
  const link = (connection, id) => page.locator('.timeline-table tbody tr', { hasText: connection }).filter({ hasText: id }).getByRole('link');
  const activation = made.failed[0];
  assert.equal(await link('local-openwhisk', activation).getAttribute('href'), `/activations/${activation}?connection=local-openwhisk&action=${ACTION}`);
  // FunctionGraph lists the queue's request ids (SCF's Event answers the activation id, which
  // its log carries): the row's link names the request id the row shows.
  const queued = page.locator('.timeline-table tbody tr', { hasText: 'local-huawei' }).first();
  const href = await queued.getByRole('link').getAttribute('href');
  const [, request] = href.match(/^\/async\?connection=local-huawei&request_id=([\w-]+)$/) ?? [];
  assert.ok(request, href);
  assert.match(await queued.textContent(), new RegExp(request));
  assert.equal(await link('local-tencent', activation).getAttribute('href'), `/logs?connection=local-tencent&request_id=${activation}`);
  await link('local-openwhisk', activation).click();
  await page.waitForURL(new RegExp(`/activations/${activation}`));
  await page.getByRole('heading', { level: 1 }).waitFor();
  await context.close();
});

test('a bad value in the address is named, and the rest of the view applies', async () => {
  const { page, context } = await open(`/timeline?limit=0&text=${ACTION}`);
  const problem = page.locator('.problem[role="alert"]:not([hidden])');
  await problem.waitFor();
  assert.match(await problem.textContent(), /The limit "0" is not a whole number from 1 to 500\./);
  await allAnswered(page);
  assert.ok(await rows(page).count() > 0);
  await context.close();
});

test('screenshots: light, dark and phone width', async () => {
  for (const [name, options] of [
    ['timeline-light', { colorScheme: 'light', viewport: { width: 1280, height: 900 } }],
    ['timeline-dark', { colorScheme: 'dark', viewport: { width: 1280, height: 900 } }],
    ['timeline-phone', { colorScheme: 'light', viewport: { width: 390, height: 844 } }],
  ]) {
    const { page, context } = await open(`/timeline?text=${ACTION}`, options);
    await allAnswered(page);
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    await context.close();
  }
});
