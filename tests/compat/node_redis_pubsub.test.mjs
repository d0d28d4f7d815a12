// node-redis (the "redis" package) pub/sub against runnel-server: a
// duplicated connection subscribes to channels, patterns and shard channels,
// the other publishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { startServer } from './server.mjs';

test('node-redis subscribe and publish', async () => {
  const server = await startServer();
  const publisher = createClient({ url: `redis://127.0.0.1:${server.port}` });
  const subscriber = publisher.duplicate();
  try {
    await publisher.connect();
    await subscriber.connect();

    const messages = [];
    let notify;
    const expect = (n) => new Promise((resolve) => {
      notify = () => { if (messages.length >= n) resolve(); };
      notify();
    });
    await subscriber.subscribe('news', (message, channel) => { messages.push(['message', channel, message]); notify?.(); });
    await subscriber.pSubscribe('sport.*', (message, channel) => { messages.push(['pmessage', channel, message]); notify?.(); });

    assert.equal(await publisher.publish('news', 'hello'), 1);
    assert.equal(await publisher.publish('sport.tennis', 'ace'), 1);
    assert.equal(await publisher.publish('weather', 'lost'), 0);
    await expect(2);
    assert.deepEqual(messages, [['message', 'news', 'hello'], ['pmessage', 'sport.tennis', 'ace']]);

    assert.deepEqual({ ...await publisher.pubSubNumSub(['news', 'weather']) }, { news: 1, weather: 0 });
    assert.equal(await publisher.pubSubNumPat(), 1);
    assert.deepEqual(await publisher.pubSubChannels(), ['news']);

    await subscriber.unsubscribe('news');
    await subscriber.pUnsubscribe('sport.*');
    assert.equal(await publisher.publish('news', 'after'), 0);
    assert.deepEqual({ ...await publisher.pubSubNumSub(['news']) }, { news: 0 });

    await subscriber.sSubscribe('orders', (message, channel) => { messages.push(['smessage', channel, message]); notify?.(); });
    assert.equal(await publisher.sPublish('orders', 'o-1'), 1);
    assert.equal(await publisher.publish('orders', 'not sharded'), 0);
    await expect(3);
    assert.deepEqual(messages[2], ['smessage', 'orders', 'o-1']);
    assert.deepEqual(await publisher.pubSubShardChannels(), ['orders']);
    assert.deepEqual({ ...await publisher.pubSubShardNumSub(['orders']) }, { orders: 1 });
    await subscriber.sUnsubscribe('orders');
    assert.equal(await publisher.sPublish('orders', 'o-2'), 0);
  } finally {
    await subscriber.quit();
    await publisher.quit();
    assert.equal(await server.stop(), 0, server.log());
  }
});
