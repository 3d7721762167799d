// The action editor in real Chromium against the release binary and its embedded engine, on
// the engine's NCP and OpenWhisk connections: edit and save (Ctrl+S), a draft restored after a
// reload, the leave guard (link, back button, closing the tab), a conflict between two browser
// contexts resolved both ways, invalid JSON parameters and a 3,001-byte Korean description
// refused on their fields before anything is sent, and a provider's refusal shown on its field
// with its code. FunctionGraph shows the action read-only. Screenshots go to target/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { collectErrors } from '../support/browser.mjs';
import { startSuite, server, browser, shots } from '../support/suite.mjs';

const CONNECTIONS = ['local-ncp', 'local-openwhisk'];
let unique = 0;

startSuite();

/** Calls a server function the way a plain form posts to it. */
async function call(name, fields) {
  const response = await fetch(`${server.url}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields),
  });
  const text = await response.text();
  assert.ok(response.ok, `${name} answered ${response.status}: ${text}`);
  return text;
}

/** A new action in package demo on `connection`, so each test edits its own. */
async function newAction(connection, code = 'function main(params) {\n  return { ok: true };\n}\n') {
  unique += 1;
  const name = `edit-${connection.replace('local-', '')}-${unique}`;
  await call('create_action', {
    connection, package: 'demo', name, kind: 'nodejs:20', code, timeout_ms: '60000', memory_mb: '256',
  });
  return name;
}

async function openEditor(context, connection, name) {
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${server.url}/actions/demo/${name}?connection=${connection}`);
  await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
  await page.waitForSelector('#edit-code-editor[data-editor-ready="true"]', { timeout: 15_000 });
  return { page, errors };
}

const code = (page) => page.getByRole('textbox', { name: 'Code' });
const codeText = (page) => page.locator('#edit-code').inputValue();
const saveButton = (page) => page.getByRole('button', { name: /^(Save|Saving…|Saved)$/ });

/** Types `text` at the end of the code, in CodeMirror. */
async function typeAtEnd(page, text) {
  await code(page).click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
}

async function saveWithKeys(page) {
  await page.keyboard.press('Control+s');
}

