// The actions page in real Chromium against the release binary and its embedded engine:
// listing (with JavaScript off too), filters, creating a package and an action, deleting
// behind a confirmation, on the engine's NCP and OpenWhisk connections; FunctionGraph
// read-only. Screenshots of the page go to target/screenshots/ for a person to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSuite, openHydrated, server, browser, shots } from '../support/suite.mjs';
import { NO_DEMO_RUNS } from '../support/server.mjs';

// Counts below are of the demo package alone: no first-start demo runs.
startSuite({ config: NO_DEMO_RUNS });

const openActions = (context, connection, extra = '') =>
  openHydrated(context, `/actions?connection=${connection}${extra}`);

const counts = (page) => page.locator('p.counts').textContent();
// After a write the list is fetched again: wait for the counts it brings.
const countsAre = (page, text) =>
  page.locator('p.counts').filter({ hasText: new RegExp(`^${text}$`) }).waitFor();

test('the list is server-rendered: packages, actions and counts with JavaScript off, filters from the URL', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const response = await page.goto(`${server.url}/actions?connection=local-ncp`);
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), 'Actions · fnconsole');
  assert.equal(await page.locator('#connection').inputValue(), 'local-ncp');
  assert.equal(await counts(page), '6 actions in 1 package');
  assert.equal(await page.getByRole('heading', { name: 'demo', level: 2 }).count(), 1);
  const names = await page.locator('.actions-table tbody th code').allTextContents();
  assert.deepEqual(names, ['always-fails', 'hello', 'hello-loud', 'shout', 'slow-logger', 'web-hello']);
  // A filtered link renders filtered.
  await page.goto(`${server.url}/actions?connection=local-openwhisk&q=hello`);
  assert.equal(await page.locator('#connection').inputValue(), 'local-openwhisk');
  assert.equal(await counts(page), 'Showing 3 of 6 actions');
  assert.equal(await page.locator('.actions-table tbody tr:not([hidden])').count(), 3);
  await context.close();
});

test('an OpenWhisk connection tells sequences and web actions apart too', async () => {
  const context = await browser.newContext();
  const { page } = await openActions(context, 'local-openwhisk');
  const visible = () => page.locator('.actions-table tbody tr:visible th code').allTextContents();
  await page.getByLabel('Type').selectOption({ label: 'Sequence' });
  assert.deepEqual(await visible(), ['hello-loud']);
  await page.getByLabel('Type').selectOption({ label: 'Web action' });
  assert.deepEqual(await visible(), ['web-hello']);
  await context.close();
});

test('filters by name as you type, by kind and by type, and counts what is shown', async () => {
  const context = await browser.newContext();
  const { page, errors } = await openActions(context, 'local-ncp');
  assert.equal(await counts(page), '6 actions in 1 package');
  const visible = () => page.locator('.actions-table tbody tr:visible th code').allTextContents();

  await page.getByLabel('Filter by name').pressSequentially('hel');
  assert.equal(await counts(page), 'Showing 3 of 6 actions');
  assert.deepEqual(await visible(), ['hello', 'hello-loud', 'web-hello']);

  await page.getByLabel('Type').selectOption({ label: 'Sequence' });
  assert.deepEqual(await visible(), ['hello-loud']);
  assert.equal(await counts(page), 'Showing 1 of 6 actions');

  await page.getByLabel('Filter by name').fill('');
  await page.getByLabel('Type').selectOption({ label: 'All types' });
  await page.getByLabel('Kind').selectOption('nodejs:20');
  assert.equal(await counts(page), 'Showing 5 of 6 actions');

  await page.getByLabel('Filter by name').fill('no-such-action');
  await page.getByText('No action matches these filters.').waitFor();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  assert.equal(await counts(page), '6 actions in 1 package');
  assert.deepEqual(errors, []);
  await context.close();
});

