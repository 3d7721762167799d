// Live mode on the activations page, in real Chromium against the release binary and its
// embedded engine: with "Live" on, a run started elsewhere (an OpenWhisk client's HTTP invoke
// against the engine's OpenWhisk dialect) appears at the top of the table without a reload,
// first running, then ended; the status filter applies to what arrives; turned off, nothing
// more arrives. Screenshots go to target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from '../support/server.mjs';
import { launchBrowser, collectErrors } from '../support/browser.mjs';

const shots = join(repoRoot, 'target', 'screenshots');
let server;
let browser;

/** Starts `action` (in the demo package) without waiting, as any OpenWhisk client would. */
async function start(action, params) {
  const keys = readFileSync(join(server.dataDir, 'data', 'engine-keys.toml'), 'utf8');
  const auth = keys.match(/^openwhisk_auth\s*=\s*"(.*)"/m)[1];
  const res = await fetch(`${server.engineUrl}/api/v1/namespaces/_/actions/demo/${action}?blocking=false`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(params),
  });
  const body = await res.json();
  assert.ok(body.activationId, `no activation id: ${JSON.stringify(body)}`);
  return body.activationId;
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const rows = (page) => page.locator('.activations-table tbody tr');
const topId = (page) => rows(page).first().locator('td[data-label="Id"] code').textContent();
const rowOf = (page, id) => rows(page).filter({ has: page.locator('code', { hasText: id }) });
const liveReady = (page) => page.getByText('New activations appear at the top as they run.').waitFor();

async function open(context, path) {
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
  await page.locator('.activations-table, p.empty, p.note').first().waitFor();
  return { page, errors };
}

test('live mode shows a run started elsewhere at the top, running then ended, without a reload', async () => {
  const first = await start('hello', { name: 'before' });
  const context = await browser.newContext();
  const { page, errors } = await open(context, '/activations?connection=local-openwhisk');
  await rows(page).first().waitFor();
  const live = page.getByLabel('Live');
  assert.equal(await live.isChecked(), false);
  await page.evaluate(() => { window.notReloaded = true; });
  await live.check();
  await page.waitForURL(/[?&]live=1(&|$)/);
  await liveReady(page);

  const id = await start('slow-logger', {});
  // The slow logger runs about 2 s: its row is on top while it still runs.
  const row = rowOf(page, id);
  await row.locator('td[data-label="Status"]', { hasText: 'running or unknown' }).waitFor({ timeout: 2_000 });
  assert.equal(await topId(page), id);
  await page.screenshot({ path: join(shots, 'activations-live-running.png') });
  await row.locator('td[data-label="Status"]', { hasText: 'success' }).waitFor({ timeout: 10_000 });
  assert.match(await row.locator('td[data-label="Duration"]').textContent(), /\d/);
  assert.equal(await rows(page).nth(1).locator('code').textContent(), first, 'the older row moved down');
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');

  // A reload keeps live mode on (it is in the URL); turned off, nothing more arrives.
  await page.reload();
  await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
  assert.equal(await page.getByLabel('Live').isChecked(), true);
  await page.getByLabel('Live').uncheck();
  await page.waitForURL((url) => !url.search.includes('live=1'));
  const unseen = await start('hello', { name: 'after' });
  await new Promise((ok) => setTimeout(ok, 1_500));
  assert.equal(await rowOf(page, unseen).count(), 0, 'live mode is off');
  assert.equal(await topId(page), id);
  assert.deepEqual(errors, []);
  await context.close();
});

test('live mode keeps to the view: a status filter drops what does not match', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, '/activations?connection=local-openwhisk&status=failure');
  await page.getByLabel('Live').check();
  await page.waitForURL(/status=failure.*live=1|live=1.*status=failure/);
  await liveReady(page);
  const greeting = await start('hello', { name: 'filtered out' });
  const failure = await start('always-fails', {});
  await rowOf(page, failure).locator('td[data-label="Status"]', { hasText: /error/ }).waitFor({ timeout: 5_000 });
  assert.equal(await topId(page), failure);
  assert.equal(await rowOf(page, greeting).count(), 0, 'a success is not a failure');
  // The filter form keeps live mode on.
  assert.equal(await page.locator('form input[type="hidden"][name="live"]').getAttribute('value'), '1');
  assert.deepEqual(errors, []);
  await context.close();
});
