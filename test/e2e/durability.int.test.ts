import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { openDuckDbStore } from '../../packages/server/src/storage/index.js';
import { jsonTraceRequest } from '../helpers/otlp-json.js';
import { startServerProcess, tempDataDir, waitForExit } from '../helpers/server-process.js';

const SPANS_PER_REQUEST = 50;
const WORKERS = 8;

describe('durability: acknowledged data survives kill -9', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged span after kill -9 mid-load and a restart', async () => {
    const dataDir = await tempDataDir('pharos-kill9-');
    dirs.push(dataDir);
    const server = await startServerProcess(dataDir);
    const acknowledged: string[] = [];
    let sent = 0;
    let failedAfterKill = 0;
    let killed = false;

    const worker = async () => {
      while (!killed) {
        const request = jsonTraceRequest('durable', SPANS_PER_REQUEST);
        sent++;
        try {
          const response = await fetch(`${server.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request.body });
          if (response.status === 200) acknowledged.push(request.traceId);
          await response.arrayBuffer();
        } catch {
          failedAfterKill++;
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    // Kill at a moment that is not aligned with anything the server does.
    await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1000));
    server.child.kill('SIGKILL');
    killed = true;
    await Promise.all(workers);
    expect(await waitForExit(server.child)).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThan(20);

    // Restart on the same data: DuckDB replays its WAL.
    const restarted = await startServerProcess(dataDir);
    restarted.child.kill('SIGTERM');
    expect(await waitForExit(restarted.child)).toBe(0);

    const store = await openDuckDbStore({ dataDir });
    try {
      const missing: string[] = [];
      for (let i = 0; i < acknowledged.length; i += 200) {
        const chunk = acknowledged.slice(i, i + 200);
        const traces = await store.getTraces(chunk, { timeoutMs: 30_000 });
        for (const id of chunk) if (traces.get(id)?.length !== SPANS_PER_REQUEST) missing.push(id);
      }
      console.log(`kill -9: ${sent} requests sent, ${acknowledged.length} acknowledged, ${failedAfterKill} cut off, ${missing.length} acknowledged traces missing`);
      expect(missing).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('flushes and exits 0 on SIGTERM, keeping what was acknowledged', async () => {
    const dataDir = await tempDataDir('pharos-sigterm-');
    dirs.push(dataDir);
    const server = await startServerProcess(dataDir);
    const request = jsonTraceRequest('graceful', 10);
    const response = await fetch(`${server.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request.body });
    expect(response.status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await waitForExit(server.child)).toBe(0);
    const store = await openDuckDbStore({ dataDir });
    expect((await store.getTraces([request.traceId], { timeoutMs: 5000 })).get(request.traceId)).toHaveLength(10);
    await store.close();
  });
});
