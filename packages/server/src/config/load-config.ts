import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { configSchema, parseConfig, type PharosConfig } from '@pharos/core';

/** The config keys, as the schema names them (camelCase). */
export const CONFIG_KEYS = Object.keys(configSchema.shape) as Array<keyof PharosConfig>;

/** `otlpHttpPort` → `PHAROS_OTLP_HTTP_PORT`. */
export function envNameOf(key: string): string {
  return `PHAROS_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** `otlpHttpPort` → `otlp-http-port`. */
export function flagNameOf(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Keys whose written form is a number (their default is a number that parses as itself; durations are text). */
const NUMERIC_KEYS = new Set<string>(
  CONFIG_KEYS.filter((key) => {
    const schema = configSchema.shape[key];
    const fallback: unknown = schema.parse(undefined);
    return typeof fallback === 'number' && schema.safeParse(fallback).success;
  }),
);

/** Text from env or flags → the schema's type (numbers stay text when they are not numbers, so zod names the problem). */
function coerce(key: string, value: string): unknown {
  return NUMERIC_KEYS.has(key) && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
}

export interface ConfigSources {
  /** Flag values by config key (as commander gives them), already without undefined. */
  flags: Record<string, string | undefined>;
  env: NodeJS.ProcessEnv;
  /** Path of a YAML or JSON config file (`--config`, or PHAROS_CONFIG). */
  configFile?: string;
}

export type ConfigResult = { ok: true; config: PharosConfig } | { ok: false; problems: string[] };

/**
 * Resolves Pharos' configuration: defaults, then the config file, then PHAROS_*
 * environment variables, then flags (later wins). Returns every problem found, each
 * naming the key and where its value came from, rather than stopping at the first.
 */
export function resolveConfig(sources: ConfigSources): ConfigResult {
  const problems: string[] = [];
  const merged: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  const file = sources.configFile ?? sources.env.PHAROS_CONFIG;
  if (file !== undefined && file !== '') {
    try {
      const text = readFileSync(file, 'utf8');
      const parsed: unknown = /\.json$/i.test(file) ? JSON.parse(text) : YAML.parse(text);
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== 'object' || Array.isArray(parsed)) problems.push(`${file}: the config file must hold a mapping of keys to values`);
        else
          for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
            const camel = key.replace(/[-_]([a-z])/g, (_m, c: string) => c.toUpperCase());
            merged[camel] = value;
            origin[camel] = `config file ${path.basename(file)}`;
          }
      }
    } catch (error) {
      problems.push(`${file}: cannot read the config file: ${(error as Error).message}`);
    }
  }
  for (const key of CONFIG_KEYS) {
    const value = sources.env[envNameOf(key)];
    if (value !== undefined && value !== '') {
      merged[key] = coerce(key, value);
      origin[key] = `environment ${envNameOf(key)}`;
    }
  }
  for (const [key, value] of Object.entries(sources.flags)) {
    if (value !== undefined) {
      merged[key] = coerce(key, value);
      origin[key] = `flag --${flagNameOf(key)}`;
    }
  }
  const result = parseConfig(merged);
  if (!result.ok) {
    for (const problem of result.problems) {
      const key = problem.split(':')[0];
      problems.push(origin[key] === undefined ? problem : `${problem} (from ${origin[key]})`);
    }
  }
  if (result.ok && problems.length === 0) {
    const ports = (['httpPort', 'otlpHttpPort', 'otlpGrpcPort'] as const).filter((k) => result.config[k] !== 0);
    const seen = new Map<number, string>();
    for (const key of ports) {
      const other = seen.get(result.config[key]);
      if (other !== undefined) problems.push(`${key}: port ${result.config[key]} is already used by ${other}`);
      seen.set(result.config[key], key);
    }
    if (problems.length === 0) return result;
  }
  return { ok: false, problems };
}
