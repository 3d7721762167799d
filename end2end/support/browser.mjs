// Debian's Chromium driven by playwright-core; Playwright's own browser download cannot work
// on these machines, and the background-networking flags keep Chromium off the closed network.
import { chromium } from 'playwright-core';
import { sessions } from './server.mjs';

/** Chromium whose every new context is signed in, as the admin, on every server this process
 * started (support/server.mjs); `{ signedIn: false }` in newContext's options opts out. */
export async function launchBrowser() {
  const browser = await launchPlain();
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options = {}) => {
    const { signedIn = true, ...rest } = options;
    const context = await newContext(rest);
    if (signedIn) {
      const cookies = [...sessions].map(([url, value]) => ({
        name: 'fnconsole_session', value, url, httpOnly: true, sameSite: 'Lax',
      }));
      if (cookies.length) await context.addCookies(cookies);
    }
    return context;
  };
  // browser.newPage makes its own context: sign that one in too.
  browser.newPage = async (options = {}) => (await browser.newContext(options)).newPage();
  return browser;
}

function launchPlain() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Collects console errors and uncaught exceptions, which a hydration mismatch produces. */
export function collectErrors(page) {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}
