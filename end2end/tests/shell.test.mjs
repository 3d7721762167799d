// The console's shell in real Chromium: server rendering, hydration, the not-found page,
// themes, and the connection switcher.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite, openHydrated, server, browser } from '../support/suite.mjs';

startSuite();

const hydratedPage = (context, path = '/') => openHydrated(context, path);

test('the home page is rendered on the server: content is there with JavaScript off', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const response = await page.goto(server.url + '/');
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), 'Overview · fnconsole');
  assert.equal(await page.locator('.brand-name').textContent(), 'fnconsole');
  assert.equal(await page.locator('h1').textContent(), 'Overview');
  const nav = await page.locator('nav[aria-label="Main"] a').allTextContents();
  // The suite signs in as an admin, who also has Accounts.
  assert.deepEqual(nav, ['Actions', 'Activations', 'Async invocations', 'Logs', 'Settings', 'Timeline', 'Accounts']);
  const options = await page.locator('#connection option').allTextContents();
  assert.deepEqual(options, [
    'Local ncp — NAVER Cloud Functions (local engine)',
    'Local openwhisk — Apache OpenWhisk (local engine)',
    'Local huawei — Huawei FunctionGraph (local engine)',
    'Local tencent — Tencent SCF (local engine)',
  ]);
  // Without JavaScript the page never hydrates.
  assert.equal(await page.locator('[data-hydrated="true"]').count(), 0);
  await context.close();
});

test('the page hydrates and navigates on the client without a full reload', async () => {
  const context = await browser.newContext();
  const { page, errors } = await hydratedPage(context);
  await page.evaluate(() => { window.__sameDocument = 'yes'; });

  // The timeline, a lazy page on every connection: its chunk is fetched, the document stays.
  await page.locator('nav[aria-label="Main"] a', { hasText: 'Timeline' }).click();
  await page.waitForURL(server.url + '/timeline');
  await page.locator('h1', { hasText: 'Timeline' }).waitFor();
  assert.equal(await page.title(), 'Timeline · fnconsole');
  assert.equal(
    await page.locator('nav[aria-label="Main"] a[aria-current="page"]').textContent(),
    'Timeline',
  );
  // Still the same document: a full reload would have dropped this property.
  assert.equal(await page.evaluate(() => window.__sameDocument), 'yes');

  await page.goBack();
  await page.locator('h1', { hasText: 'Overview' }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), 'yes');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the connection picked in the switcher stays picked across pages', async () => {
  const context = await browser.newContext();
  const { page, errors } = await hydratedPage(context);
  await page.selectOption('#connection', 'local-tencent');
  await page.waitForURL(server.url + '/?connection=local-tencent');
  await page.locator('nav[aria-label="Main"] a', { hasText: 'Settings' }).click();
  await page.waitForURL(server.url + '/settings?connection=local-tencent');
  assert.equal(await page.locator('#connection').inputValue(), 'local-tencent');
  // Settings is a lazy route: its chunk may still be loading when the URL changes.
  await page.locator('.data-table tbody td code').nth(3).waitFor();
  const ids = await page.locator('.data-table tbody td code').allTextContents();
  assert.deepEqual(ids, ['local-ncp', 'local-openwhisk', 'local-huawei', 'local-tencent']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an unknown address shows the not-found page with status 404, and a way back', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(server.url + '/no/such/page');
  assert.equal(response.status(), 404);
  assert.equal(await page.locator('h1').textContent(), 'Page not found');
  await page.waitForSelector('[data-hydrated="true"]');
  await page.getByRole('link', { name: 'Back to the overview' }).click();
  await page.waitForURL(server.url + '/');
  await page.locator('h1', { hasText: 'Overview' }).waitFor();
  await context.close();
});

test('the theme follows the system colour scheme', async () => {
  for (const [scheme, background] of [['light', 'rgb(255, 255, 255)'], ['dark', 'rgb(13, 17, 23)']]) {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(server.url + '/');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, background, `${scheme} scheme`);
    await context.close();
  }
});
