// ioredis driving Runnel's streams: XADD/XRANGE/XREVRANGE/XLEN/XDEL/XTRIM,
// XREAD, and a blocked XREAD released by another client's XADD.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startServer } from './server.mjs';

for (const backend of ['uring', 'epoll']) {
  test(`ioredis streams (${backend})`, async (t) => {
    const server = await startServer(['--io-backend', backend]);
    const options = { port: server.port, host: '127.0.0.1', lazyConnect: true };
    const producer = new Redis(options);
    const consumer = new Redis(options);
    try {
      await producer.connect();
      await consumer.connect();

      await t.test('xadd with auto IDs, xlen, xrange, xrevrange', async () => {
        const ids = [];
        for (let i = 0; i < 5; i++) ids.push(await producer.xadd('events', '*', 'n', String(i), 'kind', 'click'));
        ids.forEach((id) => assert.match(id, /^\d+-\d+$/));
        assert.equal(await producer.xlen('events'), 5);
        const all = await producer.xrange('events', '-', '+');
        assert.deepEqual(all.map(([id]) => id), ids);
        assert.deepEqual(all[2][1], ['n', '2', 'kind', 'click']);
        const lastTwo = await producer.xrevrange('events', '+', '-', 'COUNT', 2);
        assert.deepEqual(lastTwo.map(([id]) => id), [ids[4], ids[3]]);
        assert.equal(await producer.xdel('events', ids[0]), 1);
        assert.equal(await producer.xtrim('events', 'MAXLEN', 2), 2);
        assert.deepEqual((await producer.xrange('events', '-', '+')).map(([id]) => id), ids.slice(3));
      });

      await t.test('xadd errors reject with Redis texts', async () => {
        await producer.xadd('ordered', '5-0', 'f', 'v');
        await assert.rejects(producer.xadd('ordered', '4-0', 'f', 'v'),
          /ERR The ID specified in XADD is equal or smaller than the target stream top item/);
        await assert.rejects(producer.xadd('ordered', '0-0', 'f', 'v'),
          /ERR The ID specified in XADD must be greater than 0-0/);
      });

      await t.test('pipelined xadd with maxlen', async () => {
        const pipeline = producer.pipeline();
        for (let i = 0; i < 500; i++) pipeline.xadd('capped', 'MAXLEN', '~', 100, '*', 'i', String(i));
        const results = await pipeline.exec();
        assert.equal(results.length, 500);
        results.forEach(([err]) => assert.equal(err, null));
        const length = await producer.xlen('capped');
        assert.ok(length >= 100 && length < 500, `length ${length}`);
      });

      await t.test('xread from several streams', async () => {
        await producer.xadd('a', '1-0', 'x', '1');
        await producer.xadd('b', '1-0', 'y', '1');
        await producer.xadd('b', '2-0', 'y', '2');
        const reply = await consumer.xread('COUNT', 10, 'STREAMS', 'a', 'b', '0', '1-0');
        assert.deepEqual(reply, [['a', [['1-0', ['x', '1']]]], ['b', [['2-0', ['y', '2']]]]]);
        assert.equal(await consumer.xread('STREAMS', 'a', '$'), null);
      });

      await t.test('a blocked xread is released by another client', async () => {
        const pending = consumer.xread('BLOCK', 0, 'STREAMS', 'jobs', '$');
        // Wait until the server counts the consumer as blocked.
        for (let i = 0; i < 100; i++) {
          if (/blocked_clients:1/.test(await producer.info('clients'))) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        assert.match(await producer.info('clients'), /blocked_clients:1/);
        const id = await producer.xadd('jobs', '*', 'task', 'resize', 'image', 'cat.png');
        const reply = await pending;
        assert.deepEqual(reply, [['jobs', [[id, ['task', 'resize', 'image', 'cat.png']]]]]);
      });

      await t.test('a blocked xread times out with null', async () => {
        const started = Date.now();
        assert.equal(await consumer.xread('BLOCK', 100, 'STREAMS', 'quiet', '$'), null);
        assert.ok(Date.now() - started >= 90);
      });

      await t.test('a tail-following loop sees every entry once', async () => {
        let last = '0';  // a fresh stream: everything, even an XADD that beats the first XREAD
        const seen = [];
        const reader = (async () => {
          while (seen.length < 20) {
            const reply = await consumer.xread('COUNT', 7, 'BLOCK', 2000, 'STREAMS', 'tail', last);
            if (reply === null) break;
            for (const [id, fields] of reply[0][1]) {
              seen.push(fields[1]);
              last = id;
            }
          }
        })();
        await new Promise((r) => setTimeout(r, 50));
        for (let i = 0; i < 20; i++) await producer.xadd('tail', '*', 'i', String(i));
        await reader;
        assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => String(i)));
      });
    } finally {
      producer.disconnect();
      consumer.disconnect();
      assert.equal(await server.stop(), 0, server.log());
    }
  });
}
