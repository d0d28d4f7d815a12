// ioredis against runnel-server: connection set-up, pipelines, MULTI,
// errors, INFO parsing, authentication and database selection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startServer } from './server.mjs';

for (const backend of ['uring', 'epoll']) {
  test(`ioredis (${backend})`, async (t) => {
    const server = await startServer(['--io-backend', backend, '--requirepass', 'pw']);
    const redis = new Redis({ port: server.port, host: '127.0.0.1', password: 'pw', db: 2,
                              connectionName: 'compat', lazyConnect: true });
    try {
      await redis.connect();

      await t.test('ping and echo', async () => {
        assert.equal(await redis.ping(), 'PONG');
        assert.equal(await redis.echo('héllo'), 'héllo');
      });

      await t.test('connectionName and db options are applied', async () => {
        assert.equal(await redis.client('GETNAME'), 'compat');
        const info = await redis.client('INFO');
        assert.match(info, / db=2 /);
      });

      await t.test('pipeline of 1000 commands', async () => {
        const pipeline = redis.pipeline();
        for (let i = 0; i < 1000; i++) pipeline.echo(`m${i}`);
        const results = await pipeline.exec();
        assert.equal(results.length, 1000);
        results.forEach(([err, value], i) => { assert.equal(err, null); assert.equal(value, `m${i}`); });
      });

      await t.test('multi/exec', async () => {
        const results = await redis.multi().ping().echo('x').exec();
        assert.deepEqual(results, [[null, 'PONG'], [null, 'x']]);
      });

      await t.test('unknown command rejects with the Redis error text', async () => {
        await assert.rejects(redis.call('NOPE', 'a'),
          /ERR unknown command 'NOPE', with args beginning with: 'a'/);
      });

      await t.test('info parses', async () => {
        const info = await redis.info('server');
        assert.match(info, /redis_version:7\./);
        assert.match(info, new RegExp(`multiplexing_api:${backend === 'uring' ? 'io_uring' : 'epoll'}`));
      });

      await t.test('config get returns pairs', async () => {
        const pairs = await redis.config('GET', 'maxclients');
        assert.deepEqual(pairs, ['maxclients', '10000']);
      });
    } finally {
      redis.disconnect();
      assert.equal(await server.stop(), 0, server.log());
    }
  });
}
