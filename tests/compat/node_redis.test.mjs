// node-redis (the "redis" package) against runnel-server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { startServer } from './server.mjs';

test('node-redis basics', async () => {
  const server = await startServer();
  const client = createClient({ url: `redis://127.0.0.1:${server.port}` });
  try {
    await client.connect();
    assert.equal(await client.ping(), 'PONG');
    assert.equal(await client.sendCommand(['ECHO', 'hi']), 'hi');
    const [a, b] = await client.multi().ping().echo('y').exec();
    assert.equal(a, 'PONG');
    assert.equal(b, 'y');
    assert.equal(await client.dbSize(), 0);
    const time = await client.time();
    assert.ok(time instanceof Date);
  } finally {
    await client.quit();
    assert.equal(await server.stop(), 0, server.log());
  }
});
