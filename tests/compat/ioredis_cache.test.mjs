// ioredis using Runnel as an application cache, the flow of the caching
// section of shared/seeds/000_dcc97301345ae4e3.txt scaled down: cache-aside
// reads with a TTL, counters, invalidation across servers over pub/sub, and
// entries expiring. The server runs with the seed's `--maxmemory 256mb
// --maxmemory-policy allkeys-lru`; a last step lowers maxmemory to a few MB
// over what is in use so eviction happens at this scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startServer } from './server.mjs';

// The "database": counts its reads so the test can tell hits from misses.
function makeDatabase() {
  const db = { reads: 0 };
  db.loadUser = async (id) => {
    db.reads++;
    return { id, name: `user ${id}`, visits: id * 10 };
  };
  return db;
}

// Cache-aside: the cached JSON, or the database's answer stored with a TTL.
async function getUser(redis, db, id, ttlSeconds = 60) {
  const key = `user:${id}`;
  const cached = await redis.get(key);
  if (cached !== null) return JSON.parse(cached);
  const user = await db.loadUser(id);
  await redis.set(key, JSON.stringify(user), 'EX', ttlSeconds);
  return user;
}

const waitFor = async (condition, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

for (const backend of ['uring', 'epoll']) {
  test(`ioredis cache (${backend})`, async (t) => {
    const server = await startServer(['--io-backend', backend, '--maxmemory', '256mb',
                                      '--maxmemory-policy', 'allkeys-lru']);
    const options = { port: server.port, host: '127.0.0.1', lazyConnect: true };
    const app = new Redis(options);
    const publisher = new Redis(options);
    const subscriber = new Redis(options);  // a subscribed connection only receives
    try {
      await Promise.all([app.connect(), publisher.connect(), subscriber.connect()]);

      await t.test('cache-aside: a miss loads and caches with a TTL, then hits', async () => {
        const db = makeDatabase();
        for (let round = 0; round < 3; round++) {
          for (let id = 1; id <= 200; id++) {
            const user = await getUser(app, db, id);
            assert.equal(user.name, `user ${id}`);
          }
        }
        assert.equal(db.reads, 200);  // only the first round missed
        assert.equal(await app.dbsize(), 200);
        const ttl = await app.ttl('user:7');
        assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
        assert.equal(await app.type('user:7'), 'string');
        assert.deepEqual(JSON.parse(await app.get('user:7')), { id: 7, name: 'user 7', visits: 70 });
      });

      await t.test('pipelined reads and writes, mget and counters', async () => {
        const pipeline = app.pipeline();
        for (let i = 0; i < 500; i++) pipeline.set(`page:${i}`, `<html>${i}</html>`, 'PX', 60000);
        for (let i = 0; i < 500; i++) pipeline.incr('hits:home');
        const results = await pipeline.exec();
        results.forEach(([err]) => assert.equal(err, null));
        assert.equal(results[999][1], 500);
        assert.deepEqual(await app.mget('page:0', 'page:499', 'page:missing'),
          ['<html>0</html>', '<html>499</html>', null]);
        assert.equal(await app.incrby('hits:home', 10), 510);
        assert.equal(await app.incrbyfloat('load', '0.25'), '0.25');
        assert.equal(await app.setnx('lock:job', 'worker-1'), 1);
        assert.equal(await app.setnx('lock:job', 'worker-2'), 0);
        assert.equal(await app.set('lock:job', 'worker-2', 'NX', 'EX', 5), null);
        assert.equal(await app.getdel('lock:job'), 'worker-1');
      });

      await t.test('invalidation across servers over pub/sub', async () => {
        const db = makeDatabase();
        const invalidated = [];
        subscriber.on('message', async (channel, message) => {
          if (channel !== 'cache:invalidate') return;
          const { key } = JSON.parse(message);
          invalidated.push(key);
          await app.del(key);  // every server drops its copy
        });
        await subscriber.subscribe('cache:invalidate');
        await getUser(app, db, 4242);
        await getUser(app, db, 4242);
        assert.equal(db.reads, 1);
        // Another server updates the record, then tells everyone.
        assert.equal(await publisher.publish('cache:invalidate', JSON.stringify({ key: 'user:4242' })), 1);
        await waitFor(async () => (await app.exists('user:4242')) === 0);
        assert.deepEqual(invalidated, ['user:4242']);
        await getUser(app, db, 4242);
        assert.equal(db.reads, 2);  // reloaded after the invalidation
      });

      await t.test('entries expire without being read', async () => {
        const before = await app.dbsize();
        const pipeline = app.pipeline();
        for (let i = 0; i < 50; i++) pipeline.set(`short:${i}`, 'x', 'PX', 100);
        await pipeline.exec();
        assert.ok((await app.dbsize()) > before);
        // Active expiry samples 20 of the ~750 keys with a TTL per tick (10 Hz):
        // a few seconds to find all 50.
        await waitFor(async () => (await app.dbsize()) === before, 30000);
        assert.equal(await app.get('short:0'), null);
        const stats = await app.info('stats');
        assert.match(stats, /expired_keys:50\r\n/);
      });

      await t.test('errors reject with Redis texts', async () => {
        await app.xadd('events', '*', 'type', 'signup');
        await assert.rejects(app.get('events'), /^ReplyError: WRONGTYPE Operation against a key holding the wrong kind of value/);
        await app.set('name', 'runnel');
        await assert.rejects(app.incr('name'), /ERR value is not an integer or out of range/);
        await assert.rejects(app.set('name', 'x', 'EX', 0), /ERR invalid expire time in 'set' command/);
        await assert.rejects(app.xlen('name'), /WRONGTYPE/);
      });
      await t.test('over maxmemory, allkeys-lru evicts and the cache keeps answering', async () => {
        assert.deepEqual(await app.config('GET', 'maxmemory*'), ['maxmemory', '268435456', 'maxmemory-policy',
          'allkeys-lru', 'maxmemory-samples', '5', 'maxmemory-eviction-tenacity', '10']);
        const used = (info) => Number(/used_memory:(\d+)/.exec(info)[1]);
        const limit = used(await app.info('memory')) + 4 * 1024 * 1024;
        await app.config('SET', 'maxmemory', String(limit));
        const value = 'v'.repeat(1024);
        for (let batch = 0; batch < 40; batch++) {
          const pipeline = app.pipeline();
          for (let i = 0; i < 500; i++) pipeline.set(`page:${batch}:${i}`, value, 'EX', 600);
          for (const [error] of await pipeline.exec()) assert.equal(error, null);
        }
        // 20 MB written into a 4 MB budget: most was evicted, the rest fits.
        assert.ok(Number(/evicted_keys:(\d+)/.exec(await app.info('stats'))[1]) > 5000);
        assert.ok(used(await app.info('memory')) <= limit * 1.05);
        const db = makeDatabase();
        const user = await getUser(app, db, 4242);
        assert.equal(user.name, 'user 4242');
        assert.deepEqual(await getUser(app, db, 4242), user);
        assert.equal(db.reads, 1);
      });
    } finally {
      app.disconnect();
      publisher.disconnect();
      subscriber.disconnect();
      assert.equal(await server.stop(), 0, server.log());
    }
  });
}
