// What a browser test file starts with: the release server and a headless Chromium, started
// before the file's tests and stopped after them, and a page opened until it has hydrated.
// `server` and `browser` are live bindings: read them inside tests (after `before` ran).
import { before, after } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
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
 * `options`) and a browser before the first test, both stopped after the last. `ready` runs
 * once both are up (a file's own setup, e.g. making runs): in the same hook, because a second
 * top-level `before` is not ordered after this one.
 */
export function startSuite(options = {}, ready = async () => {}) {
  before(async () => {
    mkdirSync(shots, { recursive: true });
    server = await startServer(options);
    browser = await launchBrowser();
    await ready();
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

/** Writes `lines` as an fnconsole.toml under target/tmp (`name`, this process's id); answers
 * its path, for startServer's `env: { FNCONSOLE_CONFIG }`. */
export function configFile(name, lines) {
  const dir = join(repoRoot, 'target', 'tmp');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}-${process.pid}.toml`);
  writeFileSync(path, lines.join('\n'));
  return path;
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
