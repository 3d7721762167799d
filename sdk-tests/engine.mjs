// Starts `fnconsole engine` (the release build) on a free loopback port with a fresh data
// directory and the keys in engine.toml; resolves to { url, keys, stop() }.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.env.FNCONSOLE_BIN || resolve(here, '..', 'target', 'release', 'fnconsole');
const config = join(here, 'engine.toml');

/** The `[engine]` keys of engine.toml (flat `key = "value"` lines). */
export function keys() {
  const out = {};
  for (const line of readFileSync(config, 'utf8').split('\n')) {
    const m = line.match(/^(\w+)\s*=\s*"(.*)"\s*$/);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export async function startEngine() {
  if (!existsSync(binary)) {
    throw new Error(`${binary} is missing: run \`cargo leptos build --release\` (make test does)`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'fnconsole-sdk-'));
  const child = spawn(binary, ['engine'], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH,
      RUST_LOG: 'warn',
      FNCONSOLE_CONFIG: config,
      FNCONSOLE_DATA_DIR: join(dataDir, 'data'),
      FNCONSOLE_ENGINE_LISTEN: '127.0.0.1:0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the engine did not start:\n${output}`)), 20_000);
    const read = (d) => {
      output += d;
      const m = output.match(/running at (http:\/\/[\d.:]+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`the engine exited (${code}):\n${output}`)); });
  });
  return {
    url,
    keys: keys(),
    async stop() {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
