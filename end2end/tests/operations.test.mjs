// The running binary as an operator sees it: health endpoints and graceful shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { withServer } from '../support/suite.mjs';

test('/healthz and /readyz answer on the running server', () =>
  withServer(async (server) => {
    const health = await fetch(server.url + '/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(server.url + '/readyz');
    assert.equal(ready.status, 200);
    assert.equal((await ready.json()).status, 'ready');
  }));

test('SIGTERM stops the server cleanly with exit status 0', () =>
  withServer(async (server) => {
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    assert.equal(code, 0);
    assert.match(server.output(), /SIGTERM received: shutting down/);
    assert.match(server.output(), /fnconsole stopped/);
  }, { env: { RUST_LOG: 'info' } }));

test('a malformed configuration stops the start with the file, line and problem', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'fnconsole-bad-config-'));
  const file = join(dir, 'fnconsole.toml');
  writeFileSync(file, '[[connections]]\nid = "x"\nprovider = "aws"\nendpoint = "https://x"\n');
  await assert.rejects(startServer({ env: { FNCONSOLE_CONFIG: file } }), (err) => {
    assert.match(
      err.message,
      new RegExp(`fnconsole: error in ${file} at line 3, column 12: unknown variant \`aws\`, expected one of`),
    );
    return true;
  });
});

test('concurrent page loads all complete, each page whole', () =>
  withServer(async (server) => {
    const paths = ['/', '/settings', '/actions', '/no/such/page'];
    const started = Date.now();
    for (let batch = 0; batch < 25; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 16 }, (_, i) => fetch(server.url + paths[(batch + i) % paths.length], { signal: AbortSignal.timeout(10_000) })),
      );
      for (const response of responses) {
        const body = await response.text();
        assert.ok([200, 404].includes(response.status), `status ${response.status}`);
        assert.ok(!body.includes('Loading…'), 'no streamed-in placeholder');
        assert.ok(body.includes('Local ncp — NAVER Cloud Functions (local engine)'), 'the switcher is complete');
      }
    }
    assert.ok(Date.now() - started < 60_000);
  }));
