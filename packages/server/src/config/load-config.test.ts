import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envNameOf, resolveConfig } from './load-config.js';

describe('resolveConfig', () => {
  it('gives the documented defaults', () => {
    const result = resolveConfig({ flags: {}, env: {} });
    expect(result).toMatchObject({
      ok: true,
      config: { dataDir: './pharos-data', host: '127.0.0.1', httpPort: 4400, otlpHttpPort: 4318, otlpGrpcPort: 4317, retention: 7 * 86_400_000 },
    });
  });

  it('lets flags win over the environment, which wins over the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pharos-config-'));
    const file = path.join(dir, 'pharos.yaml');
    writeFileSync(file, 'http-port: 1000\notlpHttpPort: 1001\nretention: 2d\n');
    const result = resolveConfig({ flags: { httpPort: '3000' }, env: { PHAROS_HTTP_PORT: '2000', PHAROS_OTLP_HTTP_PORT: '2001' }, configFile: file });
    expect(result).toMatchObject({ ok: true, config: { httpPort: 3000, otlpHttpPort: 2001, retention: 2 * 86_400_000 } });
  });

  it('lists every problem with where it came from', () => {
    const result = resolveConfig({ flags: { httpPort: 'abc', retention: 'forever' }, env: { PHAROS_OTLP_GRPC_PORT: '70000' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(3);
    expect(result.problems.join('\n')).toMatch(/httpPort.*flag --http-port/);
    expect(result.problems.join('\n')).toMatch(/retention must be a duration.*flag --retention/);
    expect(result.problems.join('\n')).toMatch(/otlpGrpcPort.*environment PHAROS_OTLP_GRPC_PORT/);
  });

  it('refuses unknown keys and clashing ports', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pharos-config-'));
    const file = path.join(dir, 'pharos.json');
    writeFileSync(file, JSON.stringify({ httpPort: 5000, otlpHttpPort: 5000, colour: 'blue' }));
    const unknown = resolveConfig({ flags: {}, env: {}, configFile: file });
    expect(unknown.ok).toBe(false);
    const clash = resolveConfig({ flags: { httpPort: '5000', otlpHttpPort: '5000' }, env: {} });
    expect(clash).toMatchObject({ ok: false, problems: [expect.stringMatching(/already used/)] });
  });

  it('reads numeric settings with bounds from flags and the environment', () => {
    expect(resolveConfig({ flags: { maxBodyBytes: '16777216' }, env: { PHAROS_MAX_QUEUED_ITEMS: '1000' } })).toMatchObject({
      ok: true,
      config: { maxBodyBytes: 16_777_216, maxQueuedItems: 1000 },
    });
  });

  it('names each unknown key and where it came from', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pharos-config-'));
    const file = path.join(dir, 'pharos.yaml');
    writeFileSync(file, 'colour: blue\n');
    expect(resolveConfig({ flags: {}, env: {}, configFile: file })).toEqual({ ok: false, problems: ['colour: unknown setting (from config file pharos.yaml)'] });
  });

  it('names environment variables after the keys', () => {
    expect(envNameOf('otlpGrpcPort')).toBe('PHAROS_OTLP_GRPC_PORT');
  });
});
