// A fake Apache OpenWhisk for the cloud path of a run: it checks the Basic key on every
// request as OpenWhisk does (401 with OpenWhisk's body otherwise), answers a blocking invoke
// with 202 and the activation id (as OpenWhisk does past its wait), answers 404 for that
// activation while it "runs", and the activation with its result and logs after that. It
// lists its activations newest first (`limit`, `skip`, and `count=true` for the total), so
// the console's live mode on a cloud can poll it; `record()` adds one that ran elsewhere.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';

/**
 * Starts the fake on a free loopback port. `auth` is the `uuid:key` it accepts; `action`
 * (`{ package, name, timeoutMs, memoryMb }`) the one action it holds; `runningReads` how many
 * reads of an activation answer 404 before it has ended. Resolves to
 * `{ url, requests, record(params), stop() }`; `requests` lists `{ method, path, query, at,
 * authorized }` as they came (`at`: epoch ms); `record` adds an ended activation and answers its id.
 */
export async function startFakeOpenWhisk({
  auth,
  action = { package: 'work', name: 'report', timeoutMs: 60_000, memoryMb: 256 },
  runningReads = 3,
} = {}) {
  const expected = `Basic ${Buffer.from(auth).toString('base64')}`;
  const base = '/api/v1/namespaces/_';
  const actionPath = `${base}/actions/${action.package}/${action.name}`;
  const activations = new Map();
  const requests = [];

  const send = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const refuse = (res, status, error) =>
    send(res, status, { error, code: randomBytes(16).toString('hex') });

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://fake');
    const authorized = req.headers.authorization === expected;
    requests.push({ method: req.method, path: url.pathname, query: url.searchParams, at: Date.now(), authorized });
    if (!authorized) {
      return refuse(res, 401, 'The supplied authentication is invalid');
    }
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (url.pathname === actionPath && req.method === 'GET') {
        return send(res, 200, actionRecord(action));
      }
      if (url.pathname === actionPath && req.method === 'POST') {
        const id = randomBytes(16).toString('hex');
        activations.set(id, { reads: 0, start: Date.now(), params: JSON.parse(body || '{}') });
        return send(res, 202, { activationId: id });
      }
      if (url.pathname === `${base}/activations` && req.method === 'GET') {
        return send(res, 200, listing(action, activations, url.searchParams));
      }
      const read = url.pathname.match(/^\/api\/v1\/namespaces\/_\/activations\/([0-9a-f]{32})$/);
      const run = read && activations.get(read[1]);
      if (run && req.method === 'GET') {
        run.reads += 1;
        if (run.reads <= runningReads) {
          return refuse(res, 404, 'The requested resource does not exist.');
        }
        return send(res, 200, activationRecord(action, read[1], run));
      }
      return refuse(res, 404, 'The requested resource does not exist.');
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const record = (params = {}) => {
    const id = randomBytes(16).toString('hex');
    activations.set(id, { reads: runningReads, start: Date.now() - 40, end: Date.now(), params });
    return id;
  };
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    record,
    stop: () => new Promise((ok) => server.close(ok)),
  };
}

/** The list, newest first, as OpenWhisk answers `GET …/activations` (or its count). */
function listing(action, activations, query) {
  // Only ended ones, as OpenWhisk records an activation when it ends.
  const ended = [...activations.entries()].filter(([, run]) => run.end !== undefined).reverse();
  if (query.get('count') === 'true') return { activations: ended.length };
  const skip = Number(query.get('skip') ?? 0);
  const limit = Number(query.get('limit') ?? 30);
  return ended.slice(skip, skip + limit).map(([id, run]) => activationRecord(action, id, run));
}

function actionRecord(action) {
  return {
    namespace: 'guest/' + action.package,
    name: action.name,
    version: '0.0.1',
    publish: false,
    exec: { kind: 'nodejs:20', code: 'async function main(p) { return { report: p.month }; }', binary: false },
    annotations: [{ key: 'exec', value: 'nodejs:20' }],
    parameters: [],
    limits: { timeout: action.timeoutMs, memory: action.memoryMb, logs: 10, concurrency: 1 },
  };
}

function activationRecord(action, id, run) {
  // It ends when first read as ended, and stays so.
  run.end ??= Date.now();
  const end = run.end;
  const stamp = (ms) => new Date(ms).toISOString();
  return {
    namespace: 'guest',
    name: action.name,
    version: '0.0.1',
    subject: 'guest',
    activationId: id,
    start: run.start,
    end,
    duration: end - run.start,
    statusCode: 0,
    response: {
      status: 'success',
      statusCode: 0,
      success: true,
      result: { report: run.params.month ?? null, rows: 3 },
    },
    logs: [
      `${stamp(run.start + 5)} stdout: building the report for ${run.params.month}`,
      `${stamp(end - 5)} stderr: 1 row skipped`,
    ],
    annotations: [{ key: 'path', value: `guest/${action.package}/${action.name}` }],
    publish: false,
  };
}
