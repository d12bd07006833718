import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { jsonTraceRequest } from '../helpers/otlp-json.js';
import { getJson, postOtlpJson, type StatusBody } from '../helpers/otlp-json-signals.js';
import {
  freePorts,
  killAllSpawned,
  portFlags,
  spawnPharos,
  startServer,
  stopProcess,
  stopServer,
  waitForHealthy,
  withTimeout,
  type Ports,
  type SpawnedProcess,
} from '../helpers/pharos-process.js';
import { tempDataDir } from '../helpers/server-process.js';

const HOUR_MS = 3_600_000;

/** Can a TCP connection be made to 127.0.0.1:port? */
async function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Holds a loopback port the way another program would. */
async function occupyPort(port: number): Promise<net.Server> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

/**
 * Checks that a server started by `proc` runs on exactly `ports` with `dataDir` and a
 * one-day retention: it answers there, ingests there, writes there, and refuses a span
 * 30 hours old (the default 7-day retention would keep it).
 */
async function expectServerConfiguredAs(proc: SpawnedProcess, ports: Ports, dataDir: string): Promise<void> {
  const apiUrl = `http://127.0.0.1:${ports.http}`;
  await waitForHealthy(proc, apiUrl);
  expect(await isListening(ports.otlpGrpc)).toBe(true);
  const fresh = jsonTraceRequest('config-svc', 1);
  const accepted = await postOtlpJson(`http://127.0.0.1:${ports.otlpHttp}`, 'traces', fresh.body);
  expect(accepted).toMatchObject({ status: 200, json: {} });
  const old = jsonTraceRequest('config-svc', 1, Date.now() - 30 * HOUR_MS);
  const refused = await postOtlpJson(`http://127.0.0.1:${ports.otlpHttp}`, 'traces', old.body);
  expect(refused.status).toBe(200);
  expect(refused.json).toMatchObject({ partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringMatching(/retention 24 h/) } });
  const status = await getJson<StatusBody>(apiUrl, '/pharos/v1/status');
  expect(status.body.stats.spanCount).toBe(1);
  expect(existsSync(path.join(dataDir, 'pharos.duckdb'))).toBe(true);
}

