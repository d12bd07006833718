/**
 * Reads environment variables for a service, failing at start-up with every problem at once
 * rather than one at a time.
 */

/** Thrown at start-up when the environment is incomplete or malformed; lists every problem. */
export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment: ${problems.join('; ')}`);
    this.name = 'EnvError';
  }
}

/**
 * Returns the values of `names` from `process.env`, all of them non-empty.
 * Throws an EnvError naming every missing variable.
 */
export function readRequiredEnv<const Name extends string>(names: readonly Name[]): Record<Name, string> {
  const values = {} as Record<Name, string>;
  const missing: string[] = [];
  for (const name of names) {
    const value = process.env[name]?.trim();
    if (value) values[name] = value;
    else missing.push(`${name} is not set`);
  }
  if (missing.length > 0) throw new EnvError(missing);
  return values;
}

/** Returns `process.env[name]`, or `fallback` when it is unset or blank. */
export function readOptionalEnv(name: string, fallback: string): string;
export function readOptionalEnv(name: string): string | undefined;
export function readOptionalEnv(name: string, fallback?: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : fallback;
}

/**
 * Returns the TCP port in `process.env[name]` (0-65535; 0 lets the OS choose),
 * or undefined when unset and not `required`. Throws an EnvError when malformed or required and missing.
 */
export function readPortEnv(name: string, options: { required: boolean }): number | undefined {
  const raw = process.env[name]?.trim();
  if (!raw) {
    if (options.required) throw new EnvError([`${name} is not set`]);
    return undefined;
  }
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new EnvError([`${name} must be a TCP port (0-65535), got ${JSON.stringify(raw)}`]);
  }
  return port;
}

/** Returns `url` without a trailing slash so paths can be appended with a leading one. */
export function trimBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
