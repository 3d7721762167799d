// Measures the timeline (docs/BENCHMARKS.md, "Timeline") in headless Chromium against the
// release binary: the engine's four dialects, each holding at least `records` records, plus
// one more connection at a loopback port that either accepts and never answers (stuck) or is
// closed (refused at once: the baseline). Seeding goes through the dialects: `records`
// blocking OpenWhisk invokes of a top-level action (activations on the NCP and OpenWhisk
// connections, log records on SCF's) and `records` SCF `Event` invokes (FunctionGraph's
// asynchronous invocations). Then, for each mode, `rounds` loads of /timeline:
//   first  — navigation start to the first connection's rows in the DOM (time to first render)
//   fast   — to the last of the four engine connections' parts
//   fifth  — to the fifth connection's part (its error)
// Usage: node bench-timeline.mjs [records=10000] [rounds=10]
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { launchBrowser } from './support/browser.mjs';
import { startWithEveryConnection } from './support/every-connection.mjs';

const records = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 10);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

/** A port that, when `stuck`, accepts and never answers; otherwise refuses. */
async function fifthPort() {
  const probe = createServer();
  await new Promise((ok) => probe.listen(0, '127.0.0.1', ok));
  const port = probe.address().port;
  await new Promise((ok) => probe.close(ok));
  let srv = null;
  const held = new Set();
  return {
    url: `http://127.0.0.1:${port}`,
    async stuck() {
      srv = createServer((s) => { held.add(s); s.on('error', () => {}); });
      await new Promise((ok) => srv.listen(port, '127.0.0.1', ok));
    },
    async refuse() {
      for (const s of held) s.destroy();
      if (srv) await new Promise((ok) => srv.close(ok));
      srv = null;
    },
  };
}

/** Runs `task(i)` for i < n, `width` at a time. */
async function pool(n, width, task) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await task(next++);
  }));
}

const fifth = await fifthPort();
const server = await startWithEveryConnection({ fifth: fifth.url });
console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const browser = await launchBrowser();
try {
  const { engine } = server;
  await engine.putAction('benchtl', "function main(p) { if (p.n % 10 === 0) throw new Error('every tenth fails'); return { n: p.n }; }");
  let t = Date.now();
  await pool(records, 16, (n) => engine.run('benchtl', { n }).catch(() => {}));
  await pool(records, 16, (n) => engine.runAsync('benchtl', { n }));
  console.log(`seeded ${records} runs and ${records} Event invocations in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  // The queue drains the Event invocations at the engine's own pace: wait until every run
  // is recorded (OpenWhisk's count of activations), so the loads measure reads alone.
  t = Date.now();
  for (;;) {
    const { activations } = await engine.openwhisk('/activations?count=true', 'GET');
    if (activations >= 2 * records) break;
    if (Date.now() - t > 900_000) throw new Error(`only ${activations} activations recorded after 15 min`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  console.log(`the queue drained in ${((Date.now() - t) / 1000).toFixed(1)} s more`);

  const page = await browser.newPage();
  const load = async () => {
    await page.goto('about:blank');
    const started = Date.now();
    await page.goto(`${server.url}/timeline?limit=100`);
    await page.locator('.timeline-table tbody tr').first().waitFor({ timeout: 30_000 }).catch(async (e) => {
      throw new Error(`no row: ${(await page.locator('.timeline-parts').textContent())}\n${e}`);
    });
    const first = Date.now() - started;
    const local = ['local-ncp', 'local-openwhisk', 'local-huawei', 'local-tencent'];
    for (const id of local) await page.locator(`.timeline-parts li[data-connection="${id}"] .part-ok, .timeline-parts li[data-connection="${id}"] .part-failed`).waitFor({ timeout: 30_000 });
    const fast = Date.now() - started;
    await page.locator('.timeline-parts li[data-connection="fifth"] .part-failed').waitFor({ timeout: 30_000 });
    const last = Date.now() - started;
    const states = await page.locator('.timeline-parts li').allTextContents();
    return { first, fast, last, states };
  };
  // The modes alternate round by round, so a change in the machine's load falls on both.
  const results = { refused: [], stuck: [] };
  for (let i = 0; i <= rounds; i++) {
    for (const mode of ['refused', 'stuck']) {
      if (mode === 'stuck') await fifth.stuck(); else await fifth.refuse();
      const r = await load();
      if (i > 0) results[mode].push(r); // round 0 warms up
    }
  }
  // The server's own time for the slowest of the four engine connections ("… in N ms").
  const serverMs = (r) => Math.max(...r.states.slice(0, 4).map((s) => Number(s.match(/in (\d+) ms/)?.[1] ?? NaN)));
  for (const mode of ['refused', 'stuck']) {
    const runs = results[mode];
    console.log(`\n${mode}: the fifth connection ${mode === 'stuck' ? 'accepts and never answers' : 'refuses at once'}`);
    console.log(`  first render   ${fmt(runs.map((r) => r.first))}`);
    console.log(`  four engine    ${fmt(runs.map((r) => r.fast))}`);
    console.log(`  (server side)  ${fmt(runs.map(serverMs))}`);
    console.log(`  fifth's error  ${fmt(runs.map((r) => r.last))}`);
    console.log(`  last round's parts:\n    ${runs.at(-1).states.join('\n    ')}`);
  }
  const ratio = median(results.stuck.map((r) => r.fast)) / median(results.refused.map((r) => r.fast));
  console.log(`\nfour engine connections, stuck fifth / refused fifth: ${ratio.toFixed(2)}×`);
  console.log(`the stuck fifth's error past its 3 s deadline: ${(median(results.stuck.map((r) => r.last)) - 3000).toFixed(0)} ms after navigation start + 3 s`);
  console.log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await browser.close();
  await server.stop();
  await fifth.refuse();
}
