// Requests to the embedded engine's OpenWhisk dialect, signed with the engine's own key (read
// from the server's data directory): how the tests make runs without the browser.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A request to `server`'s engine: `path` is under `/api/v1/namespaces/_`. */
export function openwhisk(server, path, method = 'GET', body = undefined) {
  const keys = readFileSync(join(server.dataDir, 'data', 'engine-keys.toml'), 'utf8');
  const auth = keys.match(/^openwhisk_auth\s*=\s*"(.*)"/m)[1];
  return fetch(`${server.engineUrl}/api/v1/namespaces/_${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Invokes `action` (`name` or `package/name`) with `params`: blocking answers its
 * activation id once it ended; not blocking, once it is queued. */
export async function invoke(server, action, params = {}, { blocking = true } = {}) {
  const res = await openwhisk(server, `/actions/${action}?blocking=${blocking}`, 'POST', params);
  const body = await res.json();
  if (!body.activationId) throw new Error(`no activation id for ${action}: ${JSON.stringify(body)}`);
  return body.activationId;
}

/** Waits until the demo's first-start runs have ended (they are queued at the first start):
 * the OpenWhisk dialect lists an activation for each once it ended, the slow logger's last
 * (it runs for seconds; a sequence's components count too, so a count alone comes early). */
export async function demoRunsEnded(server, count = 7, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const res = await openwhisk(server, '/activations?limit=200');
    const list = await res.json();
    const slowEnded = Array.isArray(list) && list.some((a) => a.name === 'slow-logger');
    if (slowEnded && list.length >= count) return list;
    if (Date.now() > deadline) throw new Error(`the demo runs did not end: ${JSON.stringify(list)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
