// The function logs page (/logs) in real Chromium against the release binary and its
// engine's SCF dialect: the demo's first-start records, every filter and ordering of seed
// 003, offset paging, the one-day window and the 10,000 bound refused on their fields, the
// page search highlighting its matches, and times in the browser's zone (a non-UTC
// `timezoneId`) with the offset written — the instant the run happened, though SCF writes it
// in Beijing time. Screenshots (light, dark, phone width) go to target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from '../support/server.mjs';
import { launchBrowser, collectErrors } from '../support/browser.mjs';
import { invoke, demoRunsEnded } from '../support/engine.mjs';

const shots = join(repoRoot, 'target', 'screenshots');
const SCF = 'local-tencent';
let server;
let browser;
const ran = {};

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
  await demoRunsEnded(server);
  // With the demo's three (Kim, Lee, and Park's failure): fifteen records of `greet`.
  ran.before = Date.now();
  for (let i = 0; i < 12; i++) await invoke(server, 'greet', { name: `Log-${i}` });
  ran.after = Date.now();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(context, query) {
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${server.url}/logs?connection=${SCF}${query}`);
  await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
  await page.locator('.logs-table, p.empty, p.note, .problem:not([hidden])').first().waitFor();
  return { page, errors };
}

const column = (page, label) => page.locator(`.logs-table tbody td[data-label="${label}"]`).allTextContents();
const counts = (page) => page.locator('nav.pager [aria-current="page"]').textContent();

/** Picks `value` in the select `label` and applies it: resolves once the page shows the answer. */
async function apply(page, label, value) {
  await page.getByLabel(label, { exact: true }).selectOption(value);
  const answered = page.waitForResponse((r) => r.url().includes('/api/function_logs'));
  await page.getByRole('button', { name: 'Apply' }).click();
  await answered;
  // The answer is drawn in the frames after it arrives.
  await page.waitForTimeout(250);
  await page.locator('.logs-table, p.empty').first().waitFor();
}

test('every record of the page, then the next page by offset', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, '&function=greet&limit=10');
  assert.equal(await counts(page), 'Records 1–10 of 15');
  const first = await column(page, 'Request id');
  assert.equal(first.length, 10);
  assert.match((await column(page, 'Billed'))[0], /^\d+00 ms$/);
  assert.match((await column(page, 'Memory'))[0], /^\d+(\.\d)? (B|KB|MB)$/);
  assert.match((await column(page, 'Return value')).join('\n'), /"greeting":"Hello, Log-\d+!"/);
  assert.match((await column(page, 'Log')).join('\n'), /greeting Log-\d+/);
  await page.getByRole('link', { name: 'Next' }).click();
  await page.waitForURL(/offset=10/);
  await page.locator('nav.pager', { hasText: 'Records 11–15 of 15' }).waitFor();
  const second = await column(page, 'Request id');
  assert.equal(second.length, 5);
  assert.equal(new Set([...first, ...second]).size, 15);
  assert.equal(await page.getByRole('link', { name: 'Next' }).count(), 0);
  await page.goBack();
  await page.locator('nav.pager', { hasText: 'Records 1–10 of 15' }).waitFor();
  assert.deepEqual(await column(page, 'Request id'), first);
  for (const [name, scheme, width] of [
    ['logs-light', 'light', 1280],
    ['logs-dark', 'dark', 1280],
    ['logs-phone', 'light', 390],
  ]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: width > 400 });
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('result, request id, function and every ordering filter', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, '&function=greet&limit=50');
  await apply(page, 'Result', 'failure');
  assert.match(page.url(), /result=failure/);
  assert.deepEqual(await column(page, 'Result'), ['failure']);
  assert.match((await column(page, 'Return value'))[0], /cannot greet Park: a demo failure/);
  assert.match((await column(page, 'Log'))[0], /refusing to greet Park/);
  await apply(page, 'Result', 'success');
  const successes = await column(page, 'Result');
  assert.equal(successes.length, 14);
  assert.ok(successes.every((r) => r === 'success'));

  const [id] = await column(page, 'Request id');
  await page.getByLabel('Request id').fill(id);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(new RegExp(`request_id=${id}`));
  await page.locator('nav.pager', { hasText: 'Records 1–1 of 1' }).waitFor();
  assert.deepEqual(await column(page, 'Request id'), [id]);

  // Newest first by default; ascending turns the start times around.
  await page.goto(`${server.url}/logs?connection=${SCF}&function=greet&limit=50`);
  await page.waitForSelector('[data-hydrated="true"]');
  const descending = await column(page, 'Request id');
  const starts = await page.locator('.logs-table tbody td[data-label="Start"] time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
  assert.deepEqual([...starts].sort().reverse(), starts, 'newest first');
  await apply(page, 'Order', 'asc');
  assert.match(page.url(), /order=asc/);
  const ascending = await page.locator('.logs-table tbody td[data-label="Start"] time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
  assert.deepEqual([...ascending].sort(), ascending, 'oldest first');
  assert.notDeepEqual(await column(page, 'Request id'), descending);

  for (const [by, key] of [['request_id', 'Request id'], ['duration', null], ['mem_usage', null], ['function_name', 'Function']]) {
    await apply(page, 'Order by', by);
    assert.match(page.url(), new RegExp(`orderby=${by}`));
    assert.equal((await column(page, 'Request id')).length, 15, by);
    if (key) {
      const values = await column(page, key);
      assert.deepEqual([...values].sort(), values, `${by} ascending`);
    }
  }

  // Another function's logs only.
  await page.goto(`${server.url}/logs?connection=${SCF}&function=nothing-ran`);
  await page.waitForSelector('[data-hydrated="true"]');
  await page.getByText('No log record matches these filters.').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a window over one day and offset + limit over 10,000 are refused on their fields', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, '&since=2026-12-01T00:00&upto=2026-12-02T00:00:01');
  const window = page.locator('#logs-upto-error');
  assert.match(await window.textContent(), /at most one day at a time/);
  assert.match(await page.getByLabel('To (UTC)').getAttribute('aria-describedby'), /logs-upto-error/);
  assert.equal(await page.getByLabel('To (UTC)').inputValue(), '', 'the refused end is not applied');

  await page.goto(`${server.url}/logs?connection=${SCF}&offset=9995&limit=10`);
  await page.waitForSelector('[data-hydrated="true"]');
  assert.match(await page.locator('#logs-offset-error').textContent(), /Offset \+ page size is 10005; SCF lists at most the first 10,000 records/);
  // A window within the day applies: this one is before anything ran.
  await page.goto(`${server.url}/logs?connection=${SCF}&since=2026-01-01T00:00&upto=2026-01-01T12:00`);
  await page.getByText('No log record matches these filters.').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('the page search highlights its matches and counts them', async () => {
  const context = await browser.newContext();
  const { page, errors } = await open(context, '&function=greet&limit=50');
  await page.getByLabel('Search this page').fill('park');
  await page.getByText(/\d+ match(es)? on this page/).waitFor();
  const marks = await page.locator('.logs-table mark').allTextContents();
  assert.ok(marks.length >= 2, `${marks}`);
  assert.ok(marks.every((m) => m.toLowerCase() === 'park'), `${marks}`);
  assert.equal(await page.getByText(/match(es)? on this page/).textContent(), `${marks.length} ${marks.length === 1 ? 'match' : 'matches'} on this page`);
  await page.getByLabel('Search this page').fill('');
  assert.equal(await page.locator('.logs-table mark').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('times are the browser zone\'s, with the offset, at the instant the run happened', async () => {
  // Kolkata is UTC+05:30 (no daylight saving); SCF writes the time in Beijing time (UTC+8).
  const context = await browser.newContext({ timezoneId: 'Asia/Kolkata' });
  const { page, errors } = await open(context, '&function=greet&limit=50');
  const times = page.locator('.logs-table tbody td[data-label="Start"] time');
  await times.first().filter({ hasText: /\+05:30$/ }).waitFor();
  const rows = await page.locator('.logs-table tbody tr').evaluateAll((trs) => trs.map((tr) => {
    const time = tr.querySelector('td[data-label="Start"] time');
    return [time.getAttribute('datetime'), time.textContent, tr.querySelector('td[data-label="Log"]').textContent];
  }));
  const kolkata = (ms) => {
    const local = new Date(ms + 330 * 60_000).toISOString();
    return `${local.slice(0, 10)} ${local.slice(11, 19)} +05:30`;
  };
  for (const [utc, text] of rows) assert.equal(text, kolkata(Date.parse(utc)), utc);
  // The twelve runs of this file happened between `ran.before` and `ran.after` (the stamp
  // is whole seconds): 8 h off either way, as a Beijing time read as UTC would be, fails.
  const mine = rows.filter(([, , log]) => /greeting Log-\d+/.test(log));
  assert.equal(mine.length, 12, JSON.stringify(rows));
  for (const [utc] of mine) {
    const ms = Date.parse(utc);
    assert.ok(ms >= ran.before - 1000 && ms <= ran.after, `${utc} is not between ${new Date(ran.before).toISOString()} and ${new Date(ran.after).toISOString()}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