for (const connection of CONNECTIONS) {
  test(`${connection}: the code is server-rendered, then edited in CodeMirror and saved with Ctrl+S`, async () => {
    const name = await newAction(connection);
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await plain.goto(`${server.url}/actions/demo/${name}?connection=${connection}`);
    assert.match(await plain.getByRole('textbox', { name: 'Code' }).inputValue(), /return \{ ok: true \};/);
    await noJs.close();

    const context = await browser.newContext();
    const { page, errors } = await openEditor(context, connection, name);
    assert.equal(await saveButton(page).textContent(), 'Saved');
    assert.equal(await page.locator('.cm-lineNumbers').count(), 1, 'line numbers are shown');
    assert.ok(await page.locator('.cm-content .tok-keyword').count() > 0, 'JavaScript is highlighted');
    // Bracket matching: the cursor after the first line's "{" marks its pair.
    await code(page).click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End');
    assert.equal(await page.locator('.cm-matchingBracket').count(), 2);
    // Search opens its panel; undo takes back what was typed.
    await page.keyboard.press('Control+f');
    await page.getByRole('textbox', { name: 'Find' }).waitFor();
    await page.keyboard.press('Escape');
    await typeAtEnd(page, '// undone');
    await page.keyboard.press('Control+z');
    assert.doesNotMatch(await codeText(page), /undone/);
    await typeAtEnd(page, '// edited in the browser');
    assert.equal(await saveButton(page).textContent(), 'Save');
    await saveWithKeys(page);
    await page.getByRole('button', { name: 'Saved', exact: true }).waitFor();
    await page.screenshot({ path: join(shots, `editor-${connection}.png`), fullPage: true });
    await page.reload();
    await page.waitForSelector('#edit-code-editor[data-editor-ready="true"]');
    assert.match(await codeText(page), /\/\/ edited in the browser/);
    assert.match(await page.locator('.cm-content').textContent(), /edited in the browser/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`${connection}: a draft survives a reload and is restored, or discarded`, async () => {
    const name = await newAction(connection);
    const context = await browser.newContext();
    const { page } = await openEditor(context, connection, name);
    await typeAtEnd(page, '// kept as a draft');
    await page.getByLabel('Description').fill('설명 draft');
    // Within 500 ms of the last keystroke the draft is in localStorage.
    await page.waitForTimeout(500);
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('fnconsole.draft.')));
    assert.equal(kept.length, 1, `one draft kept: ${kept}`);
    page.on('dialog', (d) => d.accept());
    await page.reload();
    await page.waitForSelector('#edit-code-editor[data-editor-ready="true"]');
    const offer = page.getByRole('region', { name: 'Unsaved draft' });
    await offer.waitFor();
    assert.match(await offer.textContent(), /unsaved changes to this action from .*\d/);
    assert.doesNotMatch(await codeText(page), /kept as a draft/);
    await offer.getByRole('button', { name: 'Restore' }).click();
    assert.match(await codeText(page), /\/\/ kept as a draft/);
    assert.match(await page.locator('.cm-content').textContent(), /kept as a draft/);
    assert.equal(await page.getByLabel('Description').inputValue(), '설명 draft');
    assert.equal(await saveButton(page).textContent(), 'Save');

    await page.reload();
    await page.waitForSelector('#edit-code-editor[data-editor-ready="true"]');
    await offer.getByRole('button', { name: 'Discard' }).click();
    assert.equal(await offer.count(), 0);
    assert.doesNotMatch(await codeText(page), /kept as a draft/);
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('fnconsole.draft.'))), []);
    await context.close();
  });

  test(`${connection}: leaving with unsaved changes asks first (link, back button, closing the tab)`, async () => {
    const name = await newAction(connection);
    const context = await browser.newContext();
    const { page } = await openEditor(context, connection, name);
    const editorUrl = page.url();
    // Unchanged, a link just leaves.
    await page.getByRole('link', { name: 'Actions', exact: true }).first().click();
    await page.waitForURL(/\/actions\?connection=/);
    await page.goBack();
    await page.waitForSelector('#edit-code-editor[data-editor-ready="true"]');

    await typeAtEnd(page, '// not saved');
    const asked = [];
    page.on('dialog', (d) => { asked.push(d.type()); d.dismiss(); });
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'Actions' }).click();
    await page.waitForTimeout(300);
    assert.deepEqual(asked, ['confirm']);
    assert.equal(page.url(), editorUrl, 'staying keeps the page');
    assert.match(await codeText(page), /not saved/);

    await page.goBack();
    await page.waitForTimeout(500);
    assert.deepEqual(asked, ['confirm', 'confirm']);
    assert.equal(page.url(), editorUrl);
    assert.match(await codeText(page), /not saved/);

    await page.close({ runBeforeUnload: true });
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(asked, ['confirm', 'confirm', 'beforeunload']);
    await context.close();
  });

  test(`${connection}: leaving through the guard costs one Back press, no more, and asks once`, async () => {
    const name = await newAction(connection);
    const context = await browser.newContext();
    const page = await context.newPage();
    const asked = [];
    page.on('dialog', (d) => { asked.push(d.type()); d.accept(); });
    const overviewUrl = `${server.url}/?connection=${connection}`;
    const editorUrl = `${server.url}/actions/demo/${name}?connection=${connection}`;
    const openFromActions = async () => {
      await page.getByRole('link', { name: 'Actions', exact: true }).first().click();
      await page.waitForURL(/\/actions\?connection=/);
      await page.getByRole('link', { name: `Open demo/${name}`, exact: true }).click();
      await page.waitForSelector('#edit-code-editor[data-editor-ready="true"]', { timeout: 15_000 });
    };
    // Overview → Actions → the action, inside the console; Back with unsaved changes.
    await page.goto(overviewUrl);
    await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
    await openFromActions();
    const actionsUrl = `${server.url}/actions?connection=${connection}`;
    await typeAtEnd(page, '// left by Back');
    await page.goBack();
    await page.waitForURL(actionsUrl);
    await page.waitForTimeout(500);
    assert.equal(page.url(), actionsUrl, 'one Back leaves, once confirmed');
    assert.deepEqual(asked, ['confirm']);
    await page.goBack();
    await page.waitForURL(overviewUrl, { timeout: 5_000 });

    // Left by a link: Back comes to the action page once, and the next Back goes on.
    await openFromActions();
    await typeAtEnd(page, '// left by a link');
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'Actions' }).click();
    await page.waitForURL(actionsUrl);
    assert.deepEqual(asked, ['confirm', 'confirm']);
    await page.goBack();
    await page.waitForURL(editorUrl);
    await page.waitForTimeout(500);
    await page.goBack();
    await page.waitForTimeout(500);
    assert.equal(page.url(), actionsUrl, 'no second entry of the action page');

    // Opened by address: Back to the page before is asked by the guard only, not again by the
    // browser's own leave-site question.
    await page.goto(editorUrl);
    await page.waitForSelector('#edit-code-editor[data-editor-ready="true"]', { timeout: 15_000 });
    await page.getByRole('region', { name: 'Unsaved draft' }).getByRole('button', { name: 'Discard' }).click();
    await typeAtEnd(page, '// left by Back again');
    await page.goBack();
    await page.waitForURL(actionsUrl);
    await page.waitForTimeout(500);
    assert.deepEqual(asked, ['confirm', 'confirm', 'confirm']);
    await context.close();
  });

  test(`${connection}: a conflict between two browsers is shown side by side and resolved both ways`, async () => {
    const name = await newAction(connection);
    const [ca, cb] = [await browser.newContext(), await browser.newContext()];
    const { page: a } = await openEditor(ca, connection, name);
    const { page: b } = await openEditor(cb, connection, name);

    await typeAtEnd(a, '// from A');
    await saveWithKeys(a);
    await a.getByRole('button', { name: 'Saved', exact: true }).waitFor();
    await typeAtEnd(b, '// from B');
    await saveWithKeys(b);
    const conflict = b.getByRole('region', { name: /changed since you opened it/ });
    await conflict.waitFor();
    assert.match(await b.getByLabel('Your code').textContent(), /from B/);
    assert.match(await b.getByLabel('Their code').textContent(), /from A/);
    await b.screenshot({ path: join(shots, `editor-conflict-${connection}.png`), fullPage: true });
    // Nothing was overwritten.
    await a.reload();
    await a.waitForSelector('#edit-code-editor[data-editor-ready="true"]');
    assert.match(await codeText(a), /from A/);
    assert.doesNotMatch(await codeText(a), /from B/);

    // Take theirs: B now has A's code, nothing unsaved.
    await conflict.getByRole('button', { name: 'Take theirs' }).click();
    assert.match(await codeText(b), /from A/);
    assert.doesNotMatch(await codeText(b), /from B/);
    assert.equal(await saveButton(b).textContent(), 'Saved');

    // Both edit again; A saves first; B keeps its own.
    await typeAtEnd(b, '// B again');
    await typeAtEnd(a, '// A again');
    await saveWithKeys(a);
    await a.getByRole('button', { name: 'Saved', exact: true }).waitFor();
    await saveWithKeys(b);
    await conflict.waitFor();
    await conflict.getByRole('button', { name: 'Keep mine' }).click();
    await b.getByRole('button', { name: 'Saved', exact: true }).waitFor();
    await a.reload();
    await a.waitForSelector('#edit-code-editor[data-editor-ready="true"]');
    assert.match(await codeText(a), /B again/);
    assert.doesNotMatch(await codeText(a), /A again/);
    await ca.close();
    await cb.close();
  });

  test(`${connection}: invalid JSON parameters and a 3,001-byte Korean description are refused on their fields before sending`, async () => {
    const name = await newAction(connection);
    const context = await browser.newContext();
    const { page } = await openEditor(context, connection, name);
    const sent = [];
    page.on('request', (r) => { if (r.url().includes('/api/save_action')) sent.push(r.url()); });

    const params = page.getByLabel('Default parameters (JSON object)');
    await params.fill('{"name": }');
    const paramsError = page.locator('#edit-parameters-error');
    assert.match(await paramsError.textContent(), /not valid JSON.*line 1, column 10/);
    assert.equal(await params.getAttribute('aria-invalid'), 'true');
    await saveButton(page).click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-parameters');
    await params.fill('{"name": "Kim"}');
    assert.equal(await paramsError.textContent(), '');

    const description = page.getByLabel('Description');
    await description.fill('가'.repeat(1000) + 'a'); // 1,001 characters, 3,001 bytes
    assert.match(await page.locator('#edit-description-count').textContent(), /^3,001 of 3,000 bytes/);
    assert.match(await page.locator('#edit-description-error').textContent(), /description is 3001 bytes; at most 3000 are allowed \(80307\)/);
    await saveWithKeys(page);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-description');
    await page.getByLabel('Timeout (ms)').fill('499');
    assert.match(await page.locator('#edit-timeout-error').textContent(), /500 to 300,000/);
    await page.waitForTimeout(300);
    assert.deepEqual(sent, [], 'nothing was sent');
    await page.screenshot({ path: join(shots, `editor-refused-${connection}.png`), fullPage: true });

    // Fixed, it saves.
    await description.fill('가'.repeat(1000));
    await page.getByLabel('Timeout (ms)').fill('500');
    await saveButton(page).click();
    await page.getByRole('button', { name: 'Saved', exact: true }).waitFor();
    assert.equal(sent.length, 1);
    await context.close();
  });

  test(`${connection}: code uploaded as a zip is sent as Base64 and stays a file`, async () => {
    const name = await newAction(connection);
    const context = await browser.newContext();
    const { page } = await openEditor(context, connection, name);
    // The smallest zip: an empty archive's end-of-central-directory record.
    const zip = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
    await page.getByLabel('Upload the code as a .zip').setInputFiles({ name: 'code.zip', mimeType: 'application/zip', buffer: zip });
    await page.getByText('code.zip is ready: save to upload it.').waitFor();
    await saveButton(page).click();
    await page.getByRole('button', { name: 'Saved', exact: true }).waitFor();
    await page.reload();
    await page.waitForSelector('[data-hydrated="true"]');
    assert.match(await page.locator('#edit-code-binary').textContent(), /The code is a file/);
    const stored = await call('get_action', { connection, package: 'demo', name });
    const spec = JSON.parse(stored);
    assert.equal(spec.exec.binary, true);
    assert.equal(spec.exec.code, zip.toString('base64'));
    await context.close();
  });

  test(`${connection}: a provider's refusal is shown on the field it names, with its code`, async () => {
    // A component picked in the builder, then deleted elsewhere before the save: only the
    // provider can know, and it refuses on exec.components.
    const gone = await newAction(connection);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/actions/demo/hello-loud?connection=${connection}`);
    await page.waitForSelector('[data-hydrated="true"]');
    const components = page.getByRole('region', { name: 'Components, run in order' });
    const before = await components.getByRole('listitem').count();
    await page.getByLabel('Action to add').selectOption(`demo/${gone}`);
    await page.getByRole('button', { name: 'Add component' }).click();
    assert.equal(await components.getByRole('listitem').count(), before + 1);
    await page.getByRole('button', { name: `Move demo/${gone} up` }).click();
    await call('delete_action', { connection, package: 'demo', name: gone });
    await saveButton(page).click();
    const error = page.locator('#edit-components-error');
    await error.filter({ hasText: 'does not exist' }).waitFor();
    const text = await error.textContent();
    assert.match(text, new RegExp(`demo/${gone}.*does not exist`));
    assert.match(text, connection === 'local-ncp' ? /80307/ : /HTTP 400|400/);
    await page.screenshot({ path: join(shots, `editor-provider-refusal-${connection}.png`), fullPage: true });
    await context.close();
  });
}

test('a refused save answers 400, not 500, with the field', async () => {
  const name = await newAction('local-ncp');
  const response = await fetch(`${server.url}/api/save_action`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      connection: 'local-ncp',
      version: 'x',
      spec: {
        action: { package: 'demo', name }, kind: 'basic', description: null, parameters: {},
        limits: { timeout_ms: 100, memory_mb: 256 },
        exec: { kind: 'nodejs:20', code: '', binary: false, main: null, image_uri: null, components: [] },
        extra: {},
      },
    }),
  });
  assert.equal(response.status, 400);
  const body = await response.json();
  assert.equal(body.Invalid.field, 'limits.timeout');
});

test('FunctionGraph shows the action read-only, with the reason', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/actions/demo/hello?connection=local-huawei`);
  await page.waitForSelector('[data-hydrated="true"]');
  assert.match(await page.getByRole('note').textContent(), /read-only/);
  assert.equal(await saveButton(page).count(), 0);
  assert.equal(await page.getByLabel('Description').getAttribute('readonly'), '');
  await context.close();
});

test('screenshots: light, dark and phone width', async () => {
  const name = await newAction('local-ncp');
  for (const [label, options] of [
    ['light', { viewport: { width: 1280, height: 900 }, colorScheme: 'light' }],
    ['dark', { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' }],
    ['phone', { viewport: { width: 390, height: 844 }, colorScheme: 'light' }],
  ]) {
    const context = await browser.newContext(options);
    const { page, errors } = await openEditor(context, 'local-ncp', name);
    await page.screenshot({ path: join(shots, `editor-${label}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${label}: the page is ${overflow} px wider than the window`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});
