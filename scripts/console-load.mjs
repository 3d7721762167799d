#!/usr/bin/env node
// Load on the whole console (issue #16 item 2): USERS simulated users for SECONDS against the
// release `fnconsole` on loopback, each in a loop of one request at a time, picking a kind:
//   page    GET of a server-rendered page (/, /actions, an action's page, /activations, /settings, /audit)
//   fn      POST of a read server function (/api/connections, /api/list_actions)
//   invoke  a blocking invocation of an action through the engine's OpenWhisk dialect
// Bounded: SECONDS of load (default 60) and at most MAX_REQUESTS (default 2,000,000); loopback
// only. Prints per kind the count, errors, p50 and p99 (ms), the console's resident memory
// after a warm-up and at the end, and exits 1 on any error or an RSS growth over 10 %.
//   node scripts/console-load.mjs [users=200] [seconds=60]
// FNCONSOLE_BIN picks the binary (default target/release/fnconsole); KINDS=page,fn,invoke
// narrows the mix.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import net from 'node:net';

const USERS = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 60);
const MAX_REQUESTS = Number(process.env.MAX_REQUESTS ?? 2_000_000);
const BIN = process.env.FNCONSOLE_BIN ?? 'target/release/fnconsole';
const OW_AUTH = 'c0ffee00-0000-4000-8000-00000000load:console-load-test-key';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

// One keep-alive agent per user would be 200 sockets; a shared agent with as many sockets as
// users is the same thing with less code.
const agent = new http.Agent({ keepAlive: true, maxSockets: USERS + 8 });

// The console's session: every simulated user browses as the admin the console starts with
// (FNCONSOLE_ADMIN_USER/PASSWORD), signed in once; the engine's dialects take their own keys.
const ADMIN = { account: 'load-admin', password: 'load test admin password' };
const session = { port: 0, cookie: '' };

function request(port, method, path, { body, headers = {} } = {}) {
  if (port === session.port && session.cookie && !headers.cookie) {
    headers = { ...headers, cookie: `fnconsole_session=${session.cookie}` };
  }
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers, timeout: 30_000 },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 30 s')));
    req.on('error', (error) =>
      resolve({ status: 0, body: String(error), ms: Number(process.hrtime.bigint() - started) / 1e6 }),
    );
    if (body) req.write(body);
    req.end();
  });
}