for (const connection of ['local-ncp', 'local-openwhisk']) {
  test(`${connection}: create a package and an action, checked before sending, then delete them behind a confirmation`, async () => {
    const context = await browser.newContext();
    const { page, errors } = await openActions(context, connection);
    const pkg = `e2e-${connection.replace('local-', '')}`;
    const sent = [];
    page.on('request', (r) => { if (r.url().includes('/api/create_action')) sent.push(r.url()); });

    // A package.
    await page.getByRole('button', { name: 'New package' }).click();
    await page.getByLabel('Package name').fill(pkg);
    await page.getByRole('button', { name: 'Create package' }).click();
    await page.getByRole('status').filter({ hasText: `Created package ${pkg}.` }).waitFor();
    await page.getByRole('heading', { name: pkg, level: 2 }).waitFor();
    await countsAre(page, '6 actions in 2 packages');

    // An action: a bad name and timeout are refused on their fields, and nothing is sent.
    await page.getByRole('button', { name: 'New action' }).click();
    await page.getByLabel('Package', { exact: true }).selectOption(pkg);
    await page.getByLabel('Name', { exact: true }).fill('-bad name');
    await page.getByLabel('Timeout (ms)').fill('100');
    await page.getByRole('button', { name: 'Create action' }).click();
    assert.match(await page.locator('#new-action-name-error').textContent(), /1 to 50 letters/);
    assert.match(await page.locator('#new-action-timeout-error').textContent(), /500 to 300,000 ms/);
    assert.equal(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.deepEqual(sent, [], 'an invalid form is not sent');

    await page.getByLabel('Name', { exact: true }).fill('greet');
    await page.getByLabel('Timeout (ms)').fill('3000');
    await page.getByLabel('Memory (MB)').selectOption({ label: '512 MB' });
    await page.getByRole('button', { name: 'Create action' }).click();
    await page.getByRole('status').filter({ hasText: `Created action ${pkg}/greet.` }).waitFor();
    assert.equal(sent.length, 1);
    await countsAre(page, '7 actions in 2 packages');
    const section = page.getByRole('region', { name: pkg });
    assert.deepEqual(await section.locator('tbody th code').allTextContents(), ['greet']);

    // The same name again is refused on the name field by the server.
    await page.getByRole('button', { name: 'New action' }).click();
    await page.getByLabel('Package', { exact: true }).selectOption(pkg);
    await page.getByLabel('Name', { exact: true }).fill('greet');
    await page.getByRole('button', { name: 'Create action' }).click();
    await page.locator('#new-action-name-error', { hasText: `An action ${pkg}/greet already exists` }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Deleting asks first, naming what goes; Cancel keeps it.
    await page.getByRole('button', { name: `Delete ${pkg}/greet` }).click();
    const dialog = page.getByRole('alertdialog', { name: `Delete action ${pkg}/greet?` });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Cancel');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await countsAre(page, '7 actions in 2 packages');

    await page.getByRole('button', { name: `Delete ${pkg}/greet` }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: `Deleted action ${pkg}/greet.` }).waitFor();
    await countsAre(page, '6 actions in 2 packages');

    // A package that still holds actions: the provider's refusal is shown with its code —
    // NCP's 80109, OpenWhisk's 409 (its `code` is only a transaction id).
    await page.getByRole('button', { name: 'Delete package demo' }).click();
    const refusal = page.getByRole('alertdialog', { name: 'Delete package demo?' });
    await refusal.getByRole('button', { name: 'Delete' }).click();
    const code = connection === 'local-ncp' ? '80109' : 'HTTP 409';
    await refusal.getByRole('alert').filter({ hasText: code }).waitFor();
    await refusal.getByRole('alert').filter({ hasText: 'delete them first' }).waitFor();
    await page.keyboard.press('Escape');
    await refusal.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: `Delete package ${pkg}` }).click();
    await page.getByRole('alertdialog', { name: `Delete package ${pkg}?` })
      .getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: `Deleted package ${pkg}.` }).waitFor();
    await countsAre(page, '6 actions in 1 package');
    // The two refusals above (the name taken, the package not empty) are the only failed
    // requests, and nothing else went wrong.
    const refused = errors.filter((e) => e.startsWith('Failed to load resource'));
    assert.equal(refused.length, 2, errors.join('\n'));
    assert.deepEqual(errors.filter((e) => !refused.includes(e)), []);
    await context.close();
  });
}

test('a FunctionGraph connection lists its functions read-only, with the reason', async () => {
  const context = await browser.newContext();
  const { page, errors } = await openActions(context, 'local-huawei');
  assert.match(await page.locator('.note').first().textContent(), /Huawei FunctionGraph functions are listed read-only/);
  assert.equal(await page.getByRole('button', { name: 'New action' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'New package' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: /^Delete/ }).count(), 0);
  assert.ok((await page.locator('.actions-table tbody tr').count()) >= 5);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the switcher changes the connection in the URL and the page follows', async () => {
  const context = await browser.newContext();
  const { page, errors } = await openActions(context, 'local-ncp');
  await page.selectOption('#connection', 'local-openwhisk');
  await page.waitForURL(`${server.url}/actions?connection=local-openwhisk`);
  await page.locator('.connection-line', { hasText: 'Apache OpenWhisk' }).waitFor();
  // The section links keep the connection.
  assert.equal(
    await page.locator('nav[aria-label="Main"] a', { hasText: 'Settings' }).getAttribute('href'),
    '/settings?connection=local-openwhisk',
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test('an unknown connection says so; the rest of the console still works', async () => {
  const context = await browser.newContext();
  const { page } = await openActions(context, 'nope');
  await page.getByRole('alert').filter({ hasText: 'there is no connection "nope"' }).waitFor();
  await page.locator('nav[aria-label="Main"] a', { hasText: 'Settings' }).click();
  await page.locator('h1', { hasText: 'Settings' }).waitFor();
  await context.close();
});

test('screenshots: light, dark and phone width', async () => {
  for (const [name, options] of [
    ['actions-light', { colorScheme: 'light', viewport: { width: 1280, height: 900 } }],
    ['actions-dark', { colorScheme: 'dark', viewport: { width: 1280, height: 900 } }],
    ['actions-phone', { colorScheme: 'light', viewport: { width: 390, height: 844 } }],
  ]) {
    const context = await browser.newContext(options);
    const { page } = await openActions(context, 'local-ncp');
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    if (name === 'actions-light') {
      await page.getByRole('button', { name: 'New action' }).click();
      await page.getByRole('button', { name: 'Create action' }).click();
      await page.screenshot({ path: join(shots, 'actions-new-action-errors.png'), fullPage: true });
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('button', { name: 'Delete demo/hello', exact: true }).click();
      await page.screenshot({ path: join(shots, 'actions-confirm-delete.png') });
    }
    if (name === 'actions-dark') {
      await page.getByRole('button', { name: 'Delete demo/hello', exact: true }).click();
      await page.screenshot({ path: join(shots, 'actions-confirm-delete-dark.png') });
    }
    await context.close();
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page } = await openActions(context, 'local-huawei');
  await page.screenshot({ path: join(shots, 'actions-huawei-read-only.png'), fullPage: true });
  await context.close();
});
