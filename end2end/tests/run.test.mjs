// The run panel in real Chromium against the release binary and its embedded engine: a log
// line on screen while the run still runs, a failing run, an endless loop ended at its time
// limit, stopping the following, re-running a recorded input; and the cloud path against a
// fake OpenWhisk that checks the key and answers 202 first. Screenshots of a finished and a
// failed run (light, dark, phone width) go to target/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openwhisk } from '../support/engine.mjs';
import { startSuite, openHydrated, withServer, configFile, server, browser, shots } from '../support/suite.mjs';
import { startFakeOpenWhisk } from '../support/fake-openwhisk.mjs';

startSuite();

async function openAction(context, connection, action, extra = '', url = server.url) {
  const opened = await openHydrated(context, `/actions/${action}?connection=${connection}${extra}`, url);
  await opened.page.getByLabel('Parameters (JSON)').waitFor();
  return opened;
}

const status = (page) => page.getByRole('status', { name: 'Run status' });
const logLines = (page) => page.getByRole('list', { name: 'Log' }).getByRole('listitem');
const result = (page) => page.getByLabel('Result');
const runButton = (page) => page.getByRole('button', { name: 'Run', exact: true });

async function statusBecomes(page, pattern, timeout = 15_000) {
  await status(page).filter({ hasText: pattern }).waitFor({ timeout });
  return status(page).textContent();
}

async function run(page, params) {
  await page.getByLabel('Parameters (JSON)').fill(params);
  await runButton(page).click();
}

/** A fact under the result: the `dd` after the `dt` named `term`. */
const fact = (page, term) =>
  page.locator('.run-facts dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]').textContent();
/** The engine bills whole 100 ms and measures what its QuickJS runtime held. */
async function assertBilledAndMeasured(page, label) {
  assert.match(await fact(page, 'Billed duration'), /^(\d00 ms|\d\.\d s)$/, label);
  const used = await fact(page, 'Memory used');
  assert.match(used, /^\d+(\.\d)? (B|KB|MB)$/, label);
  assert.ok(parseFloat(used) > 0, `${label}: ${used}`);
}