const rss = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) / 1024; // MiB
};

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'fnconsole-load-'));
  const [consolePort, enginePort] = [await freePort(), await freePort()];
  // The engine's admission control sized for the users: each invocation reserves its action's
  // 256 MB, and a third of the users invoke at any moment (the defaults, 100 running and
  // 16,384 MB, would answer some of them 429, as designed).
  writeFileSync(
    join(work, 'fnconsole.toml'),
    `[engine]\nopenwhisk_auth = "${OW_AUTH}"\nmax_concurrent = ${Math.max(100, USERS)}\nmemory_budget_mb = ${Math.max(16384, USERS * 256)}\n`,
  );
  const child = spawn(BIN, [], {
    env: {
      ...process.env,
      FNCONSOLE_CONFIG: join(work, 'fnconsole.toml'),
      FNCONSOLE_DATA_DIR: join(work, 'data'),
      FNCONSOLE_LISTEN: `127.0.0.1:${consolePort}`,
      FNCONSOLE_ENGINE_LISTEN: `127.0.0.1:${enginePort}`,
      FNCONSOLE_ADMIN_USER: ADMIN.account,
      FNCONSOLE_ADMIN_PASSWORD: ADMIN.password,
      RUST_LOG: 'warn',
    },
    // Its log goes to a file, printed if it fails to start.
    stdio: ['ignore', 'ignore', openSync(join(work, 'console.log'), 'w')],
  });
  const stop = () => {
    child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      const ready = await request(consolePort, 'GET', '/readyz');
      if (ready.status === 200) break;
      if (i > 300 || child.exitCode !== null) {
        const log = readFileSync(join(work, 'console.log'), 'utf8');
        throw new Error(`the console did not become ready: ${ready.status} ${ready.body}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const login = await request(consolePort, 'POST', '/login', {
      body: new URLSearchParams({ ...ADMIN, next: '/' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${consolePort}` },
    });
    const cookie = /fnconsole_session=([^;]+)/.exec(String(login.headers?.['set-cookie'] ?? ''));
    if (login.status !== 303 || !cookie) throw new Error(`signing in answered ${login.status} ${login.body}`);
    Object.assign(session, { port: consolePort, cookie: cookie[1] });
    const ow = { authorization: `Basic ${Buffer.from(OW_AUTH).toString('base64')}`, 'content-type': 'application/json' };
    const code = 'function main(p) { return { greeting: "Hello, " + (p.name || "World") + "!" }; }';
    const put = await request(enginePort, 'PUT', '/api/v1/namespaces/_/actions/load/hello?overwrite=true', {
      body: JSON.stringify({ exec: { kind: 'nodejs:20', code } }),
      headers: ow,
    });
    if (put.status !== 200) throw new Error(`cannot create the action: ${put.status} ${put.body}`);
    const listed = await request(consolePort, 'POST', '/api/connections', {
      body: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const connections = JSON.parse(listed.body).map((c) => c.id);
    const ncp = connections.find((id) => id.includes('ncp')) ?? connections[0];
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const kinds = {
      page: [
        () => request(consolePort, 'GET', '/'),
        () => request(consolePort, 'GET', `/actions?connection=${ncp}`),
        () => request(consolePort, 'GET', `/actions/demo/hello?connection=${ncp}`),
        () => request(consolePort, 'GET', `/activations?connection=${ncp}`),
        () => request(consolePort, 'GET', '/settings'),
        () => request(consolePort, 'GET', '/audit'),
      ],
      fn: [
        () => request(consolePort, 'POST', '/api/connections', { body: '', headers: form }),
        () => request(consolePort, 'POST', '/api/list_actions', { body: `connection=${ncp}`, headers: form }),
      ],
      invoke: [
        () =>
          request(enginePort, 'POST', '/api/v1/namespaces/_/actions/load/hello?blocking=true&result=true', {
            body: JSON.stringify({ name: 'load' }),
            headers: ow,
          }),
      ],
    };
    // KINDS=page,fn narrows the mix (to find which kind a memory growth follows).
    const names = process.env.KINDS ? process.env.KINDS.split(',') : Object.keys(kinds);
    for (const k of names) if (!kinds[k]) throw new Error(`KINDS: no kind "${k}" (page, fn, invoke)`);
    const stats = Object.fromEntries(names.map((k) => [k, { ms: [], errors: [] }]));
    let sent = 0;
    const pick = (list) => list[Math.floor(Math.random() * list.length)];
    const user = async (until) => {
      while (Date.now() < until && sent < MAX_REQUESTS) {
        sent++;
        const kind = pick(names);
        const answer = await pick(kinds[kind])();
        stats[kind].ms.push(answer.ms);
        if (answer.status !== 200) stats[kind].errors.push(`${answer.status} ${answer.body.slice(0, 120)}`);
      }
    };
    // Warm-up: every route once per user for 5 s, then the memory baseline.
    await Promise.all(Array.from({ length: USERS }, () => user(Date.now() + 5_000)));
    for (const k of names) stats[k] = { ms: [], errors: [] };
    const before = rss(child.pid);
    const started = Date.now();
    // The memory every 10 s, to tell a leak (growing throughout) from a plateau.
    const series = [];
    const sampler = setInterval(() => series.push(rss(child.pid).toFixed(1)), 10_000);
    await Promise.all(Array.from({ length: USERS }, () => user(started + SECONDS * 1000)));
    clearInterval(sampler);
    const elapsed = (Date.now() - started) / 1000;
    const after = rss(child.pid);
    let errors = 0;
    console.log(`${USERS} users, ${elapsed.toFixed(1)} s, ${sent} requests in all (warm-up included)`);
    console.log('| kind | requests | errors | p50 ms | p99 ms |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const k of names) {
      const sorted = stats[k].ms.sort((a, b) => a - b);
      errors += stats[k].errors.length;
      console.log(
        `| ${k} | ${sorted.length} | ${stats[k].errors.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} |`,
      );
      for (const e of stats[k].errors.slice(0, 3)) console.log(`  ${k} error: ${e}`);
    }
    const growth = ((after - before) / before) * 100;
    console.log(`console RSS: ${before.toFixed(1)} MiB after warm-up, ${after.toFixed(1)} MiB at the end (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %); every 10 s: ${series.join(', ')} MiB`);
    if (errors > 0 || growth > 10) {
      console.log('FAILED: errors or memory growth over 10 %');
      process.exitCode = 1;
    }
  } finally {
    stop();
    agent.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
