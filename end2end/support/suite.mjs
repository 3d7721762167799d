// What a browser test file starts with: the release server and a headless Chromium, started
// before the file's tests and stopped after them, and a page opened until it has hydrated.
// `server` and `browser` are live bindings: read them inside tests (after `before` ran).
import { before, after } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from './server.mjs';
import { launchBrowser, collectErrors } from './browser.mjs';

/** Where screenshots go, for a person to look at. */
export const shots = join(repoRoot, 'target', 'screenshots');

/** The file's server ({ url, stop(), … } from startServer), once started. */
export let server;
/** The file's Chromium, once started. */
export let browser;

/**
 * Registers the file's start-up and tear-down: the server (started with startServer's
 * `options`) and a browser before the first test, both stopped after the last.
 */
export function startSuite(options = {}) {
  before(async () => {
    mkdirSync(shots, { recursive: true });
    server = await startServer(options);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}

/**
 * Opens `path` (on `base`, the file's server by default) in a new page of `context` and waits
 * until it has hydrated; answers { page, errors } (errors: console errors and exceptions).
 */
export async function openHydrated(context, path, base = server.url) {
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(base + path);
  await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
  return { page, errors };
}

/** Runs `use(server)` against a server of its own (startServer's `options`), stopped after. */
export async function withServer(use, options = {}) {
  const own = await startServer(options);
  try {
    return await use(own);
  } finally {
    await own.stop();
  }
}
