// ioredis driving Runnel's consumer groups as a work queue: XGROUP CREATE,
// XREADGROUP (new entries, history, NOACK, BLOCK), XACK, XPENDING (extended
// form), XCLAIM and XAUTOCLAIM taking over what a vanished worker left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startServer } from './server.mjs';

async function waitBlocked(client, n) {
  for (let i = 0; i < 200; i++) {
    if (new RegExp(`blocked_clients:${n}\\b`).test(await client.info('clients'))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.match(await client.info('clients'), new RegExp(`blocked_clients:${n}\\b`));
}

for (const backend of ['uring', 'epoll']) {
  test(`ioredis consumer groups (${backend})`, async (t) => {
    const server = await startServer(['--io-backend', backend]);
    const options = { port: server.port, host: '127.0.0.1', lazyConnect: true };
    const producer = new Redis(options);
    const worker1 = new Redis(options);
    const worker2 = new Redis(options);
    try {
      await Promise.all([producer.connect(), worker1.connect(), worker2.connect()]);

      await t.test('xgroup create, xreadgroup, xack, xpending', async () => {
        assert.equal(await producer.xgroup('CREATE', 'jobs', 'workers', '$', 'MKSTREAM'), 'OK');
        const ids = [];
        for (let i = 0; i < 6; i++) ids.push(await producer.xadd('jobs', '*', 'job', String(i)));
        const first = await worker1.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', 4, 'STREAMS', 'jobs', '>');
        const second = await worker2.xreadgroup('GROUP', 'workers', 'w2', 'COUNT', 4, 'STREAMS', 'jobs', '>');
        assert.deepEqual(first[0][1].map(([id]) => id), ids.slice(0, 4));
        assert.deepEqual(second[0][1].map(([id]) => id), ids.slice(4));
        assert.deepEqual(first[0][1][0][1], ['job', '0']);
        assert.equal(await worker1.xreadgroup('GROUP', 'workers', 'w1', 'STREAMS', 'jobs', '>'), null);

        assert.equal(await worker1.xack('jobs', 'workers', ids[0], ids[1]), 2);
        assert.equal(await worker1.xack('jobs', 'workers', ids[0]), 0);
        const pending = await producer.xpending('jobs', 'workers', '-', '+', 10);
        assert.deepEqual(pending.map(([id, consumer, , count]) => [id, consumer, count]),
          [[ids[2], 'w1', 1], [ids[3], 'w1', 1], [ids[4], 'w2', 1], [ids[5], 'w2', 1]]);

        // The history: w1's own pending entries, each a delivery more.
        const history = await worker1.xreadgroup('GROUP', 'workers', 'w1', 'STREAMS', 'jobs', '0');
        assert.deepEqual(history[0][1].map(([id]) => id), ids.slice(2, 4));
        const again = await producer.xpending('jobs', 'workers', '-', '+', 10, 'w1');
        assert.deepEqual(again.map(([, , , count]) => count), [2, 2]);
      });

      await t.test('a vanished worker\'s entries are taken over with xautoclaim', async () => {
        const gone = new Redis(options);
        await gone.connect();
        const id = await producer.xadd('jobs', '*', 'job', 'orphan');
        const got = await gone.xreadgroup('GROUP', 'workers', 'gone', 'STREAMS', 'jobs', '>');
        assert.deepEqual(got[0][1].map(([entry]) => entry), [id]);
        gone.disconnect();
        await new Promise((r) => setTimeout(r, 30));
        const [next, claimed, deleted] = await worker2.xautoclaim('jobs', 'workers', 'w2', 20, '0-0', 'COUNT', 10);
        assert.equal(next, '0-0');
        // Everything idle for 20 ms: w1's two, w2's two, and the orphan.
        assert.deepEqual(claimed.map(([entry]) => entry).slice(-1), [id]);
        assert.deepEqual(claimed.find(([entry]) => entry === id)[1], ['job', 'orphan']);
        assert.deepEqual(deleted, []);
        const pending = await producer.xpending('jobs', 'workers', '-', '+', 10);
        assert.ok(pending.every(([, consumer]) => consumer === 'w2'), JSON.stringify(pending));
        assert.equal(pending.find(([entry]) => entry === id)[3], 2);
        // XCLAIM with JUSTID hands one back without counting a delivery.
        assert.deepEqual(await worker1.xclaim('jobs', 'workers', 'w1', 0, id, 'JUSTID'), [id]);
        assert.equal((await producer.xpending('jobs', 'workers', '-', '+', 10, 'w1'))
          .find(([entry]) => entry === id)[3], 2);
      });

      await t.test('noack, and a deleted pending entry', async () => {
        assert.equal(await producer.xgroup('CREATE', 'events', 'g', '$', 'MKSTREAM'), 'OK');
        const a = await producer.xadd('events', '*', 'n', '1');
        const b = await producer.xadd('events', '*', 'n', '2');
        await worker1.xreadgroup('GROUP', 'g', 'fire-and-forget', 'NOACK', 'COUNT', 1, 'STREAMS', 'events', '>');
        assert.deepEqual(await producer.xpending('events', 'g', '-', '+', 10), []);
        await worker1.xreadgroup('GROUP', 'g', 'w1', 'STREAMS', 'events', '>');
        assert.equal(await producer.xdel('events', b), 1);
        const history = await worker1.xreadgroup('GROUP', 'g', 'w1', 'STREAMS', 'events', '0');
        assert.deepEqual(history, [['events', [[b, null]]]]);
        const [, claimed, deleted] = await worker2.xautoclaim('events', 'g', 'w2', 0, '-');
        assert.deepEqual(claimed, []);
        assert.deepEqual(deleted, [b]);
        assert.ok(a);
      });

      await t.test('a blocked xreadgroup is served by another client\'s xadd, once', async () => {
        const r1 = worker1.xreadgroup('GROUP', 'workers', 'w1', 'BLOCK', 0, 'STREAMS', 'jobs', '>');
        await waitBlocked(producer, 1);
        const r2 = worker2.xreadgroup('GROUP', 'workers', 'w2', 'BLOCK', 0, 'STREAMS', 'jobs', '>');
        await waitBlocked(producer, 2);
        const id1 = await producer.xadd('jobs', '*', 'job', 'late-1');
        const reply1 = await r1;
        assert.deepEqual(reply1, [['jobs', [[id1, ['job', 'late-1']]]]]);
        await waitBlocked(producer, 1);
        const id2 = await producer.xadd('jobs', '*', 'job', 'late-2');
        assert.deepEqual(await r2, [['jobs', [[id2, ['job', 'late-2']]]]]);
      });

      await t.test('a blocked xreadgroup gets NOGROUP when its stream is deleted', async () => {
        const reader = worker1.xreadgroup('GROUP', 'workers', 'w1', 'BLOCK', 0, 'STREAMS', 'jobs', '>');
        await waitBlocked(producer, 1);
        assert.equal(await producer.del('jobs'), 1);
        await assert.rejects(reader, /NOGROUP No such key 'jobs' or consumer group 'workers' in XREADGROUP/);
      });
    } finally {
      producer.disconnect();
      worker1.disconnect();
      worker2.disconnect();
      assert.equal(await server.stop(), 0, server.log());
    }
  });
}
