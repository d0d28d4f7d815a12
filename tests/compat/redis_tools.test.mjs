// redis-cli and redis-benchmark (Debian's redis-tools) against runnel-server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { startServer } from './server.mjs';

function cli(port, ...args) {
  return execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
}

for (const backend of ['uring', 'epoll']) {
  test(`redis-cli (${backend})`, async () => {
    const server = await startServer(['--io-backend', backend]);
    try {
      assert.equal(cli(server.port, 'PING').trim(), 'PONG');
      assert.equal(cli(server.port, 'ECHO', 'a b').trim(), 'a b');
      assert.match(cli(server.port, 'INFO', 'server'), /runnel_version:/);
      assert.equal(cli(server.port, '-3', 'HELLO', '3').includes('proto'), true);
      assert.match(cli(server.port, 'NOPE'), /ERR unknown command 'NOPE'/);
      assert.equal(cli(server.port, 'COMMAND', 'COUNT').trim().length > 0, true);
      // Pipe mode: redis-cli --pipe sends raw protocol and counts replies.
      const pipeOut = execFileSync('redis-cli', ['-p', String(server.port), '--pipe'],
        { input: 'PING\r\n'.repeat(1000), encoding: 'utf8' });
      assert.match(pipeOut, /errors: 0, replies: 1000/);
    } finally {
      assert.equal(await server.stop(), 0, server.log());
    }
  });

  test(`redis-benchmark -t ping (${backend})`, async () => {
    const server = await startServer(['--io-backend', backend]);
    try {
      const run = spawnSync('redis-benchmark',
        ['-p', String(server.port), '-t', 'ping', '-n', '20000', '-c', '20', '-P', '8', '-q'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /PING_INLINE: [0-9.]+ requests per second/);
      assert.match(run.stdout, /PING_MBULK: [0-9.]+ requests per second/);
      // It reads `save` and `appendonly` with CONFIG GET before the run.
      assert.doesNotMatch(run.stdout + run.stderr, /Could not fetch server CONFIG/);
    } finally {
      assert.equal(await server.stop(), 0, server.log());
    }
  });
}
