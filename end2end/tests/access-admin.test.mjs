// Connections managed on /settings and the audit log (/audit), in real Chromium against the
// release binary (run at RUST_LOG=debug): an admin adds a connection to the engine's
// OpenWhisk dialect with its key, tests it and finds it in the header's switcher; a refused
// save names its field and keeps what was typed; a save and a run appear in the audit log,
// whose filters live in the URL. Then the secrets walk over what a browser receives: every
// page, the bundle's JS and WASM files, and the server's log hold none of the secrets.
// The suite's admin is signed in (support/server.mjs). Screenshots go to target/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSuite, server, browser, shots, openHydrated } from '../support/suite.mjs';
import { repoRoot } from '../support/server.mjs';

// A file connection whose secret is known (an unreachable endpoint: only its name is used).
const FILE_SECRET = 'FILEsecret-e2e-6b1d:never-shown';
startSuite({
  env: { RUST_LOG: 'debug', E2E_FILE_OW_AUTH: FILE_SECRET },
  config: `[[connections]]
id = "file-ow"
name = "File OW"
provider = "openwhisk"
endpoint = "http://127.0.0.1:9"
auth_env = "E2E_FILE_OW_AUTH"
`,
});

/** The engine's OpenWhisk key, which the UI connection is given. */
function engineAuth() {
  const keys = readFileSync(join(server.dataDir, 'data', 'engine-keys.toml'), 'utf8');
  return keys.match(/^openwhisk_auth\s*=\s*"(.*)"/m)[1];
}