describe('pharos serve: configuration from flags, PHAROS_* variables and a config file', () => {
  const dirs: string[] = [];
  const holders: net.Server[] = [];
  afterEach(async () => {
    await killAllSpawned();
    for (const holder of holders.splice(0)) await new Promise((resolve) => holder.close(resolve));
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  const newDir = async (prefix: string): Promise<string> => {
    const dir = await tempDataDir(prefix);
    dirs.push(dir);
    return dir;
  };

  it('honours PHAROS_* environment variables (and serve is the default command)', async () => {
    const dataDir = path.join(await newDir('pharos-env-'), 'data');
    const ports = await freePorts();
    const proc = spawnPharos([], {
      env: {
        PHAROS_DATA_DIR: dataDir,
        PHAROS_HTTP_PORT: String(ports.http),
        PHAROS_OTLP_HTTP_PORT: String(ports.otlpHttp),
        PHAROS_OTLP_GRPC_PORT: String(ports.otlpGrpc),
        PHAROS_RETENTION: '1d',
        PHAROS_LOG_LEVEL: 'warn',
      },
    });
    await expectServerConfiguredAs(proc, ports, dataDir);
    expect(await stopProcess(proc)).toEqual({ code: 0, signal: null });
  });

  it('reads a YAML file given with --config (camelCase and kebab-case keys)', async () => {
    const dir = await newDir('pharos-yaml-');
    const dataDir = path.join(dir, 'yaml-data');
    const ports = await freePorts();
    const file = path.join(dir, 'pharos.yaml');
    await writeFile(
      file,
      ['# Pharos test config', `dataDir: ${dataDir}`, `http-port: ${ports.http}`, `otlpHttpPort: ${ports.otlpHttp}`, `otlp_grpc_port: ${ports.otlpGrpc}`, 'retention: 1d', 'logLevel: warn', ''].join('\n'),
    );
    const proc = spawnPharos(['serve', '--config', file]);
    await expectServerConfiguredAs(proc, ports, dataDir);
    expect(await stopProcess(proc)).toEqual({ code: 0, signal: null });
  });

  it('reads a JSON file named by PHAROS_CONFIG', async () => {
    const dir = await newDir('pharos-json-');
    const dataDir = path.join(dir, 'json-data');
    const ports = await freePorts();
    const file = path.join(dir, 'pharos.json');
    await writeFile(file, JSON.stringify({ dataDir, httpPort: ports.http, otlpHttpPort: ports.otlpHttp, otlpGrpcPort: ports.otlpGrpc, retention: '24h', logLevel: 'warn' }));
    const proc = spawnPharos(['serve'], { env: { PHAROS_CONFIG: file } });
    await expectServerConfiguredAs(proc, ports, dataDir);
    expect(await stopProcess(proc)).toEqual({ code: 0, signal: null });
  });

  it('lets flags win over the environment, and the environment over the file', async () => {
    const dir = await newDir('pharos-precedence-');
    const [fileOnly, envOnly, flagPorts] = [await freePorts(), await freePorts(), await freePorts()];
    const fileDataDir = path.join(dir, 'from-file');
    const envDataDir = path.join(dir, 'from-env');
    const flagDataDir = path.join(dir, 'from-flag');
    const file = path.join(dir, 'pharos.yaml');
    // httpPort: file < env < flag; otlpHttpPort: file < env; otlpGrpcPort and retention: file only.
    await writeFile(file, [`dataDir: ${fileDataDir}`, `httpPort: ${fileOnly.http}`, `otlpHttpPort: ${fileOnly.otlpHttp}`, `otlpGrpcPort: ${fileOnly.otlpGrpc}`, 'retention: 1d', 'logLevel: warn', ''].join('\n'));
    const proc = spawnPharos(['serve', '--config', file, '--http-port', String(flagPorts.http), '--data-dir', flagDataDir], {
      env: { PHAROS_HTTP_PORT: String(envOnly.http), PHAROS_OTLP_HTTP_PORT: String(envOnly.otlpHttp), PHAROS_DATA_DIR: envDataDir },
    });
    const effective: Ports = { http: flagPorts.http, otlpHttp: envOnly.otlpHttp, otlpGrpc: fileOnly.otlpGrpc };
    await expectServerConfiguredAs(proc, effective, flagDataDir);
    expect(await isListening(fileOnly.http)).toBe(false);
    expect(await isListening(envOnly.http)).toBe(false);
    expect(await isListening(fileOnly.otlpHttp)).toBe(false);
    expect(existsSync(envDataDir)).toBe(false);
    expect(existsSync(fileDataDir)).toBe(false);
  });

  it('binds every port to --host, and reports the ports it picked for port 0', async () => {
    const dataDir = await newDir('pharos-host-');
    // 127.0.0.2 is loopback on Linux but not the default 127.0.0.1.
    const proc = spawnPharos(['serve', '--data-dir', dataDir, '--host', '127.0.0.2', '--http-port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--log-level', 'info']);
    const deadline = Date.now() + 30_000;
    let up: { api: string; otlpHttp: string; otlpGrpc: string } | undefined;
    while (up === undefined) {
      const line = proc
        .stdout()
        .split('\n')
        .find((l) => l.includes('Pharos is up'));
      if (line !== undefined) up = JSON.parse(line) as { api: string; otlpHttp: string; otlpGrpc: string };
      else if (Date.now() > deadline) throw new Error(`no start-up line:\n${proc.output()}`);
      else await new Promise((r) => setTimeout(r, 100));
    }
    const port = (address: string) => Number(/:(\d+)$/.exec(address)?.[1]);
    const ports = { http: port(up.api), otlpHttp: port(up.otlpHttp), otlpGrpc: port(up.otlpGrpc) };
    expect(up).toMatchObject({ api: `http://127.0.0.2:${ports.http}`, otlpHttp: `http://127.0.0.2:${ports.otlpHttp}`, otlpGrpc: `127.0.0.2:${ports.otlpGrpc}` });
    for (const p of Object.values(ports)) expect(p).toBeGreaterThan(0);
    expect((await fetch(`${up.api}/healthz`)).status).toBe(200);
    const trace = jsonTraceRequest('host-svc', 1);
    expect((await postOtlpJson(up.otlpHttp, 'traces', trace.body)).status).toBe(200);
    expect(await isListening(ports.otlpGrpc)).toBe(false); // nothing on 127.0.0.1
    expect(await isListening(ports.http)).toBe(false);
    expect(await stopProcess(proc)).toEqual({ code: 0, signal: null });
  });

  it('passes numeric settings from the config file through to the server (maxQueryLimit clamps limits)', async () => {
    const dir = await newDir('pharos-numeric-');
    const ports = await freePorts();
    const file = path.join(dir, 'pharos.yaml');
    await writeFile(file, ['maxQueryLimit: 1', 'queryTimeout: 10s', 'maxQueuedItems: 1000', ''].join('\n'));
    const proc = spawnPharos(['serve', '--config', file, '--data-dir', path.join(dir, 'data'), ...portFlags(ports), '--log-level', 'warn']);
    const apiUrl = `http://127.0.0.1:${ports.http}`;
    await waitForHealthy(proc, apiUrl);
    for (let i = 0; i < 2; i++) expect((await postOtlpJson(`http://127.0.0.1:${ports.otlpHttp}`, 'traces', jsonTraceRequest('numeric-svc', 1).body)).status).toBe(200);
    // A larger limit is clamped to maxQueryLimit, not refused.
    const search = await getJson<{ traces: unknown[] }>(apiUrl, '/pharos/v1/traces?service=numeric-svc&limit=50');
    expect(search.status).toBe(200);
    expect(search.body.traces).toHaveLength(1);
    expect(await stopProcess(proc)).toEqual({ code: 0, signal: null });
  });

  it.each([
    // README: `--max-body-bytes` | `PHAROS_MAX_BODY_BYTES` | default 16777216.
    ['the flag --max-body-bytes', ['--max-body-bytes', '2048'], {}],
    ['PHAROS_MAX_BODY_BYTES', [], { PHAROS_MAX_BODY_BYTES: '2048' }],
  ])('accepts the body limit from %s and answers 413 above it', async (_source, flags, env) => {
    const dataDir = await newDir('pharos-body-limit-');
    const ports = await freePorts();
    const proc = spawnPharos(['serve', '--data-dir', dataDir, ...portFlags(ports), '--log-level', 'warn', ...flags], { env });
    await waitForHealthy(proc, `http://127.0.0.1:${ports.http}`);
    const otlpHttpUrl = `http://127.0.0.1:${ports.otlpHttp}`;
    expect((await postOtlpJson(otlpHttpUrl, 'traces', jsonTraceRequest('body-limit', 1).body)).status).toBe(200);
    const large = jsonTraceRequest('body-limit', 30);
    expect(large.body.length).toBeGreaterThan(2048);
    const tooLarge = await postOtlpJson(otlpHttpUrl, 'traces', large.body);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json).toMatchObject({ message: expect.stringMatching(/^PHAROS_ERR_OTLP_TOO_LARGE/) });
    expect(await stopProcess(proc)).toEqual({ code: 0, signal: null });
  });

  it('refuses an invalid configuration with exit code 2, listing every problem with its key and source', async () => {
    const dataDir = path.join(await newDir('pharos-invalid-'), 'never-created');
    const proc = spawnPharos(['serve', '--data-dir', dataDir, '--http-port', 'abc', '--retention', 'forever'], { env: { PHAROS_OTLP_GRPC_PORT: '70000' } });
    const result = await withTimeout(proc.closed, 15_000, 'pharos with an invalid config did not exit');
    expect(result).toEqual({ code: 2, signal: null });
    const stderr = proc.stderr();
    expect(stderr).toMatch(/invalid configuration/);
    const problems = stderr.split('\n').filter((line) => line.startsWith('  - '));
    expect(problems, stderr).toHaveLength(3);
    expect(problems.find((p) => p.includes('httpPort'))).toMatch(/flag --http-port/);
    expect(problems.find((p) => p.includes('retention'))).toMatch(/forever.*flag --retention/);
    expect(problems.find((p) => p.includes('otlpGrpcPort'))).toMatch(/65535.*environment PHAROS_OTLP_GRPC_PORT/);
    expect(proc.stdout()).toBe('');
    // Nothing was started or created.
    expect(existsSync(dataDir)).toBe(false);
  });

  it('names the config file as the source of every problem found in it, unknown keys included', async () => {
    const dir = await newDir('pharos-bad-file-');
    const file = path.join(dir, 'broken.yaml');
    await writeFile(file, ['retention: forever', 'httpPort: 99999', 'colour: blue', ''].join('\n'));
    const proc = spawnPharos(['serve', '--config', file, '--data-dir', path.join(dir, 'data')]);
    const result = await withTimeout(proc.closed, 15_000, 'pharos with an invalid config file did not exit');
    expect(result).toEqual({ code: 2, signal: null });
    const problems = proc
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('  - '));
    expect(problems, proc.stderr()).toHaveLength(3);
    expect(problems.find((p) => p.includes('retention'))).toMatch(/config file broken\.yaml/);
    expect(problems.find((p) => p.includes('httpPort'))).toMatch(/config file broken\.yaml/);
    const unknown = problems.find((p) => p.includes('colour'));
    expect(unknown).toBeDefined();
    expect(unknown).toMatch(/config file broken\.yaml/);
  });

  it('fails to start, with a clear error and a non-zero exit, when the API port is taken by another process', async () => {
    const dataDir = await newDir('pharos-port-taken-');
    const ports = await freePorts();
    holders.push(await occupyPort(ports.http));
    const proc = spawnPharos(['serve', '--data-dir', dataDir, ...portFlags(ports), '--log-level', 'warn']);
    const result = await withTimeout(proc.closed, 20_000, `pharos kept running although port ${ports.http} is taken:\n${proc.output()}`);
    expect(result.code, proc.output()).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(proc.output()).toMatch(/could not start/);
    expect(proc.output()).toMatch(new RegExp(`(EADDRINUSE|address already in use)[^\\n]*127\\.0\\.0\\.1:${ports.http}`));
    // It released what it had opened: another server can use the same data directory at once.
    const next = await startServer(dataDir, ['--log-level', 'warn']);
    expect(await stopServer(next)).toEqual({ code: 0, signal: null });
  });

  it('fails to start, with a non-zero exit, when the OTLP/gRPC port (the last one bound) is taken', async () => {
    const dataDir = await newDir('pharos-grpc-taken-');
    const ports = await freePorts();
    holders.push(await occupyPort(ports.otlpGrpc));
    const proc = spawnPharos(['serve', '--data-dir', dataDir, ...portFlags(ports), '--log-level', 'warn']);
    const result = await withTimeout(proc.closed, 20_000, `pharos kept running although port ${ports.otlpGrpc} is taken:\n${proc.output()}`);
    expect(result.code, proc.output()).not.toBe(0);
    expect(proc.output()).toMatch(/could not start/);
    expect(proc.output()).toMatch(new RegExp(`(EADDRINUSE|address already in use)[^\\n]*127\\.0\\.0\\.1:${ports.otlpGrpc}`));
    // The ports it had bound before failing are free again.
    expect(await isListening(ports.http)).toBe(false);
    expect(await isListening(ports.otlpHttp)).toBe(false);
  });

  it('refuses a second server on the same data directory and leaves the first one running', async () => {
    const dataDir = await newDir('pharos-second-');
    const first = await startServer(dataDir, ['--log-level', 'warn']);
    const secondPorts = await freePorts();
    const second = spawnPharos(['serve', '--data-dir', dataDir, ...portFlags(secondPorts), '--log-level', 'warn']);
    const result = await withTimeout(second.closed, 20_000, `a second server on ${dataDir} kept running:\n${second.output()}`);
    expect(result.code, second.output()).not.toBe(0);
    expect(second.output()).toMatch(/PHAROS_ERR_STORAGE_OPEN/);
    expect(second.output()).toContain(path.join(dataDir, 'pharos.duckdb'));
    expect(second.output()).toMatch(/another Pharos server using this data directory|lock/i);
    expect(await isListening(secondPorts.http)).toBe(false);

    const request = jsonTraceRequest('still-first', 2);
    expect((await postOtlpJson(first.otlpHttpUrl, 'traces', request.body)).status).toBe(200);
    expect((await getJson<StatusBody>(first.apiUrl, '/pharos/v1/status')).body.stats.spanCount).toBe(2);
    expect(await stopServer(first)).toEqual({ code: 0, signal: null });
  });
});
