// How long the action page takes, on loopback in headless Chromium, from the start of the
// navigation to an editable editor: with CodeMirror (until it is ready to type in) and
// without it (the editor's chunk refused, so the page's own text area is what one types in,
// usable once the page has hydrated). Median of 15 fresh visits each (nothing cached).
// Run with `make size`, after the release build.
import { startServer } from './support/server.mjs';
import { launchBrowser } from './support/browser.mjs';

const RUNS = 15;
const path = '/actions/demo/hello?connection=local-ncp';
// Records when the page has hydrated and when the editor is ready, as they happen.
const marks = () => {
  window.__marks = {};
  new MutationObserver(() => {
    const m = window.__marks;
    if (!m.hydrated && document.querySelector('[data-hydrated="true"]')) m.hydrated = performance.now();
    if (!m.editor && document.querySelector('[data-editor-ready="true"]')) m.editor = performance.now();
  }).observe(document, { subtree: true, attributes: true, childList: true });
};

async function visit(browser, url, withEditor) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(marks);
  if (!withEditor) await page.route('**/editor/**', (route) => route.abort());
  await page.goto(url);
  const wanted = withEditor ? 'editor' : 'hydrated';
  await page.waitForFunction((w) => window.__marks[w] !== undefined, wanted, { timeout: 15_000 });
  const ms = await page.evaluate((w) => window.__marks[w], wanted);
  await context.close();
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const server = await startServer();
const browser = await launchBrowser();
try {
  const url = server.url + path;
  await visit(browser, url, true); // warm the server's own caches once
  const without = [];
  const withEditor = [];
  for (let i = 0; i < RUNS; i += 1) {
    without.push(await visit(browser, url, false));
    withEditor.push(await visit(browser, url, true));
  }
  console.log(`${path}, median of ${RUNS} fresh visits`);
  console.log(`| page | editable after (ms) |`);
  console.log(`|---|---:|`);
  console.log(`| without the editor (text area, hydrated) | ${median(without).toFixed(0)} |`);
  console.log(`| with CodeMirror (ready to type in) | ${median(withEditor).toFixed(0)} |`);
} finally {
  await browser.close();
  await server.stop();
}