async function serverFn(path, body, json = false) {
  const res = await fetch(`${server.url}/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  return { status: res.status, text: await res.text() };
}

test('an admin adds a connection, tests it and finds it in the switcher; a refused save keeps the form', async () => {
  const context = await browser.newContext();
  const { page, errors } = await openHydrated(context, '/settings');
  const form = page.locator('form.connection-form');
  await page.getByRole('button', { name: 'Add connection' }).click();
  await form.getByLabel('Id', { exact: true }).fill('team-ow');
  await form.getByLabel('Name (optional)', { exact: true }).fill('Team OW');
  await form.getByLabel('Endpoint', { exact: true }).fill('not-a-url');
  await form.getByLabel('Auth key (uuid:key)', { exact: true }).fill(engineAuth());
  await form.getByRole('button', { name: 'Add connection' }).click();
  // Refused on its field; everything typed is still there.
  await page.locator('#conn-endpoint-error').filter({ hasText: 'http://' }).waitFor();
  assert.equal(await form.getByLabel('Id', { exact: true }).inputValue(), 'team-ow');
  assert.equal(await form.getByLabel('Auth key (uuid:key)', { exact: true }).inputValue(), engineAuth());
  await page.screenshot({ path: join(shots, 'settings-connection-refused.png'), fullPage: true });

  await form.getByLabel('Endpoint', { exact: true }).fill(server.engineUrl);
  await Promise.all([
    page.waitForEvent('load'),
    form.getByRole('button', { name: 'Add connection' }).click(),
  ]);
  await page.waitForSelector('[data-hydrated="true"]');
  const row = page.locator('.connections-table tr', { hasText: 'team-ow' });
  await row.getByText('added here').waitFor();
  // In the header's switcher, without a restart.
  const options = await page.locator('#connection option').allTextContents();
  assert.ok(options.some((o) => o.includes('Team OW')), options.join(', '));

  await page.getByRole('button', { name: 'Test connection team-ow' }).click();
  await row.getByRole('status').filter({ hasText: /^Works/ }).waitFor({ timeout: 15_000 });
  const said = await row.getByRole('status').textContent();
  assert.match(said, /action/, said);

  // Editing shows the secret as set, never its value.
  await page.getByRole('button', { name: 'Edit team-ow' }).click();
  assert.equal(await form.getByLabel('Auth key (uuid:key)', { exact: true }).inputValue(), '');
  await form.getByText('Set. Leave empty to keep it').waitFor();
  const html = await page.content();
  assert.ok(!html.includes(engineAuth().split(':')[1]), 'the page holds the secret');
  for (const [name, colorScheme, viewport] of [
    ['light', 'light', { width: 1280, height: 900 }],
    ['dark', 'dark', { width: 1280, height: 900 }],
    ['phone', 'light', { width: 390, height: 844 }],
  ]) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(shots, `settings-connections-${name}.png`), fullPage: true });
  }
  // The one refused save above is the only failed request.
  const refused = errors.filter((e) => e.startsWith('Failed to load resource: the server responded with a status of 400'));
  assert.equal(refused.length, 1, errors.join('\n'));
  assert.deepEqual(errors.filter((e) => !refused.includes(e)), []);
  await context.close();
});

test('a save and a run appear in the audit log, and its filters are in the URL', async () => {
  const saved = await serverFn('save_package', { connection: 'team-ow', name: 'audited', description: '' });
  assert.equal(saved.status, 200, saved.text);
  const ran = await serverFn('run_action', {
    run: { connection: 'team-ow', action: { package: 'demo', name: 'hello' }, params: { name: 'Audit' }, timeout_ms: null },
  }, true);
  assert.equal(ran.status, 200, ran.text);

  const context = await browser.newContext();
  const { page, errors } = await openHydrated(context, '/audit');
  const rows = page.locator('.audit-table tbody tr');
  await rows.first().waitFor();
  const text = await page.locator('.audit-table tbody').textContent();
  // 'admin': the suite's signed-in account, as the access layer decided (support/server.mjs ADMIN).
  for (const expected of ['save_package', 'run_action', 'team-ow', 'demo/hello', 'audited', '127.0.0.1', 'admin']) {
    assert.ok(text.includes(expected), `${expected} in ${text}`);
  }
  await page.getByLabel('Action').fill('run_action');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/action=run_action/);
  // The filtered page replaces the rows once its answer is in.
  const actionCells = page.locator('.audit-table tbody td:nth-child(3)');
  await page.waitForFunction(
    () => [...document.querySelectorAll('.audit-table tbody td:nth-child(3)')].every((td) => td.textContent === 'run_action'),
    null,
    { timeout: 10_000 },
  ).catch(() => {});
  const actions = await actionCells.allTextContents();
  assert.ok(actions.length > 0 && actions.every((a) => a === 'run_action'), actions.join(', '));
  await page.getByLabel('Outcome').selectOption('failed');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/outcome=failed/);
  await page.getByText('No audit entry matches these filters.').waitFor();
  await page.goto(`${server.url}/audit`);
  for (const [name, colorScheme, viewport] of [
    ['light', 'light', { width: 1280, height: 900 }],
    ['dark', 'dark', { width: 1280, height: 900 }],
    ['phone', 'light', { width: 390, height: 844 }],
  ]) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(shots, `audit-${name}.png`), fullPage: true });
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('no page, bundle file or log line holds a secret', async () => {
  const secrets = [FILE_SECRET, engineAuth()];
  const parts = secrets.flatMap((s) => [s, ...s.split(':').filter((p) => p.length > 8)]);
  const check = (what, text) => {
    for (const part of parts) assert.ok(!text.includes(part), `${what} holds a secret`);
  };
  for (const connection of ['file-ow', 'team-ow']) {
    for (const path of ['/', '/actions', '/activations', '/async', '/logs', '/timeline', '/settings', '/audit', '/actions/demo/hello']) {
      const res = await fetch(`${server.url}${path}?connection=${connection}`);
      check(`${path} on ${connection}`, await res.text());
    }
    for (const [fn, body] of [['connections', {}], ['list_actions', { connection }], ['list_managed_connections', {}], ['test_connection', { id: connection }]]) {
      check(`${fn} on ${connection}`, (await serverFn(fn, body)).text);
    }
  }
  const pkg = join(repoRoot, 'target', 'site', 'pkg');
  let files = 0;
  for (const name of readdirSync(pkg).filter((n) => /\.(js|wasm)$/.test(n))) {
    check(`pkg/${name}`, readFileSync(join(pkg, name), 'latin1'));
    files += 1;
  }
  assert.ok(files >= 2, `${files} bundle files`);
  const log = server.output();
  assert.match(log, /DEBUG/);
  check('the server log', log);
});
