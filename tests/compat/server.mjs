// Starts the real runnel-server for a compat test: a temporary data
// directory, a kernel-chosen port read back from the start-up log.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const serverBinary = process.env.RUNNEL_SERVER_BIN;

export async function startServer(extraArgs = []) {
  if (!serverBinary) throw new Error('RUNNEL_SERVER_BIN is not set');
  const dir = mkdtempSync(join(tmpdir(), 'runnel-compat-'));
  const args = ['--port', '0', '--bind', '127.0.0.1', '--dir', join(dir, 'data'), ...extraArgs];
  const child = spawn(serverBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 20000);
    const onData = (chunk) => {
      log += chunk.toString();
      const m = log.match(/port=(\d+)/);
      if (m && log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  return {
    port,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
