import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(REPO_ROOT, 'packages/server/dist/cli.js');

/** Ports this process has handed out: the kernel may offer a just-closed port again, and one test's two ports must differ. */
const handedOut = new Set<number>();

/**
 * A free loopback TCP port, never one this process handed out before (best effort: another
 * process could take it before we bind).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export async function tempDataDir(prefix = 'pharos-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export interface ServerProcess {
  child: ChildProcess;
  apiUrl: string;
  otlpHttpUrl: string;
  grpcAddress: string;
  output: () => string;
}

/**
 * Starts the built `pharos serve` (packages/server/dist/cli.js; `npm test` builds it first)
 * as a real process on free loopback ports and waits until its API answers.
 */
export async function startServerProcess(dataDir: string, extraArgs: string[] = []): Promise<ServerProcess> {
  const [http, otlpHttp, otlpGrpc] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--data-dir', dataDir, '--http-port', String(http), '--otlp-http-port', String(otlpHttp), '--otlp-grpc-port', String(otlpGrpc), '--log-level', 'warn', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const apiUrl = `http://127.0.0.1:${http}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pharos exited with ${child.exitCode} during start-up:\n${output}`);
    const ok = await fetch(`${apiUrl}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`pharos did not answer within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, apiUrl, otlpHttpUrl: `http://127.0.0.1:${otlpHttp}`, grpcAddress: `127.0.0.1:${otlpGrpc}`, output: () => output };
}

/** Waits for the process to exit and returns its exit code (or signal name). */
export async function waitForExit(child: ChildProcess, timeoutMs = 30_000): Promise<number | string> {
  if (child.exitCode !== null) return child.exitCode;
  if (child.signalCode !== null) return child.signalCode;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('process did not exit in time')), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? -1);
    });
  });
}
