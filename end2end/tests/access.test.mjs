// Team access in real Chromium against the release binary: the first start's setup link
// creates the first admin; signing in (a wrong password's one message), out, and the header's
// account; a viewer sees no Save, Run or New and is refused by the server when calling the
// server function directly; an API token created on /account, used as a bearer and revoked;
// a password change that ends the account's other sessions; the accounts page refuses to
// remove the last admin. No CSP (nonce) error on any page, the editor's bundle included.
// Screenshots go to target/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSuite, withServer, server, browser, shots, openHydrated } from '../support/suite.mjs';
import { signIn, ADMIN } from '../support/server.mjs';

startSuite();

const VIEWER = { account: 'vera', password: 'viewer password 1234' };

/** A server function called as the suite's admin (this process's fetch carries its cookie),
 * or with `headers` of its own (a cookie or a bearer). */
async function serverFn(path, fields, headers = {}) {
  const res = await fetch(`${server.url}/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, text: await res.text() };
}

/** A browser context signed in as `who` (its own session). */
async function contextAs(who, base = server.url) {
  const cookie = await signIn(base, who);
  const context = await browser.newContext({ signedIn: false });
  await context.addCookies([{ name: 'fnconsole_session', value: cookie, url: base, httpOnly: true, sameSite: 'Lax' }]);
  return { context, cookie };
}

/** Screenshots of `page` in light, dark and at phone width. */
async function shoot(page, name) {
  for (const [suffix, scheme, viewport] of [
    ['light', 'light', { width: 1280, height: 800 }],
    ['dark', 'dark', { width: 1280, height: 800 }],
    ['phone', 'light', { width: 390, height: 844 }],
  ]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(shots, `${name}-${suffix}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

const cspErrors = (errors) => errors.filter((e) => /Content.Security.Policy|CSP/i.test(e));

test('the first start prints a setup link that creates the first admin; sign in, a wrong password, sign out', async () => {
  await withServer(async (own) => {
    let link;
    for (let i = 0; i < 50 && !link; i += 1) {
      link = /open (http:\/\/\S+\/setup\?token=\S+) to create the first admin/.exec(own.output())?.[1];
      if (!link) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(link, `no setup link in the server's output:\n${own.output()}`);
    // No account yet: the console sends a visitor to sign in.
    const context = await browser.newContext({ signedIn: false });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${own.url}/actions`);
    assert.match(page.url(), /\/login\?next=%2Factions|\/login\?next=\/actions/);

    await page.goto(link);
    await page.getByLabel('Account').fill('ada');
    await page.getByLabel('Password').fill('the first admin password');
    await page.screenshot({ path: join(shots, 'setup-first-admin.png'), fullPage: true });
    await Promise.all([page.waitForURL(`${own.url}/`), page.getByRole('button', { name: 'Create admin' }).click()]);
    await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
    const header = page.locator('header .signed-in');
    await header.getByText('ada').waitFor();
    await header.getByText('admin').waitFor();
    assert.ok(await page.getByRole('link', { name: 'Accounts' }).isVisible(), 'an admin has the Accounts link');
    await shoot(page, 'header-signed-in');

    // The link is dead once used.
    const again = await fetch(link);
    assert.ok(!(await again.text()).includes('name="token"'), 'the setup form is offered again');

    // Sign out ends the session: the console asks to sign in again.
    await Promise.all([page.waitForURL(/\/login$/), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.goto(`${own.url}/actions`);
    assert.match(page.url(), /\/login\?next=/);

    // A wrong password: one message, the name kept.
    await page.getByLabel('Account').fill('ada');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The account or password is not right.' }).waitFor();
    assert.equal(await page.getByLabel('Account').inputValue(), 'ada');
    await page.screenshot({ path: join(shots, 'sign-in-refused.png'), fullPage: true });
    // The right one goes where the visitor was going.
    await page.getByLabel('Password').fill('the first admin password');
    await Promise.all([page.waitForURL(/\/actions$/), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
    await page.locator('header .signed-in').getByText('ada').waitFor();
    assert.deepEqual(cspErrors(errors), []);
    await context.close();
  }, { noAccount: true });
});

test('a viewer sees no New, Save or Run, and the server refuses their direct calls', async () => {
  const made = await serverFn('create_account', { name: VIEWER.account, role: 'viewer', password: VIEWER.password });
  assert.equal(made.status, 200, made.text);
  const { context, cookie } = await contextAs(VIEWER);

  const list = await openHydrated(context, '/actions?connection=local-ncp');
  assert.equal(await list.page.getByRole('button', { name: 'New action' }).count(), 0);
  assert.equal(await list.page.getByRole('button', { name: 'New package' }).count(), 0);
  assert.equal(await list.page.getByRole('button', { name: /^Delete/ }).count(), 0);
  await list.page.getByText('needs the editor role').first().waitFor();
  assert.equal(await list.page.getByRole('link', { name: 'Accounts' }).count(), 0, 'a viewer has no Accounts link');
  await list.page.locator('header .signed-in').getByText('viewer').waitFor();

  const action = await openHydrated(context, '/actions/demo/hello?connection=local-ncp');
  await action.page.getByText('Running an action needs the editor role').waitFor();
  await action.page.getByText('changing it needs the editor role').waitFor();
  assert.equal(await action.page.getByRole('button', { name: /^(Save|Saved)$/ }).count(), 0);
  assert.equal(await action.page.getByRole('button', { name: 'Run', exact: true }).count(), 0);
  await shoot(action.page, 'viewer-action');

  // The server refuses anyway: the same calls with the viewer's cookie.
  const asViewer = { cookie: `fnconsole_session=${cookie}` };
  for (const [path, fields] of [
    ['save_package', { connection: 'local-ncp', name: 'tools', description: '' }],
    ['delete_action', { connection: 'local-ncp', package: 'demo', name: 'hello' }],
    ['list_accounts', {}],
  ]) {
    const refused = await serverFn(path, fields, asViewer);
    assert.equal(refused.status, 403, `${path}: ${refused.text}`);
    assert.match(refused.text, /Forbidden/);
  }
  const run = await fetch(`${server.url}/api/run_action`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...asViewer },
    body: JSON.stringify({ run: { connection: 'local-ncp', action: { package: 'demo', name: 'hello' }, params: {}, timeout_ms: null } }),
  });
  assert.equal(run.status, 403, await run.text());
  // A read is theirs.
  assert.equal((await serverFn('list_packages', { connection: 'local-ncp' }, asViewer)).status, 200);
  assert.deepEqual(list.errors, []);
  assert.deepEqual(action.errors, []);
  await context.close();
});

test('an API token is shown once, works as a bearer with its role, and stops when revoked', async () => {
  const context = await browser.newContext();
  const { page, errors } = await openHydrated(context, '/account');
  await page.getByLabel('Token name').fill('deploy script');
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByLabel('New API token');
  await shown.waitFor();
  const token = (await shown.textContent()).trim();
  assert.match(token, /^fnc_/);
  await page.getByRole('cell', { name: 'deploy script', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Copy' }).waitFor();
  await shoot(page, 'account-token');

  const bearer = { authorization: `Bearer ${token}` };
  const used = await serverFn('list_accounts', {}, bearer);
  assert.equal(used.status, 200, used.text);
  assert.match(used.text, new RegExp(ADMIN.account));
  // Reloaded, the page lists it with when it was last used and never shows it again.
  await page.reload();
  await page.waitForSelector('[data-hydrated="true"]');
  await page.getByRole('cell', { name: 'deploy script', exact: true }).waitFor();
  assert.ok(!(await page.content()).includes(token), 'the token is shown again');
  assert.equal(await page.getByRole('row', { name: /deploy script/ }).getByText('never').count(), 0);

  await page.getByRole('button', { name: 'Revoke deploy script' }).click();
  await page.getByText('You have no API token.').waitFor();
  const revoked = await serverFn('list_accounts', {}, bearer);
  assert.equal(revoked.status, 401, revoked.text);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a password change names a wrong current password and ends the account\'s other sessions', async () => {
  const who = { account: 'pat', password: 'pat first password' };
  assert.equal((await serverFn('create_account', { name: who.account, role: 'editor', password: who.password })).status, 200);
  const other = await signIn(server.url, who);
  const { context } = await contextAs(who);
  const { page, errors } = await openHydrated(context, '/account');
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill('pat second password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.locator('#password-current-error').filter({ hasText: 'current password is not right' }).waitFor();
  await page.getByLabel('Current password').fill(who.password);
  await page.getByLabel('New password').fill('short');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.locator('#password-new-error').filter({ hasText: /12/ }).waitFor();
  await page.getByLabel('Current password').fill(who.password);
  await page.getByLabel('New password').fill('pat second password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText(/Password changed\. 1 other session\(s\) ended\./).waitFor();
  await shoot(page, 'account-password');
  // The other session is over; this one still works.
  const old = await serverFn('list_tokens', {}, { cookie: `fnconsole_session=${other}` });
  assert.equal(old.status, 401, old.text);
  await page.reload();
  await page.waitForSelector('[data-hydrated="true"]');
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
  // Playwright counts the refused call's 400s as console errors.
  assert.deepEqual(errors.filter((e) => !e.includes('status of 400')), []);
  await context.close();
});

test('admins manage accounts on /accounts; the last admin is refused with why', async () => {
  const context = await browser.newContext();
  const { page, errors } = await openHydrated(context, '/accounts');
  await page.getByLabel('Name', { exact: true }).fill('eddie');
  await page.getByLabel('Role', { exact: true }).selectOption('editor');
  await page.getByLabel('Initial password').fill('eddie initial password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('cell', { name: 'eddie', exact: true }).waitFor();
  assert.equal(await page.getByLabel('Role of eddie').inputValue(), 'editor');

  // A taken name is refused on its field.
  await page.getByLabel('Name', { exact: true }).fill('eddie');
  await page.getByLabel('Initial password').fill('another long password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('#account-name-error').filter({ hasText: 'already an account' }).waitFor();

  // The only admin cannot be deleted or demoted.
  await page.getByRole('button', { name: `Delete ${ADMIN.account}` }).click();
  await page.getByRole('alert').filter({ hasText: 'is the last admin' }).waitFor();
  await page.getByLabel(`Role of ${ADMIN.account}`).selectOption('viewer');
  await page.getByRole('alert').filter({ hasText: 'is the last admin' }).waitFor();
  await shoot(page, 'accounts');
  await page.reload();
  await page.waitForSelector('[data-hydrated="true"]');
  assert.equal(await page.getByLabel(`Role of ${ADMIN.account}`).inputValue(), 'admin');

  // Eddie changes role, is disabled (cannot sign in), then deleted.
  await page.getByLabel('Role of eddie').selectOption('viewer');
  await page.waitForFunction(() => document.querySelector('#role-eddie')?.value === 'viewer');
  await page.getByRole('button', { name: 'Disable eddie' }).click();
  await page.getByRole('button', { name: 'Enable eddie' }).waitFor();
  await assert.rejects(signIn(server.url, { account: 'eddie', password: 'eddie initial password' }));
  await page.getByRole('button', { name: 'Delete eddie' }).click();
  await page.getByRole('cell', { name: 'eddie', exact: true }).waitFor({ state: 'detached' });
  // The refusals above answered 400: the only console errors.
  assert.deepEqual(errors.filter((e) => !e.includes('status of 400')), []);
  await context.close();
});

test('the editor and lazy pages load under the CSP with its nonce', async () => {
  const context = await browser.newContext();
  for (const path of ['/', '/actions/demo/hello?connection=local-ncp', '/activations', '/audit', '/settings', '/account', '/accounts']) {
    const { page, errors } = await openHydrated(context, path);
    if (path.startsWith('/actions/')) {
      await page.waitForSelector('#edit-code-editor[data-editor-ready="true"]', { timeout: 15_000 });
    }
    const csp = (await page.request.get(server.url + path)).headers()['content-security-policy'];
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'nonce-/);
    assert.deepEqual(errors, [], `${path}: ${errors.join('\n')}`);
    await page.close();
  }
  await context.close();
});
