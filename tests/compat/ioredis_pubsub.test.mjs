// ioredis pub/sub against runnel-server: the example of issue #6 (a
// publisher and a separate subscriber connection, JSON payloads), with
// assertions, plus patterns, unsubscribing and subscriber-mode rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import Redis from 'ioredis';
import { startServer } from './server.mjs';

for (const backend of ['uring', 'epoll']) {
  test(`ioredis pub/sub (${backend})`, async (t) => {
    const server = await startServer(['--io-backend', backend]);
    const publisher = new Redis(`redis://127.0.0.1:${server.port}`);
    const subscriber = new Redis(`redis://127.0.0.1:${server.port}`); // separate connection required
    // ioredis 5.8.2+ can send a SUBSCRIBE issued while it connects before its
    // own ready check (INFO), which then fails in subscriber mode, against
    // Redis too (redis/ioredis#2037): subscribe once the client is ready.
    await Promise.all([publisher, subscriber].map((c) => (c.status === 'ready' ? null : once(c, 'ready'))));
    try {
      await t.test('the example: a message published with no subscriber is lost', async () => {
        const receivers = await publisher.publish('user:status', JSON.stringify({ userId: 123, status: 'online' }));
        assert.equal(receivers, 0);
      });

      await t.test('the example: the subscriber receives and parses the message', async () => {
        const received = [];
        subscriber.on('message', (channel, msg) => {
          const data = JSON.parse(msg);
          received.push({ channel, data });
        });
        assert.equal(await subscriber.subscribe('user:status'), 1);
        const arrived = once(subscriber, 'message');
        const receivers = await publisher.publish('user:status', JSON.stringify({ userId: 123, status: 'online' }));
        assert.equal(receivers, 1);
        await arrived;
        assert.deepEqual(received, [{ channel: 'user:status', data: { userId: 123, status: 'online' } }]);
      });

      await t.test('messages arrive in publication order', async () => {
        const got = [];
        const done = new Promise((resolve) => {
          const onMessage = (channel, msg) => {
            if (channel !== 'user:status') return;
            got.push(JSON.parse(msg).n);
            if (got.length === 500) { subscriber.off('message', onMessage); resolve(); }
          };
          subscriber.on('message', onMessage);
        });
        const pipeline = publisher.pipeline();
        for (let n = 0; n < 500; n++) pipeline.publish('user:status', JSON.stringify({ n }));
        const results = await pipeline.exec();
        results.forEach(([err, receivers]) => { assert.equal(err, null); assert.equal(receivers, 1); });
        await done;
        assert.deepEqual(got, Array.from({ length: 500 }, (_, n) => n));
      });

      await t.test('pattern subscriptions receive pmessage', async () => {
        assert.equal(await subscriber.psubscribe('user:*'), 2);
        const arrived = once(subscriber, 'pmessage');
        assert.equal(await publisher.publish('user:login', 'alice'), 1);
        assert.deepEqual(await arrived, ['user:*', 'user:login', 'alice']);
        assert.equal(await publisher.pubsub('NUMPAT'), 1);
        assert.deepEqual(await publisher.pubsub('NUMSUB', 'user:status'), ['user:status', 1]);
        assert.deepEqual(await publisher.pubsub('CHANNELS', 'user:*'), ['user:status']);
      });

      await t.test('a subscribed connection refuses other commands', async () => {
        await assert.rejects(subscriber.echo('x'), /subscriber mode/);
        // PING is allowed; a RESP2 subscriber gets Redis's ["pong", ""].
        assert.deepEqual(await subscriber.ping(), ['pong', '']);
      });

      await t.test('unsubscribing leaves subscriber mode', async () => {
        // With arguments: ioredis settles an argument-less UNSUBSCRIBE only
        // once the count reaches 0, which a remaining pattern prevents
        // (against Redis too).
        await subscriber.punsubscribe('user:*');
        await subscriber.unsubscribe('user:status');
        assert.equal(await publisher.publish('user:status', 'nobody'), 0);
        assert.equal(await subscriber.echo('back'), 'back');
      });
    } finally {
      publisher.disconnect();
      subscriber.disconnect();
      assert.equal(await server.stop(), 0, server.log());
    }
  });
}
