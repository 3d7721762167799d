// A console with every engine dialect configured by hand (known keys, so a test can sign its
// own requests) plus connections that never answer (a loopback listener that accepts and
// says nothing); and signed calls to the engine's dialects: OpenWhisk (Basic) and Tencent SCF
// API 3.0 (TC3-HMAC-SHA256) for synchronous and `Event` (asynchronous) invocations.
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';

const KEYS = {
  ncp_access_key: 'e2e-ncp-access',
  ncp_secret_key: 'e2e-ncp-secret',
  openwhisk_auth: 'e2e-uuid:e2e-openwhisk-key',
  huawei_project_id: 'e2e-project',
  huawei_access_key: 'e2e-huawei-access',
  huawei_secret_key: 'e2e-huawei-secret',
  tencent_secret_id: 'e2e-tencent-id',
  tencent_secret_key: 'e2e-tencent-key',
  tencent_region: 'ap-guangzhou',
};

/** A loopback address that accepts connections and never answers; `close()` ends it. */
export function blackHole() {
  const held = new Set();
  const srv = createServer((socket) => { held.add(socket); socket.on('error', () => {}); });
  return new Promise((ok) => srv.listen(0, '127.0.0.1', () => ok({
    url: `http://127.0.0.1:${srv.address().port}`,
    close: () => { for (const s of held) s.destroy(); srv.close(); },
  })));
}

/** The config file: the four engine dialects as `local-*`, then `broken` endpoints (id → url). */
function configText(broken) {
  const engine = Object.entries(KEYS).map(([k, v]) => `${k} = "${v}"`).join('\n');
  const at = 'http://127.0.0.1:3233'; // moved to FNCONSOLE_ENGINE_LISTEN: they are `local`
  const blocks = [
    `[engine]\n${engine}`,
    `[[connections]]\nid = "local-ncp"\nname = "Local ncp"\nprovider = "ncp"\nendpoint = "${at}"\nlocal = true\naccess_key_env = "E2E_NCP_ACCESS"\nsecret_key_env = "E2E_NCP_SECRET"`,
    `[[connections]]\nid = "local-openwhisk"\nname = "Local openwhisk"\nprovider = "openwhisk"\nendpoint = "${at}"\nlocal = true\nauth_env = "E2E_OW_AUTH"`,
    `[[connections]]\nid = "local-huawei"\nname = "Local huawei"\nprovider = "huawei"\nendpoint = "${at}"\nlocal = true\nproject_id = "${KEYS.huawei_project_id}"\nregion = "local"\naccess_key_env = "E2E_HW_ACCESS"\nsecret_key_env = "E2E_HW_SECRET"`,
    `[[connections]]\nid = "local-tencent"\nname = "Local tencent"\nprovider = "tencent"\nendpoint = "${at}"\nlocal = true\nregion = "${KEYS.tencent_region}"\naccess_key_env = "E2E_TC_ID"\nsecret_key_env = "E2E_TC_KEY"`,
    ...Object.entries(broken).map(([id, url]) =>
      `[[connections]]\nid = "${id}"\nname = "Never answers (${id})"\nprovider = "openwhisk"\nendpoint = "${url}"\nauth_env = "E2E_OW_AUTH"`),
  ];
  return `${blocks.join('\n\n')}\n`;
}

/** Starts the console with that configuration; `broken` maps connection ids to dead URLs. */
export async function startWithEveryConnection(broken = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fnconsole-every-'));
  const config = join(dir, 'fnconsole.toml');
  writeFileSync(config, configText(broken));
  const server = await startServer({
    env: {
      FNCONSOLE_CONFIG: config,
      E2E_NCP_ACCESS: KEYS.ncp_access_key,
      E2E_NCP_SECRET: KEYS.ncp_secret_key,
      E2E_OW_AUTH: KEYS.openwhisk_auth,
      E2E_HW_ACCESS: KEYS.huawei_access_key,
      E2E_HW_SECRET: KEYS.huawei_secret_key,
      E2E_TC_ID: KEYS.tencent_secret_id,
      E2E_TC_KEY: KEYS.tencent_secret_key,
    },
  });
  return { ...server, engine: dialects(server.engineUrl) };
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

/** Signed calls to the engine's dialects at `engineUrl`. */
function dialects(engineUrl) {
  const host = new URL(engineUrl).host;
  const basic = `Basic ${Buffer.from(KEYS.openwhisk_auth).toString('base64')}`;
  const openwhisk = async (path, method, body) => {
    const res = await fetch(`${engineUrl}/api/v1/namespaces/_${path}`, {
      method,
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    // 202: accepted, running on; 502: a blocking run that failed (its activation is the body).
    if (!res.ok && res.status !== 202 && res.status !== 502) throw new Error(`OpenWhisk ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  /** One SCF API 3.0 call, TC3-signed as the SDKs sign it. */
  const scf = async (action, params) => {
    const payload = JSON.stringify(params);
    const timestamp = Math.floor(Date.now() / 1000);
    const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
    const canonical = `POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:${host}\n\ncontent-type;host\n${sha256(payload)}`;
    const scope = `${date}/scf/tc3_request`;
    const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256(canonical)}`;
    const key = hmac(hmac(hmac(`TC3${KEYS.tencent_secret_key}`, date), 'scf'), 'tc3_request');
    const signature = createHmac('sha256', key).update(toSign).digest('hex');
    const res = await fetch(`${engineUrl}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `TC3-HMAC-SHA256 Credential=${KEYS.tencent_secret_id}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
        'x-tc-action': action,
        'x-tc-version': '2018-04-16',
        'x-tc-timestamp': String(timestamp),
        'x-tc-region': KEYS.tencent_region,
      },
      body: payload,
    });
    const body = await res.json();
    if (body.Response?.Error) throw new Error(`SCF ${action}: ${JSON.stringify(body.Response.Error)}`);
    return body.Response;
  };
  return {
    openwhisk,
    /** Creates (or replaces) the top-level action `name` with `code`. */
    putAction: (name, code) => openwhisk(`/actions/${name}?overwrite=true`, 'PUT', { exec: { kind: 'nodejs:20', code } }),
    /** Runs `name` and waits: its activation id. */
    run: async (name, params) => (await openwhisk(`/actions/${name}?blocking=true`, 'POST', params)).activationId,
    /** Enqueues `name` as SCF's `Event` invocation: its request id (an asynchronous invocation). */
    runAsync: async (name, params) => (await scf('Invoke', {
      FunctionName: name, InvocationType: 'Event', ClientContext: JSON.stringify(params), Namespace: 'default',
    })).Result.FunctionRequestId,
  };
}
