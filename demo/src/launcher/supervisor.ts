import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/*
 * Child processes of the demo. Every child leads its own process group (detached), so a stop
 * signals everything it started too: postgres backends, the Erlang VM's helpers, shells'
 * children. A child's output goes to its log file and a short in-memory tail, which start-up
 * errors quote.
 */

/** What to run and how to stop it. */
export interface ProcessSpec {
  /** Name in reports and the log file's base name. */
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Output of this process is appended here. */
  logFile: string;
  /** Opens an IPC channel (Node children only). */
  ipc?: boolean;
  /** Runs the process as this user (when we are root). */
  user?: { uid: number; gid: number };
  /** First signal at stop; SIGTERM unless told. */
  stopSignal?: NodeJS.Signals;
  /** Send the first signal to the process only instead of its whole group (default: group). */
  stopSignalToLeaderOnly?: boolean;
}

/** How a process ended. `error` is set when it could not be started at all. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

const tailLineCount = 60;
const live = new Set<SupervisedProcess>();
let exitHookInstalled = false;

/** A running child process and its process group. */
export class SupervisedProcess {
  readonly name: string;
  readonly pid: number;
  readonly startedAtMs = Date.now();
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ProcessExit>;
  /** Set once stop() was called: an exit after that is expected. */
  stopping = false;
  private exit: ProcessExit | undefined;
  private readonly child: ChildProcess;
  private readonly spec: ProcessSpec;
  private readonly tail: string[] = [];
  private partialLine = '';
  private readonly log: WriteStream;
  private stopPromise: Promise<ProcessExit> | undefined;

  constructor(spec: ProcessSpec) {
    this.spec = spec;
    this.name = spec.name;
    mkdirSync(dirname(spec.logFile), { recursive: true });
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
    this.log.on('error', () => {
      // A full or removed disk must not take the launcher down; the tail still works.
    });
    this.child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: spec.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      uid: spec.user?.uid,
      gid: spec.user?.gid,
    });
    this.pid = this.child.pid ?? -1;
    this.writeLine(`--- ${new Date().toISOString()} launcher: started ${spec.command} ${spec.args.join(' ')} (pid ${this.pid})`);
    this.child.stdout?.on('data', (chunk: Buffer) => this.capture(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => this.capture(chunk));
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        // Only a failed spawn leaves no exit event to wait for.
        if (this.child.pid === undefined) this.finish({ code: null, signal: null, error }, resolve);
      });
      this.child.once('exit', (code, signal) => {
        // Output written just before the exit may still be in the pipes: let it reach the tail
        // (briefly: a grandchild holding the pipes open must not delay the exit).
        const drained = Promise.all([this.child.stdout, this.child.stderr].map((stream) => (stream && !stream.readableEnded ? new Promise((done) => stream.once('close', done)) : undefined)));
        const timeout = new Promise((done) => setTimeout(done, 250).unref());
        void Promise.race([drained, timeout]).then(() => this.finish({ code, signal }, resolve));
      });
    });
    if (this.child.pid !== undefined) {
      live.add(this);
      installExitHook();
    }
  }

  /** The exit, once the process has ended. */
  get exitInfo(): ProcessExit | undefined {
    return this.exit;
  }

  /** Calls `listener` for each IPC message from the child. */
  onMessage(listener: (message: unknown) => void): void {
    this.child.on('message', listener);
  }

  /** Sends an IPC message; returns false when the channel is gone (the child exited). */
  send(message: unknown): boolean {
    if (!this.child.connected || this.exit) return false;
    try {
      this.child.send(message as never, (error) => {
        // A child exiting between the check and the write is reported by its exit instead.
        void error;
      });
      return true;
    } catch {
      return false;
    }
  }

  /** The last lines the process wrote (stdout and stderr interleaved), at most `lineCount`. */
  readLogTail(lineCount = 30): string {
    const lines = this.partialLine ? [...this.tail, this.partialLine] : this.tail;
    return lines.slice(-lineCount).join('\n');
  }

  /**
   * Stops the process: the stop signal, then SIGKILL to the whole group after `graceMs`
   * milliseconds, then SIGKILL to whatever is left of the group. Idempotent; resolves with the
   * exit once the process is gone.
   */
  stop(graceMs = 8_000): Promise<ProcessExit> {
    this.stopping = true;
    this.stopPromise ??= (async () => {
      if (!this.exit) {
        const signal = this.spec.stopSignal ?? 'SIGTERM';
        if (this.spec.stopSignalToLeaderOnly) signalPid(this.pid, signal);
        else signalGroup(this.pid, signal);
        const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
        if ((await Promise.race([this.exited, timer])) === 'timeout') {
          this.writeLine(`--- ${new Date().toISOString()} launcher: no exit ${graceMs} ms after ${signal}, sending SIGKILL`);
          signalGroup(this.pid, 'SIGKILL');
        }
      }
      const exit = await this.exited;
      // Group members may outlive their leader (a killed postmaster's backends, say).
      signalGroup(this.pid, 'SIGKILL');
      return exit;
    })();
    return this.stopPromise;
  }

  /** Kills the process group at once, synchronously; for exit paths that cannot wait. */
  killNow(): void {
    this.stopping = true;
    signalGroup(this.pid, 'SIGKILL');
  }

  private capture(chunk: Buffer): void {
    this.log.write(chunk);
    const text = this.partialLine + chunk.toString('utf8');
    const lines = text.split('\n');
    this.partialLine = (lines.pop() ?? '').slice(-4096);
    for (const line of lines) this.pushTail(line);
  }

  private pushTail(line: string): void {
    this.tail.push(line.length > 2_000 ? `${line.slice(0, 2_000)}…` : line);
    if (this.tail.length > tailLineCount) this.tail.splice(0, this.tail.length - tailLineCount);
  }

  private writeLine(line: string): void {
    this.log.write(`${line}\n`);
  }

  private finish(exit: ProcessExit, resolve: (exit: ProcessExit) => void): void {
    if (this.exit) return;
    this.exit = exit;
    live.delete(this);
    const how = exit.error ? `could not start: ${exit.error.message}` : `exited with ${exit.signal ?? `code ${exit.code}`}`;
    if (exit.error) this.pushTail(how);
    this.writeLine(`--- ${new Date().toISOString()} launcher: ${how}`);
    // Let late output (the pipes close after the exit event) land before closing the file.
    setTimeout(() => this.log.end(), 200).unref();
    resolve(exit);
  }
}

/** Starts `spec` as a supervised child in its own process group. Never throws for a missing binary: `exited` reports it. */
export function spawnSupervised(spec: ProcessSpec): SupervisedProcess {
  return new SupervisedProcess(spec);
}

/** SIGKILLs the process groups of every child still running, synchronously. For a last-resort exit. */
export function killAllChildrenNow(): void {
  for (const process of live) process.killNow();
}

/** Number of supervised children still running (for tests and reports). */
export function countLiveChildren(): number {
  return live.size;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Whatever way the launcher ends (an uncaught error, process.exit), no child may outlive it.
  process.on('exit', killAllChildrenNow);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}
