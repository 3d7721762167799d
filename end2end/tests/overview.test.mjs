// The overview (`/`) in real Chromium against the release binary: the engine's four dialects
// plus one connection that never answers. Each card fills on its own: the fast ones before
// the deadline, the broken one says why within it; after runs this test makes, the counts
// of actions, runs and failures in the last hour grow by exactly those runs, and the latest
// failures link to them. Screenshots (light, dark, phone) in target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/server.mjs';
import { launchBrowser, collectErrors } from '../support/browser.mjs';
import { blackHole, startWithEveryConnection } from '../support/every-connection.mjs';

const shots = join(repoRoot, 'target', 'screenshots');
const ACTION = `ovprobe${Date.now() % 100000}`;
let server;
let hole;
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  hole = await blackHole();
  server = await startWithEveryConnection({ stuck: hole.url });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  hole?.close();
});

const card = (page, id) => page.locator(`.connection-card[data-connection="${id}"]`);
const count = async (page, id, what) => {
  const text = await card(page, id).locator(`dd[data-count="${what}"]`).textContent();
  return Number(text.replace(/[,+]/g, ''));
};

/** Opens `/`, hydrated, and waits for every card; answers the page and the times (ms). */
async function open(options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = collectErrors(page);
  const started = Date.now();
  await page.goto(`${server.url}/`);
  await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
  await card(page, 'local-openwhisk').locator('dd[data-count="runs"]').waitFor({ timeout: 2_500 });
  const fastAt = Date.now() - started;
  const stuckWasAsked = /Asking…/.test(await card(page, 'stuck').textContent());
  await card(page, 'stuck').locator('.part-failed').waitFor({ timeout: 6_000 });
  return { page, errors, context, fastAt, stuckAt: Date.now() - started, stuckWasAsked };
}

/** The local OpenWhisk card's figures, once two readings a moment apart agree (the demo's
 * first-start runs may still be landing). */
async function settled() {
  let last;
  for (let i = 0; i < 10; i++) {
    const { page, context } = await open();
    const now = ['actions', 'runs', 'failures'].map((w) => count(page, 'local-openwhisk', w));
    const figures = await Promise.all(now);
    await context.close();
    if (last && figures.every((f, j) => f === last[j])) return figures;
    last = figures;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the counts never settled');
}

test('each card loads on its own: the fast ones first, the broken one says why within the deadline', async () => {
  const { page, errors, context, fastAt, stuckAt, stuckWasAsked } = await open();
  assert.ok(fastAt < 3_000, `the fast cards came at ${fastAt} ms`);
  assert.ok(stuckWasAsked, 'the broken card was still being asked when the fast ones came');
  assert.equal(await card(page, 'stuck').locator('.part-failed').textContent(), 'did not answer within 3 s');
  assert.ok(stuckAt >= 3_000 && stuckAt < 5_500, `the broken card said why at ${stuckAt} ms`);
  for (const id of ['local-ncp', 'local-openwhisk', 'local-huawei', 'local-tencent']) {
    await card(page, id).locator('dd[data-count="runs"]').waitFor();
  }
  await page.getByRole('link', { name: 'Failures, last hour, everywhere' }).first().waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('after runs made here, the counts grow by exactly those and the latest failures link to them', async () => {
  const [actions, runs, failures] = await settled();
  const { engine } = server;
  await engine.putAction(ACTION, "function main(p) { if (p.fail) throw new Error('overview probe failed'); return { ok: true }; }");
  await engine.run(ACTION, {});
  await engine.run(ACTION, {});
  const failed = [];
  for (let i = 0; i < 3; i++) failed.push(await engine.run(ACTION, { fail: true }));
  const { page, context } = await open();
  assert.equal(await count(page, 'local-openwhisk', 'actions'), actions + 1);
  assert.equal(await count(page, 'local-openwhisk', 'runs'), runs + 5);
  assert.equal(await count(page, 'local-openwhisk', 'failures'), failures + 3);
  const latest = card(page, 'local-openwhisk').locator('.latest-failures a');
  assert.equal(await latest.first().getAttribute('href'), `/activations/${failed[2]}?connection=local-openwhisk&action=${ACTION}`);
  await latest.first().click();
  await page.waitForURL(new RegExp(`/activations/${failed[2]}`));
  await context.close();
});

test('screenshots: light, dark and phone width', async () => {
  for (const [name, options] of [
    ['overview-light', { colorScheme: 'light', viewport: { width: 1280, height: 900 } }],
    ['overview-dark', { colorScheme: 'dark', viewport: { width: 1280, height: 900 } }],
    ['overview-phone', { colorScheme: 'light', viewport: { width: 390, height: 844 } }],
  ]) {
    const { page, context } = await open(options);
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    await context.close();
  }
});
