// Measures the run panel in headless Chromium against the release binary on loopback
// (docs/BENCHMARKS.md, "Run"):
//  1. console.log → line in the DOM: the action's own timestamp of its line (the `datetime`
//     of the line's <time>) to the moment a MutationObserver sees the line added.
//  2. run → result on screen for demo/hello: click to the result in the DOM, beside the
//     engine's own invocation time measured in the same run (a blocking invoke straight to
//     its OpenWhisk dialect from this process, alternating with the console's runs).
// Usage: node bench-run.mjs [runs=50] [connection=local-openwhisk] [build…]
// With builds named (folders holding `release/fnconsole`, `release/hash.txt` and `site/`, as a
// `target` does), each gets its own server and page, and their runs alternate one by one, so
// two builds are compared on the same machine in the same minutes (A/B); without, this
// checkout's `target`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './support/server.mjs';
import { launchBrowser } from './support/browser.mjs';

const runs = Number(process.argv[2] ?? 50);
const connection = process.argv[3] ?? 'local-openwhisk';
const builds = process.argv.slice(4);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const fmt = (xs) => `median ${median(xs).toFixed(1)} ms, p25 ${percentile(xs, 0.25).toFixed(1)} ms, p75 ${percentile(xs, 0.75).toFixed(1)} ms, p90 ${percentile(xs, 0.9).toFixed(1)} ms, min ${Math.min(...xs).toFixed(1)} ms`;

// One build's server and page, and its runs' figures.
async function side(browser, build) {
  const server = await startServer(build ? { build } : {});
  const page = await (await browser.newContext()).newPage();
  const open = async (action) => {
    await page.goto(`${server.url}/actions/${action}?connection=${connection}`);
    await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
    await page.getByLabel('Parameters (JSON)').waitFor();
  };
  // Records, in page time (epoch ms with fractions), when the first log line and the result
  // are added to the DOM.
  const watch = () => page.evaluate(() => {
    window.__seen = {};
    const now = () => performance.timeOrigin + performance.now();
    // From the click as the page receives it, not as the test driver sends it.
    document.addEventListener('click', () => { window.__seen.clicked ??= now(); }, { capture: true, once: true });
    new MutationObserver(() => {
      if (!window.__seen.line) {
        const time = document.querySelector('.run-log li time');
        if (time) window.__seen.line = { at: now(), ts: Date.parse(time.getAttribute('datetime')) };
      }
      if (!window.__seen.result && document.querySelector('[aria-label="Result"]')) {
        window.__seen.result = now();
      }
    }).observe(document.body, { subtree: true, childList: true });
  });
  const runOnce = async (params) => {
    await watch();
    await page.getByLabel('Parameters (JSON)').fill(params);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForFunction(() => window.__seen.result, null, { timeout: 15_000 });
    return page.evaluate(() => {
      // Where the time went: the run's request as the browser's resource timing saw it.
      const runs = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/run_action'));
      const r = runs[runs.length - 1];
      const at = (t) => performance.timeOrigin + t;
      performance.clearResourceTimings();
      return { ...window.__seen, fetchStart: at(r.fetchStart), responseStart: at(r.responseStart), responseEnd: at(r.responseEnd) };
    });
  };
  const keys = readFileSync(join(server.dataDir, 'data', 'engine-keys.toml'), 'utf8');
  const auth = keys.match(/^openwhisk_auth\s*=\s*"([^"]+)"/m)[1];
  const direct = async () => {
    const started = performance.now();
    const res = await fetch(`${server.engineUrl}/api/v1/namespaces/_/actions/demo/hello?blocking=true`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'content-type': 'application/json' },
      body: '{"name":"bench"}',
    });
    await res.json();
    return performance.now() - started;
  };
  const figures = {
    lineDelays: [],
    consoleTimes: [],
    engineTimes: [],
    parts: { 'click → request sent': [], 'request → first byte': [], 'first byte → last byte': [], 'last byte → result in the DOM': [] },
  };
  return {
    name: build ?? 'target',
    server,
    figures,
    open,
    async line() {
      const r = await runOnce('{"steps": 1}');
      figures.lineDelays.push(r.line.at - r.line.ts);
    },
    async result() {
      const r = await runOnce('{"name":"bench"}');
      figures.consoleTimes.push(r.result - r.clicked);
      figures.parts['click → request sent'].push(r.fetchStart - r.clicked);
      figures.parts['request → first byte'].push(r.responseStart - r.fetchStart);
      figures.parts['first byte → last byte'].push(r.responseEnd - r.responseStart);
      figures.parts['last byte → result in the DOM'].push(r.result - r.responseEnd);
      figures.engineTimes.push(await direct());
    },
  };
}

const browser = await launchBrowser();
const sides = [];
try {
  for (const build of builds.length ? builds : [undefined]) sides.push(await side(browser, build));
  // Round by round, every build in turn, so the machine's load falls on each alike.
  const alternate = async (step) => {
    for (let i = 0; i < runs; i++) for (const s of sides) await step(s);
  };
  for (const s of sides) await s.open('demo/slow-logger');
  await alternate((s) => s.line());
  for (const s of sides) await s.open('demo/hello');
  await alternate((s) => s.result());
  for (const { name, figures: f } of sides) {
    console.log(`runs: ${runs} on ${connection}${sides.length > 1 ? `, build ${name}` : ''}`);
    console.log(`console.log → line in the DOM: ${fmt(f.lineDelays)}`);
    console.log(`run → result in the DOM (demo/hello): ${fmt(f.consoleTimes)}`);
    console.log(`engine's own blocking invoke (demo/hello): ${fmt(f.engineTimes)}`);
    console.log(`console adds (median − median): ${(median(f.consoleTimes) - median(f.engineTimes)).toFixed(1)} ms`);
    for (const [part, xs] of Object.entries(f.parts)) console.log(`  ${part}: ${fmt(xs)}`);
  }
  if (sides.length === 2) {
    const [a, b] = sides.map((s) => s.figures);
    const ratio = (xs, ys) => (median(ys) / median(xs)).toFixed(2);
    console.log(`second / first, medians: run → result ${ratio(a.consoleTimes, b.consoleTimes)}, ` +
      `last byte → result ${ratio(a.parts['last byte → result in the DOM'], b.parts['last byte → result in the DOM'])}, ` +
      `console adds ${((median(b.consoleTimes) - median(b.engineTimes)) / (median(a.consoleTimes) - median(a.engineTimes))).toFixed(2)}`);
  }
} finally {
  await browser.close();
  for (const s of sides) await s.server.stop();
}
