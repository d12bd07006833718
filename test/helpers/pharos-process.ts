import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, REPO_ROOT, freePort } from './server-process.js';

/**
 * Process-level test support: spawns `pharos` (or `npm start`) in its own process group
 * so that a test can signal or kill everything it started, including the children npm
 * and `sh` put in between, and collects what the processes print.
 */

/** How a spawned process ended: its exit code, or the signal that ended it. */
export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedProcess {
  child: ChildProcess;
  /** Process id of the process-group leader (the spawned command). */
  pid: number;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr interleaved as they arrived. */
  output(): string;
  /** Settles when the process has exited and every holder of its stdout/stderr (grandchildren too) has closed them. */
  closed: Promise<ExitResult>;
  /** Settles when the spawned process itself has exited (its children may still run). */
  exited: Promise<ExitResult>;
}

const spawned = new Set<SpawnedProcess>();

/** The current environment without any PHAROS_* variable, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PHAROS_')) env[key] = value;
  return { ...env, ...extra };
}

/** Spawns `command args` detached (a new process group), with PHAROS_* variables only from `env`. */
export function spawnProcess(command: string, args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): SpawnedProcess {
  const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, env: cleanEnv(options.env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    output += d.toString();
  });
  const closed = new Promise<ExitResult>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const exited = new Promise<ExitResult>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
  const handle: SpawnedProcess = { child, pid: child.pid, stdout: () => stdout, stderr: () => stderr, output: () => output, closed, exited };
  spawned.add(handle);
  void closed.then(() => spawned.delete(handle));
  return handle;
}

/** Spawns the built CLI: `node packages/server/dist/cli.js ...args`. */
export function spawnPharos(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): SpawnedProcess {
  return spawnProcess(process.execPath, [CLI, ...args], options);
}

/** Sends `signal` to every process of the group `proc` leads; ignores a group that is already gone. */
export function signalGroup(proc: SpawnedProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // the group has already exited
  }
}

/** Is any process of the group still alive? */
export function isGroupAlive(proc: SpawnedProcess): boolean {
  try {
    process.kill(-proc.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs the process group of everything spawned through this module that has not finished. For afterEach/afterAll. */
export async function killAllSpawned(): Promise<void> {
  const running = [...spawned];
  for (const proc of running) signalGroup(proc, 'SIGKILL');
  await Promise.all(running.map((proc) => withTimeout(proc.closed, 10_000, 'a killed process did not close its output').catch(() => undefined)));
  spawned.clear();
}

/** Resolves with `promise`, or rejects with `message` after `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`${message} (after ${timeoutMs} ms)`)), timeoutMs)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `apiUrl`/healthz until it answers 200; fails early when the process closes, or after `timeoutMs`. */
export async function waitForHealthy(proc: SpawnedProcess, apiUrl: string, timeoutMs = 30_000): Promise<void> {
  let ended: ExitResult | undefined;
  void proc.exited.then((result) => (ended = result));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${apiUrl}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (ended !== undefined) throw new Error(`the process ended (${JSON.stringify(ended)}) before ${apiUrl} answered:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`${apiUrl}/healthz did not answer within ${timeoutMs} ms:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Ports {
  http: number;
  otlpHttp: number;
  otlpGrpc: number;
}

/** Three distinct free loopback ports. */
export async function freePorts(): Promise<Ports> {
  return { http: await freePort(), otlpHttp: await freePort(), otlpGrpc: await freePort() };
}

/** `--http-port … --otlp-http-port … --otlp-grpc-port …` for `ports`. */
export function portFlags(ports: Ports): string[] {
  return ['--http-port', String(ports.http), '--otlp-http-port', String(ports.otlpHttp), '--otlp-grpc-port', String(ports.otlpGrpc)];
}

export interface CliResult extends ExitResult {
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion (SIGKILLed after `timeoutMs`) and returns what it printed. */
export async function runCli(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  const proc = spawnPharos(args, { env: options.env });
  const result = await withTimeout(proc.closed, options.timeoutMs ?? 20_000, `pharos ${args.join(' ')} did not finish`).catch((error: unknown) => {
    signalGroup(proc, 'SIGKILL');
    throw error;
  });
  return { ...result, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** A running `pharos serve` started with spawnPharos. */
export interface RunningServer {
  proc: SpawnedProcess;
  ports: Ports;
  apiUrl: string;
  otlpHttpUrl: string;
}

/** Starts `pharos serve --data-dir dataDir` on free ports (plus `extraArgs`) and waits for /healthz. */
export async function startServer(dataDir: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<RunningServer> {
  const ports = await freePorts();
  const proc = spawnPharos(['serve', '--data-dir', dataDir, ...portFlags(ports), ...extraArgs], { env });
  const apiUrl = `http://127.0.0.1:${ports.http}`;
  await waitForHealthy(proc, apiUrl);
  return { proc, ports, apiUrl, otlpHttpUrl: `http://127.0.0.1:${ports.otlpHttp}` };
}

/** Signals the process group (SIGTERM by default) and waits, bounded, for it to finish; returns how it ended. */
export async function stopProcess(proc: SpawnedProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<ExitResult> {
  signalGroup(proc, signal);
  return withTimeout(proc.closed, timeoutMs, `the process did not stop after ${signal}:\n${proc.output()}`);
}

/** SIGTERMs the server and waits (bounded) for it to exit; returns how it ended. */
export async function stopServer(server: RunningServer, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<ExitResult> {
  return stopProcess(server.proc, signal, timeoutMs);
}
