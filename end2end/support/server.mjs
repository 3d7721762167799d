// Starts the real fnconsole binary (the release build from `cargo leptos build --release --split`)
// on a free loopback port with a fresh data directory and no configuration file.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** This checkout's release build; a benchmark comparing builds names another such folder
 * (its `release/fnconsole`, `release/hash.txt` and `site/`). */
const defaultBuild = join(repoRoot, 'target');

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/**
 * The bundle's main script: `pkg/fnconsole.HASH.js`, its hash read from the `hash.txt` that
 * cargo-leptos (`hash-files = true`) writes beside the binary, as the binary itself does.
 */
export function mainScript(build = defaultBuild) {
  const { binary, siteRoot } = paths(build);
  const hashes = join(dirname(binary), 'hash.txt');
  const hash = existsSync(hashes) && readFileSync(hashes, 'utf8').match(/^js: *(\S+)$/m)?.[1];
  const js = join(siteRoot, 'pkg', hash ? `fnconsole.${hash}.js` : 'fnconsole.js');
  if (!existsSync(js)) {
    throw new Error(
      `${js} is missing (${hashes} and target/site are from different builds?): ` +
        'run `cargo leptos build --release --split && node scripts/precompress.mjs` (make build does)',
    );
  }
  return js;
}

const paths = (build) => ({ binary: join(build, 'release', 'fnconsole'), siteRoot: join(build, 'site') });

/** The admin every test server starts with (FNCONSOLE_ADMIN_USER/PASSWORD), unless asked
 * for none. */
export const ADMIN = { account: 'admin', password: 'end-to-end admin password' };

/** The session cookie of each running server this process started, by its URL: the suite's
 * browser contexts and this process's fetch act as its signed-in admin. */
export const sessions = new Map();

/** Signs `account` in on the server at `url` over HTTP; answers the cookie's value. */
export async function signIn(url, { account, password } = ADMIN) {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ account, password, next: '/' }),
  });
  const set = res.headers.get('set-cookie') || '';
  const match = /fnconsole_session=([^;]+)/.exec(set);
  if (res.status !== 303 || !match) throw new Error(`signing ${account} in answered ${res.status}`);
  return match[1];
}

// This process's fetch sends the admin's cookie to a server it started, unless the request
// says who it is itself (a Cookie or Authorization header): the tests' direct server-function
// calls keep working with sign-in required.
const plainFetch = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
  const url = String(input instanceof Request ? input.url : input);
  for (const [base, cookie] of sessions) {
    if (!url.startsWith(base + '/')) continue;
    const headers = new Headers(init.headers || {});
    if (!headers.has('cookie') && !headers.has('authorization')) {
      headers.set('cookie', `fnconsole_session=${cookie}`);
    }
    return plainFetch(input, { ...init, headers });
  }
  return plainFetch(input, init);
};

/**
 * Starts the server; resolves to { url, dataDir, stop() } once /healthz answers. `config` is
 * the text of an fnconsole.toml for it (none: the defaults); `build`, the folder of the
 * release build to run (none: this checkout's `target`). The server has an admin (ADMIN),
 * signed in for this process's fetch and browsers, unless `noAccount` is set (then it prints
 * its setup link: `output()`).
 */
export async function startServer({ env = {}, config, build = defaultBuild, noAccount = false } = {}) {
  const { binary, siteRoot } = paths(build);
  for (const needed of [binary, join(siteRoot, 'pkg')]) {
    if (!existsSync(needed)) {
      throw new Error(
        `${needed} is missing: run \`cargo leptos build --release --split\` (make test does)`,
      );
    }
  }
  // Built without `--split`, the bundle still imports the lazy routes' placeholder module
  // and the page never hydrates: say so rather than let every test time out.
  const js = mainScript(build);
  if (readFileSync(js, 'utf8').includes('__wasm_split_placeholder__')) {
    throw new Error(`${js} was built without --split: run \`cargo leptos build --release --split\``);
  }
  const port = await freePort();
  const enginePort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'fnconsole-e2e-'));
  if (config !== undefined) writeFileSync(join(dataDir, 'fnconsole.toml'), config);
  const child = spawn(binary, [], {
    // The working directory holds `config` as fnconsole.toml, or none: the defaults apply.
    cwd: dataDir,
    env: {
      PATH: process.env.PATH,
      RUST_LOG: 'warn',
      FNCONSOLE_LISTEN: `127.0.0.1:${port}`,
      FNCONSOLE_ENGINE_LISTEN: `127.0.0.1:${enginePort}`,
      FNCONSOLE_DATA_DIR: join(dataDir, 'data'),
      LEPTOS_SITE_ROOT: siteRoot,
      ...(noAccount ? {} : {
        FNCONSOLE_ADMIN_USER: ADMIN.account,
        FNCONSOLE_ADMIN_PASSWORD: ADMIN.password,
      }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((ok) => child.once('exit', (code, signal) => ok({ code, signal })));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`fnconsole exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`fnconsole did not become healthy within 20 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  if (!noAccount) sessions.set(url, await signIn(url));

  return {
    url,
    cookie: sessions.get(url),
    engineUrl: `http://127.0.0.1:${enginePort}`,
    dataDir,
    child,
    output: () => output,
    exited,
    async stop() {
      sessions.delete(url);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A configuration with the demo package but none of its first-start runs: for tests that
 * count activations or actions exactly. */
export const NO_DEMO_RUNS = '[engine]\ndemo_runs = false\n';
