import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDuckDbStore } from '../../packages/server/src/storage/index.js';
import { jsonTraceRequest } from '../helpers/otlp-json.js';
import { getJson, postOtlpJson, type StatusBody } from '../helpers/otlp-json-signals.js';
import { freePorts, isGroupAlive, killAllSpawned, portFlags, signalGroup, spawnProcess, waitForHealthy, withTimeout, type Ports, type SpawnedProcess } from '../helpers/pharos-process.js';
import { REPO_ROOT, tempDataDir } from '../helpers/server-process.js';

/** `npm start -- <flags>` from the repository root, as the README says to run Pharos. */
function npmStart(dataDir: string, ports: Ports): SpawnedProcess {
  return spawnProcess('npm', ['start', '--', '--data-dir', dataDir, ...portFlags(ports), '--log-level', 'info'], { cwd: REPO_ROOT });
}

describe('npm start', () => {
  const dirs: string[] = [];
  afterEach(killAllSpawned);
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('builds, serves on the given ports and data dir, ingests, and stops cleanly on Ctrl-C (SIGINT to the process group)', async () => {
    const dataDir = await tempDataDir('pharos-npm-start-');
    dirs.push(dataDir);
    const ports = await freePorts();
    const proc = npmStart(dataDir, ports);
    const apiUrl = `http://127.0.0.1:${ports.http}`;
    await waitForHealthy(proc, apiUrl, 45_000);

    const request = jsonTraceRequest('npm-start-svc', 3);
    const ingest = await postOtlpJson(`http://127.0.0.1:${ports.otlpHttp}`, 'traces', request.body);
    expect(ingest.status).toBe(200);
    expect(ingest.json).toEqual({});

    const status = await getJson<StatusBody>(apiUrl, '/pharos/v1/status');
    expect(status.status).toBe(200);
    expect(status.body.stats).toMatchObject({ spanCount: 3, logCount: 0, pointCount: 0 });
    expect(status.body.stats.partitions).toEqual([{ signal: 'spans', day: new Date().toISOString().slice(0, 10), rowCount: 3 }]);
    expect(status.body.stats.diskBytes).toBeGreaterThan(0);

    // Ctrl-C in a terminal: the whole foreground process group (npm, sh, node) gets SIGINT.
    const startedStopping = Date.now();
    signalGroup(proc, 'SIGINT');
    const result = await withTimeout(proc.closed, 10_000, `npm start did not stop after SIGINT:\n${proc.output()}`);
    expect(Date.now() - startedStopping).toBeLessThan(10_000);
    // The server itself exits 0 after logging "stopped"; npm (through sh) reports the
    // interrupt the conventional way, by ending with SIGINT (status 130 in a shell).
    expect(result.code === 0 || result.signal === 'SIGINT', JSON.stringify(result)).toBe(true);
    expect(proc.output()).toMatch(/"msg":"stopped"/);
    expect(proc.output()).not.toMatch(/second signal|shutdown failed/);
    expect(isGroupAlive(proc)).toBe(false);

    expect(existsSync(path.join(dataDir, 'pharos.duckdb'))).toBe(true);
    const store = await openDuckDbStore({ dataDir });
    try {
      expect((await store.getTraces([request.traceId], { timeoutMs: 10_000 })).get(request.traceId)).toHaveLength(3);
    } finally {
      await store.close();
    }
  });

  it('stops the server when only the npm process is sent SIGTERM (process managers, `docker stop`, `kill <pid>`)', async () => {
    const dataDir = await tempDataDir('pharos-npm-sigterm-');
    dirs.push(dataDir);
    const ports = await freePorts();
    const proc = npmStart(dataDir, ports);
    const apiUrl = `http://127.0.0.1:${ports.http}`;
    await waitForHealthy(proc, apiUrl, 45_000);
    const request = jsonTraceRequest('npm-sigterm-svc', 2);
    expect((await postOtlpJson(`http://127.0.0.1:${ports.otlpHttp}`, 'traces', request.body)).status).toBe(200);

    process.kill(proc.pid, 'SIGTERM');
    // Everything npm started must be gone: no orphaned server still holding the ports and the DuckDB lock.
    await withTimeout(proc.closed, 10_000, `the pharos server outlived npm after SIGTERM to npm (orphaned, still holding its ports and ${dataDir}):\n${proc.output()}`);
    expect(proc.output()).toMatch(/"signal":"SIGTERM".*shutting down/);
    expect(proc.output()).toMatch(/"msg":"stopped"/);
    const healthy = await fetch(`${apiUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    expect(healthy).toBe(false);
  });
});