test('a log line is on screen while the run still runs, then the result and its facts', async () => {
  const context = await browser.newContext();
  const { page, errors } = await openAction(context, 'local-ncp', 'demo/slow-logger');
  await run(page, '{"steps": 5}');
  await logLines(page).first().waitFor({ timeout: 10_000 });
  // Read at once, together: the first line is there and the run has not ended.
  const [statusThen, linesThen] = await Promise.all([status(page).textContent(), logLines(page).count()]);
  assert.match(statusThen, /^Running/);
  assert.ok(linesThen < 5, `${linesThen} lines were shown before the end`);
  assert.match(await logLines(page).first().textContent(), /^\d\d:\d\d:\d\d\.\d{3}\s*step 1 of 5$/);

  await statusBecomes(page, /^Succeeded$/);
  assert.equal(await logLines(page).count(), 5);
  assert.deepEqual(JSON.parse(await result(page).textContent()), { done: true, steps: 5 });
  assert.equal(await fact(page, 'Status'), 'success');
  assert.match(await fact(page, 'Duration'), /^\d\.\d s$/);
  assert.equal(await fact(page, 'Memory limit'), '128 MB');
  await assertBilledAndMeasured(page, 'engine via NCP');
  assert.match(await fact(page, 'Activation id'), /^[0-9a-f]{32}$/);
  for (const [name, scheme, width] of [
    ['run-finished-light', 'light', 1280],
    ['run-finished-dark', 'dark', 1280],
    ['run-finished-phone', 'light', 390],
  ]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('bad JSON is refused on the field; Ctrl+Enter runs; a failing run says how it failed', async () => {
  const context = await browser.newContext();
  const { page, errors } = await openAction(context, 'local-openwhisk', 'demo/always-fails');
  const params = page.getByLabel('Parameters (JSON)');
  await params.fill('{"reason": "on purpose",}');
  assert.equal(await params.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#run-params-error').textContent(), /^Not valid JSON at line 1, column \d+: /);
  assert.equal(await runButton(page).isDisabled(), true);
  await params.fill('[]');
  assert.match(await page.locator('#run-params-error').textContent(), /must be a JSON object .* not an array/);
  await page.getByLabel('Wait (ms)').fill('90000');
  assert.match(await page.locator('#run-timeout-error').textContent(), /0 to 60,000/);
  await page.getByLabel('Wait (ms)').fill('');

  await params.fill('{"reason": "broken on purpose"}');
  assert.equal(await params.getAttribute('aria-invalid'), 'false');
  await params.press('Control+Enter');
  await statusBecomes(page, /^Failed: application error$/);
  const line = await logLines(page).first().textContent();
  assert.match(line, /stderr\s*about to fail on purpose$/);
  assert.match(await result(page).textContent(), /broken on purpose/);
  assert.equal(await fact(page, 'Status'), 'application error');
  for (const [name, scheme, width] of [
    ['run-failed-light', 'light', 1280],
    ['run-failed-dark', 'dark', 1280],
    ['run-failed-phone', 'dark', 390],
  ]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  }

  // "Run again" repeats the last input, whatever the field holds now.
  await params.fill('{"reason": "something else"}');
  await page.getByRole('button', { name: 'Run again' }).click();
  await statusBecomes(page, /^Failed: application error$/);
  assert.match(await result(page).textContent(), /broken on purpose/);
  assert.deepEqual(errors, []);
  await context.close();
});

/** Puts an action on the engine through its OpenWhisk dialect. */
async function putAction(path, code, limits = { timeout: 60_000, memory: 128 }) {
  const put = await openwhisk(server, `/actions/${path}?overwrite=true`, 'PUT', { exec: { kind: 'nodejs:20', code }, limits });
  assert.equal(put.status, 200, await put.text());
}

test('FunctionGraph and SCF connections run too (synchronous invocations)', async () => {
  // The local SCF connection's namespace is the engine's top level.
  await putAction('greet', 'function main(p) { console.log(`greeting ${p.name}`); return { greeting: `Hello, ${p.name}!` }; }');
  const context = await browser.newContext();
  for (const [connection, action] of [['local-huawei', 'demo/hello'], ['local-tencent', 'greet']]) {
    const { page, errors } = await openAction(context, connection, action);
    await run(page, '{"name": "Kim"}');
    await statusBecomes(page, /^Succeeded$/);
    assert.deepEqual(JSON.parse(await result(page).textContent()), { greeting: 'Hello, Kim!' }, connection);
    assert.match((await logLines(page).allTextContents()).join('\n'), /greeting Kim/, connection);
    // SCF's BillDuration and MemUsage, FunctionGraph's X-Cff-Invoke-Summary, as the engine answers them.
    await assertBilledAndMeasured(page, connection);
    assert.deepEqual(errors, [], connection);
    await page.close();
  }
  await context.close();
});

test('an endless loop ends at its time limit, shown as a timeout', async () => {
  await putAction('demo/loop', 'function main() { console.log("looping"); while (true) {} }', { timeout: 1000, memory: 128 });
  const context = await browser.newContext();
  const { page, errors } = await openAction(context, 'local-openwhisk', 'demo/loop');
  const started = Date.now();
  await run(page, '{}');
  await statusBecomes(page, /^Timed out$/, 10_000);
  assert.ok(Date.now() - started < 8_000, 'the run ended near its 1 s limit');
  assert.match(await result(page).textContent(), /time limit of 1000 milliseconds/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('stop following: the stream ends, the page stops changing, Run again is offered', async () => {
  const context = await browser.newContext();
  const { page, errors } = await openAction(context, 'local-openwhisk', 'demo/slow-logger');
  await run(page, '{"steps": 8}');
  await logLines(page).first().waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Stop following' }).click();
  await statusBecomes(page, /^Stopped following$/);
  const shown = await logLines(page).count();
  // The run itself goes on for about 3 s more: none of it reaches the page.
  await page.waitForTimeout(4_000);
  assert.equal(await logLines(page).count(), shown);
  assert.equal(await status(page).textContent(), 'Stopped following');
  assert.equal(await result(page).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Run again' }).isVisible(), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Stop ends a run on the engine: its end arrives at once, recorded as stopped', async () => {
  const context = await browser.newContext();
  const { page, errors } = await openAction(context, 'local-ncp', 'demo/slow-logger');
  await run(page, '{"steps": 50}');
  await logLines(page).first().waitFor({ timeout: 10_000 });
  const asked = Date.now();
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await statusBecomes(page, /^Stopped$/, 5_000);
  assert.ok(Date.now() - asked < 3_000, 'the 20 s run ended when stopped');
  assert.match(await result(page).textContent(), /stopped from the console/);
  assert.ok(await logLines(page).count() < 50);
  assert.deepEqual(errors, []);
  await context.close();
});

test('?rerun= fills the parameters a recorded activation ran with', async () => {
  const context = await browser.newContext();
  // An activation that cannot be read leaves the form usable and says why it is empty.
  const { page: unknown } = await openAction(context, 'local-openwhisk', 'demo/hello', `&rerun=${'0'.repeat(32)}`);
  assert.match(await unknown.locator('.run-form .note').textContent(), /^Activation 0{32} could not be read: /);
  assert.equal(await unknown.getByLabel('Parameters (JSON)').inputValue(), '{}');
  await unknown.close();

  const { page } = await openAction(context, 'local-openwhisk', 'demo/hello');
  await run(page, '{"name": "Kim"}');
  await statusBecomes(page, /^Succeeded$/);
  const id = await fact(page, 'Activation id');
  await page.close();

  const { page: again, errors } = await openAction(context, 'local-openwhisk', 'demo/hello', `&rerun=${id}`);
  const params = JSON.parse(await again.getByLabel('Parameters (JSON)').inputValue());
  assert.equal(params.name, 'Kim');
  assert.match(await again.locator('.run-form .note').textContent(), new RegExp(id));
  await runButton(again).click();
  await statusBecomes(again, /^Succeeded$/);
  assert.deepEqual(JSON.parse(await result(again).textContent()), { greeting: 'Hello, Kim!' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a cloud run answered 202 is followed by the server until it ends', async () => {
  const auth = '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:' + 'k'.repeat(64);
  const fake = await startFakeOpenWhisk({ auth, runningReads: 3 });
  // The fake checks the key like OpenWhisk: without it, refused.
  assert.equal((await fetch(`${fake.url}/api/v1/namespaces/_/actions/work/report`)).status, 401);
  fake.requests.length = 0;
  const config = configFile('run-cloud', [
    '[[connections]]', 'id = "fake-ow"', 'provider = "openwhisk"', `endpoint = "${fake.url}"`, 'auth_env = "FAKE_OW_AUTH"', '',
    '[[connections]]', 'id = "fake-ow-wrong-key"', 'provider = "openwhisk"', `endpoint = "${fake.url}"`, 'auth_env = "FAKE_OW_WRONG"', '',
    '[[connections]]', 'id = "no-secret"', 'provider = "openwhisk"', `endpoint = "${fake.url}"`, 'auth_env = "FAKE_OW_UNSET"', '',
  ]);
  const env = { FNCONSOLE_CONFIG: config, FAKE_OW_AUTH: auth, FAKE_OW_WRONG: auth.replace(/k+$/, 'x'.repeat(64)) };
  await withServer(async (cloud) => {
    const context = await browser.newContext();
    try {
      const { page, errors } = await openAction(context, 'fake-ow', 'work/report', '', cloud.url);
      await run(page, '{"month": "2026-11"}');
      // Followed by the server past the 202: "Running (followed for …)" before the end.
      await statusBecomes(page, /^Running \(followed for /);
      await statusBecomes(page, /^Succeeded$/);
      const lines = await logLines(page).allTextContents();
      assert.equal(lines.length, 2);
      assert.match(lines[0], /building the report for 2026-11$/);
      assert.match(lines[1], /stderr\s*1 row skipped$/);
      assert.deepEqual(JSON.parse(await result(page).textContent()), { report: '2026-11', rows: 3 });
      assert.equal(await fact(page, 'Memory limit'), '256 MB');
      assert.equal(await fact(page, 'Billed duration'), 'not reported by Apache OpenWhisk');
      assert.equal(await fact(page, 'Memory used'), 'not reported by Apache OpenWhisk');
      const reads = fake.requests.filter((r) => r.method === 'GET' && r.path.includes('/activations/'));
      assert.equal(reads.length, 4, 'three reads while running, one at the end');
      assert.ok(fake.requests.every((r) => r.authorized), 'the console signed every request');
      assert.deepEqual(errors, []);

      const { page: wrong } = await openAction(context, 'fake-ow-wrong-key', 'work/report', '', cloud.url);
      await run(wrong, '{}');
      await statusBecomes(wrong, /^Could not run: .*OpenWhisk refused the credentials/);

      const unbuilt = await context.newPage();
      await unbuilt.goto(`${cloud.url}/actions/work/report?connection=no-secret`);
      await unbuilt.locator('.run-unavailable').waitFor();
      assert.match(await unbuilt.locator('.run-unavailable').textContent(), /FAKE_OW_UNSET/);
    } finally {
      await context.close();
    }
  }, { env }).finally(() => fake.stop());
});
