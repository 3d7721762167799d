// Measures the run panel in headless Chromium against the release binary on loopback
// (docs/BENCHMARKS.md, "Run"):
//  1. console.log → line in the DOM: the action's own timestamp of its line (the `datetime`
//     of the line's <time>) to the moment a MutationObserver sees the line added.
//  2. run → result on screen for demo/hello: click to the result in the DOM, beside the
//     engine's own invocation time measured in the same run (a blocking invoke straight to
//     its OpenWhisk dialect from this process, alternating with the console's runs).
// Usage: node bench-run.mjs [runs=50] [connection=local-openwhisk]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './support/server.mjs';
import { launchBrowser } from './support/browser.mjs';

const runs = Number(process.argv[2] ?? 50);
const connection = process.argv[3] ?? 'local-openwhisk';
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const fmt = (xs) => `median ${median(xs).toFixed(1)} ms, p25 ${percentile(xs, 0.25).toFixed(1)} ms, p75 ${percentile(xs, 0.75).toFixed(1)} ms, p90 ${percentile(xs, 0.9).toFixed(1)} ms, min ${Math.min(...xs).toFixed(1)} ms`;

const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
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

  await open('demo/slow-logger');
  const lineDelays = [];
  for (let i = 0; i < runs; i++) {
    const r = await runOnce('{"steps": 1}');
    lineDelays.push(r.line.at - r.line.ts);
  }

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
  await open('demo/hello');
  const consoleTimes = [];
  const engineTimes = [];
  const parts = { 'click → request sent': [], 'request → first byte': [], 'first byte → last byte': [], 'last byte → result in the DOM': [] };
  for (let i = 0; i < runs; i++) {
    const r = await runOnce('{"name":"bench"}');
    consoleTimes.push(r.result - r.clicked);
    parts['click → request sent'].push(r.fetchStart - r.clicked);
    parts['request → first byte'].push(r.responseStart - r.fetchStart);
    parts['first byte → last byte'].push(r.responseEnd - r.responseStart);
    parts['last byte → result in the DOM'].push(r.result - r.responseEnd);
    engineTimes.push(await direct());
  }
  console.log(`runs: ${runs} on ${connection}`);
  console.log(`console.log → line in the DOM: ${fmt(lineDelays)}`);
  console.log(`run → result in the DOM (demo/hello): ${fmt(consoleTimes)}`);
  console.log(`engine's own blocking invoke (demo/hello): ${fmt(engineTimes)}`);
  console.log(`console adds (median − median): ${(median(consoleTimes) - median(engineTimes)).toFixed(1)} ms`);
  for (const [name, xs] of Object.entries(parts)) console.log(`  ${name}: ${fmt(xs)}`);
} finally {
  await browser.close();
  await server.stop();
}
