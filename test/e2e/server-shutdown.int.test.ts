import { rm } from 'node:fs/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDuckDbStore } from '../../packages/server/src/storage/index.js';
import { jsonTraceRequest } from '../helpers/otlp-json.js';
import { killAllSpawned, signalGroup, startServer, withTimeout, type ExitResult } from '../helpers/pharos-process.js';
import { tempDataDir } from '../helpers/server-process.js';

const SPANS_PER_REQUEST = 200;
const WORKERS = 8;

describe('graceful shutdown', () => {
  const dirs: string[] = [];
  /** What the OTLP/HTTP receiver answered with 503 while the load test's server was stopping: `retry-after body`. */
  afterEach(killAllSpawned);
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('on SIGTERM under load: exits 0, answers late requests 503 (never 500), and keeps every span it answered 200 for', async () => {
    const dataDir = await tempDataDir('pharos-shutdown-');
    dirs.push(dataDir);
    const server = await startServer(dataDir, ['--log-level', 'warn']);
    let exitResult: ExitResult | undefined;
    void server.proc.closed.then((r) => (exitResult = r));

    const acknowledged: string[] = [];
    let acknowledgedAfterSignal = 0;
    let signalSentAt = Number.POSITIVE_INFINITY;
    let cutOff = 0;
    const refusals: string[] = [];
    const unexpected: string[] = [];

    const worker = async (): Promise<void> => {
      while (exitResult === undefined) {
        const request = jsonTraceRequest('shutdown-svc', SPANS_PER_REQUEST);
        try {
          const response = await fetch(`${server.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request.body, signal: AbortSignal.timeout(20_000) });
          const text = await response.text();
          if (response.status === 200) {
            acknowledged.push(request.traceId);
            if (Date.now() > signalSentAt) acknowledgedAfterSignal++;
          } else if (response.status === 503) {
            refusals.push(`${response.headers.get('retry-after') ?? '-'} ${text}`);
          } else {
            unexpected.push(`${response.status} ${text}`);
          }
        } catch {
          // The server stopped listening or closed the connection: this request was not acknowledged.
          cutOff++;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    await new Promise((r) => setTimeout(r, 1500 + Math.random() * 500));
    expect(acknowledged.length, 'the load did not get going').toBeGreaterThan(0);
    signalSentAt = Date.now();
    signalGroup(server.proc, 'SIGTERM');
    const result = await withTimeout(server.proc.closed, 30_000, `pharos did not stop after SIGTERM:\n${server.proc.output()}`);
    await Promise.all(workers);

    console.log(
      `SIGTERM under load: ${acknowledged.length} requests acknowledged (${acknowledgedAfterSignal} answered after the signal), ${refusals.length} refused with 503, ${cutOff} cut off; refusals: ${[...new Set(refusals)].slice(0, 3).join(' | ')}`,
    );
    expect(result, server.proc.output()).toEqual({ code: 0, signal: null });
    expect(unexpected).toEqual([]);
    // Requests that arrive while stopping get the documented answer: 503, Retry-After, a Status naming the reason.
    for (const refusal of refusals) expect(refusal).toMatch(/^1 \{"code":14,"message":"PHAROS_ERR_INGEST_SHUTTING_DOWN/);
    // Requests that were being written when the signal came were answered, not dropped.
    expect(acknowledgedAfterSignal).toBeGreaterThan(0);

    const store = await openDuckDbStore({ dataDir });
    try {
      const missing: string[] = [];
      for (let i = 0; i < acknowledged.length; i += 200) {
        const chunk = acknowledged.slice(i, i + 200);
        const traces = await store.getTraces(chunk, { timeoutMs: 30_000 });
        for (const id of chunk) if (traces.get(id)?.length !== SPANS_PER_REQUEST) missing.push(id);
      }
      expect(missing).toEqual([]);
      const stats = await store.getStats({ timeoutMs: 10_000 });
      expect(stats.spanCount).toBeGreaterThanOrEqual(acknowledged.length * SPANS_PER_REQUEST);
    } finally {
      await store.close();
    }
  });

  it('a second SIGTERM a second or more after the first exits at once with a non-zero code', async () => {
    const dataDir = await tempDataDir('pharos-double-signal-');
    dirs.push(dataDir);
    const server = await startServer(dataDir, ['--log-level', 'info']);
    // Keep the write path busy so that the first stop() takes a moment.
    const sending = Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 20; i++) {
        await fetch(`${server.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: jsonTraceRequest('double', 500).body }).then(
          (r) => r.arrayBuffer(),
          () => undefined,
        );
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    signalGroup(server.proc, 'SIGTERM');
    // A repeat within a second is taken as the same request (Ctrl-C under npm arrives twice).
    await new Promise((r) => setTimeout(r, 1100));
    signalGroup(server.proc, 'SIGTERM');
    const result = await withTimeout(server.proc.closed, 20_000, `pharos did not exit:\n${server.proc.output()}`);
    await Promise.all(sending);
    console.log(`double SIGTERM: ${JSON.stringify(result)}, ${/second signal/.test(server.proc.output()) ? 'exited on the second signal' : 'stopped before the second signal'}`);
    if (/"msg":"stopped"/.test(server.proc.output())) {
      // The first stop() finished before the second signal was handled: a clean exit.
      expect(result).toEqual({ code: 0, signal: null });
    } else {
      expect(server.proc.output()).toMatch(/second signal/);
      expect(result).toEqual({ code: 1, signal: null });
    }
  });
});
