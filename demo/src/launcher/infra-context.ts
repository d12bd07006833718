import { join } from 'node:path';
import { ShopStartError } from './errors.js';
import type { ProcessSpec, SupervisedProcess } from './supervisor.js';

/** What every part of the infrastructure is started with. */
export interface StartContext {
  /** The run's directory: data under it, logs in `<workDir>/logs`. */
  workDir: string;
  /** Spawns a child the shop will stop (and kill, should start-up fail). */
  spawn: (spec: ProcessSpec) => SupervisedProcess;
  /** Aborts a start in progress. */
  signal?: AbortSignal;
}

/** Returns the log file of component `name` in the run's directory. */
export function resolveLogFile(workDir: string, name: string): string {
  return join(workDir, 'logs', `${name}.log`);
}

/**
 * Returns a check for waitFor that throws a ShopStartError (with the log tail) once `process`
 * has exited: a process that died will not become ready.
 */
export function throwIfExited(process: SupervisedProcess, component: string, logFile: string): () => void {
  return () => {
    const exit = process.exitInfo;
    if (!exit) return;
    const how = exit.error ? `could not be started: ${exit.error.message}` : `exited during start-up (${exit.signal ?? `code ${exit.code}`})`;
    throw new ShopStartError(component, how, { logTail: process.readLogTail(), logFile });
  };
}

/** Wraps a readiness failure of `process` into a ShopStartError with its log tail. */
export function wrapStartError(error: unknown, component: string, process: SupervisedProcess | undefined, logFile: string): ShopStartError {
  if (error instanceof ShopStartError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ShopStartError(component, message, { logTail: process?.readLogTail(), logFile, cause: error });
}
