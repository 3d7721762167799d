// The official OpenWhisk client (npm `openwhisk`) against `fnconsole engine`: create an
// action, invoke it blocking, list activations, read logs; refused with a wrong key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import openwhisk from 'openwhisk';
import { startEngine } from './engine.mjs';

let engine;
before(async () => { engine = await startEngine(); });
after(async () => { await engine?.stop(); });

const client = (apiKey) => openwhisk({ apihost: engine.url, api_key: apiKey, namespace: 'guest' });

test('create, invoke blocking, list activations and read logs', async () => {
  const ow = client(engine.keys.openwhisk_auth);
  const code = 'function main(p) { console.log("greeting " + p.name); return { greeting: "hello " + p.name }; }';
  const created = await ow.actions.create({ name: 'sdk-echo', action: code });
  assert.equal(created.name, 'sdk-echo');
  assert.equal(created.exec.kind, 'nodejs:20', 'nodejs:default runs on the engine\'s Node-compatible runtime');

  const activation = await ow.actions.invoke({ name: 'sdk-echo', blocking: true, params: { name: 'sdk' } });
  assert.equal(activation.response.success, true);
  assert.deepEqual(activation.response.result, { greeting: 'hello sdk' });
  const result = await ow.actions.invoke({ name: 'sdk-echo', blocking: true, result: true, params: { name: 'r' } });
  assert.deepEqual(result, { greeting: 'hello r' });

  const listed = await ow.activations.list({ name: 'sdk-echo', limit: 10 });
  assert.equal(listed.length, 2);
  assert.ok(listed.some((a) => a.activationId === activation.activationId));

  const logs = await ow.activations.logs({ name: activation.activationId });
  assert.equal(logs.logs.length, 1);
  assert.match(logs.logs[0], /stdout: greeting sdk$/);

  const actions = await ow.actions.list();
  assert.ok(actions.some((a) => a.name === 'sdk-echo'));
  await ow.actions.update({ name: 'sdk-echo', action: 'function main() { return { v: 2 }; }' });
  assert.deepEqual(await ow.actions.invoke({ name: 'sdk-echo', blocking: true, result: true }), { v: 2 });
  await ow.actions.delete({ name: 'sdk-echo' });
  await assert.rejects(ow.actions.get({ name: 'sdk-echo' }), (e) => e.statusCode === 404);
});

test('a failing action comes back as the client reports one', async () => {
  const ow = client(engine.keys.openwhisk_auth);
  await assert.rejects(
    ow.actions.invoke({ name: 'demo/always-fails', blocking: true }),
    (e) => e.statusCode === 502
      && e.error.response.success === false
      && /this demo action always fails/.test(JSON.stringify(e.error.response.result)),
  );
});

test('a wrong key is refused with 401', async () => {
  const [uuid] = engine.keys.openwhisk_auth.split(':');
  const wrong = client(`${uuid}:not-the-key`);
  await assert.rejects(wrong.actions.list(), (e) => e.statusCode === 401);
  await assert.rejects(
    client('00000000-0000-0000-0000-000000000000:nobody').activations.list(),
    (e) => e.statusCode === 401,
  );
});
