// ioredis over TLS (its `tls:` options, Node's TLS stack) against
// runnel-server's tls-port: commands, a pipeline, a reply of megabytes and
// pub/sub, with a client certificate (tls-auth-clients yes, the default).
// Certificates: tests/make_test_certs.sh, made by the build
// (RUNNEL_TEST_CERTS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { startServer } from './server.mjs';

const certs = process.env.RUNNEL_TEST_CERTS;
const cert = (name) => join(certs, name);

// A port nothing listens on now (the kernel's pick, released at once).
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

for (const backend of ['uring', 'epoll']) {
  test(`ioredis over TLS (${backend})`, async (t) => {
    const tlsPort = await freePort();
    const server = await startServer(['--io-backend', backend, '--port', String(await freePort()),
      '--tls-port', String(tlsPort), '--tls-cert-file', cert('server.crt'),
      '--tls-key-file', cert('server.key'), '--tls-ca-cert-file', cert('ca.crt')]);
    const options = {
      port: tlsPort, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0,
      tls: {
        ca: readFileSync(cert('ca.crt')), cert: readFileSync(cert('client.crt')),
        key: readFileSync(cert('client.key')),
        // The test certificate names no host; the chain is still verified.
        checkServerIdentity: () => undefined,
      },
    };
    const redis = new Redis(options);
    const subscriber = new Redis(options);
    try {
      await redis.connect();

      await t.test('commands', async () => {
        assert.equal(await redis.ping(), 'PONG');
        assert.equal(await redis.set('k', 'héllo'), 'OK');
        assert.equal(await redis.get('k'), 'héllo');
        assert.equal(await redis.xadd('s', '1-1', 'f', 'v'), '1-1');
        assert.deepEqual(await redis.xrange('s', '-', '+'), [['1-1', ['f', 'v']]]);
      });

      await t.test('pipeline of 1000 commands', async () => {
        const pipeline = redis.pipeline();
        for (let i = 0; i < 1000; i++) pipeline.incr('counter');
        const results = await pipeline.exec();
        assert.equal(results.length, 1000);
        assert.deepEqual(results[999], [null, 1000]);
      });

      await t.test('a reply of 3 MB', async () => {
        const value = 'v'.repeat(100_000);
        const pipeline = redis.pipeline();
        for (let i = 1; i <= 30; i++) pipeline.xadd('big', `${i}-1`, 'f', value);
        await pipeline.exec();
        const entries = await redis.xrange('big', '-', '+');
        assert.equal(entries.length, 30);
        assert.ok(entries.every(([, fields]) => fields[1] === value));
      });

      await t.test('pub/sub', async () => {
        await subscriber.connect();
        const received = new Promise((resolve) => subscriber.on('message', (channel, message) => resolve([channel, message])));
        await subscriber.subscribe('news');
        assert.equal(await redis.publish('news', 'over tls'), 1);
        assert.deepEqual(await received, ['news', 'over tls']);
      });
    } finally {
      subscriber.disconnect();
      redis.disconnect();
      assert.equal(await server.stop(), 0, server.log());
    }
  });
}
