import { z } from 'zod';
import { parseDurationMs } from './time.js';

const port = z.number().int().min(0).max(65535);
const duration = (what: string) =>
  z.string().transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `${what} must be a duration such as 30s, 12h or 7d, got "${text}"` });
      return z.NEVER;
    }
    return ms;
  });

/**
 * The one schema of Pharos' configuration, with every default. Config files,
 * PHAROS_* environment variables and flags are all merged into this shape
 * (flags win over the environment, which wins over the file).
 */
export const configSchema = z
  .object({
    dataDir: z.string().min(1).default('./pharos-data'),
    host: z.string().min(1).default('127.0.0.1'),
    httpPort: port.default(4400),
    otlpHttpPort: port.default(4318),
    otlpGrpcPort: port.default(4317),
    /** How long data is kept; whole day partitions older than this are dropped. */
    retention: duration('retention').default(7 * 86_400_000),
    /** Largest OTLP request body accepted, after decompression. */
    maxBodyBytes: z.number().int().min(1024).default(16 * 1024 * 1024),
    /** Items (spans + log records + points) waiting to be written before ingest answers 503. */
    maxQueuedItems: z.number().int().min(1).default(750_000),
    queryTimeout: duration('queryTimeout').default(30_000),
    /** The most rows any single query returns. */
    maxQueryLimit: z.number().int().min(1).default(10_000),
    logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .strict();

/** Configuration as written by a user (all optional, durations as text). */
export type ConfigInput = z.input<typeof configSchema>;
/** Configuration after validation and defaults (durations in milliseconds as `retention`, `queryTimeout`). */
export type PharosConfig = z.output<typeof configSchema>;

/** Validates `input`; returns the config or every problem found, one line each. */
export function parseConfig(input: unknown): { ok: true; config: PharosConfig } | { ok: false; problems: string[] } {
  const result = configSchema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  const problems = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${key}: unknown setting`);
    const path = issue.path.length > 0 ? issue.path.join('.') : '(config)';
    return [`${path}: ${issue.message}`];
  });
  return { ok: false, problems };
}
