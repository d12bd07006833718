import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetryBatch } from '@pharos/core';
import { WriteAheadLog, WriteQueue } from '../../../ingest/index.js';
import { SelfMetrics } from '../../../observe/self-metrics.js';
import { openDuckDbStore, type DuckDbStore, type TelemetryStore } from '../../../storage/index.js';
import { OtlpExportHandler, decodeExportRecord } from '../export-handler.js';
import { buildOtlpHttpApp } from './otlp-http-app.js';

const MAX_BODY = 1024 * 1024;

function traceJson(traceId: string, spanId: string, startNs: bigint = BigInt(Date.now()) * 1_000_000n) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'http-test' } }] },
        scopeSpans: [{ spans: [{ traceId, spanId, name: 'op', kind: 2, startTimeUnixNano: String(startNs), endTimeUnixNano: String(startNs + 1000n) }] }],
      },
    ],
  };
}

/** A real DuckDB store whose writes can be held back, to fill the queue on purpose. */
class GatedStore {
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;
  constructor(readonly inner: DuckDbStore) {}
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open();
  }
  async append(batch: TelemetryBatch, options?: { ingestPosition?: bigint }): Promise<void> {
    await this.gate;
    return this.inner.append(batch, options);
  }
  readIngestPosition(): Promise<bigint> {
    return this.inner.readIngestPosition();
  }
}

describe('OTLP/HTTP receiver', () => {
  let dataDir: string;
  let store: DuckDbStore;
  let gated: GatedStore;
  let app: FastifyInstance;
  let queue: WriteQueue;
  let wal: WriteAheadLog;
  const post = (url: string, body: string | Buffer, headers: Record<string, string>) => app.inject({ method: 'POST', url, payload: body, headers });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-otlp-http-'));
    store = await openDuckDbStore({ dataDir });
    gated = new GatedStore(store);
    const metrics = new SelfMetrics();
    wal = await WriteAheadLog.open(path.join(dataDir, 'wal'));
    queue = new WriteQueue({ store: gated as unknown as TelemetryStore, wal, metrics, maxQueuedItems: 3, decodeRecord: (r) => decodeExportRecord(r, 86_400_000) });
    const handler = new OtlpExportHandler({ queue, metrics, retentionMs: 7 * 86_400_000 });
    app = buildOtlpHttpApp({ handler, metrics, maxBodyBytes: MAX_BODY, logger: pino({ level: 'silent' }) });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await queue.drain();
    await wal.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers an empty request with 200', async () => {
    const proto = await post('/v1/traces', Buffer.alloc(0), { 'content-type': 'application/x-protobuf' });
    expect(proto.statusCode).toBe(200);
    expect(proto.headers['content-type']).toBe('application/x-protobuf');
    expect(proto.rawPayload.length).toBe(0);
    const json = await post('/v1/logs', '{}', { 'content-type': 'application/json' });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual({});
  });

  it('acknowledges a valid JSON request once it is in the write-ahead log, then stores it', async () => {
    const traceId = 'a'.repeat(32);
    const response = await post('/v1/traces', JSON.stringify(traceJson(traceId, 'b'.repeat(16))), { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({});
    expect(wal.syncedSequenceNumber).toBeGreaterThanOrEqual(1n);
    await queue.flush();
    expect((await store.getTraces([traceId], { timeoutMs: 5000 })).get(traceId)).toHaveLength(1);
  });

  it('stores text with lone UTF-16 surrogates (legal in JSON escapes) as U+FFFD', async () => {
    const traceId = '9'.repeat(32);
    const body = traceJson(traceId, '8'.repeat(16));
    const span = body.resourceSpans[0].scopeSpans[0].spans[0] as Record<string, unknown>;
    span.name = 'op\ud800';
    span.attributes = [{ key: 'k\udc00', value: { stringValue: 'v\ud800' } }];
    const response = await post('/v1/traces', JSON.stringify(body), { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(200);
    await queue.flush();
    const [stored] = (await store.getTraces([traceId], { timeoutMs: 5000 })).get(traceId) ?? [];
    expect(stored.name).toBe('op\ufffd');
    expect(stored.attributes).toEqual({ 'k\ufffd': 'v\ufffd' });
  });

  it('accepts gzip bodies', async () => {
    const traceId = 'c'.repeat(32);
    const response = await post('/v1/traces', gzipSync(JSON.stringify(traceJson(traceId, 'd'.repeat(16)))), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(200);
    await queue.flush();
    expect((await store.getTraces([traceId], { timeoutMs: 5000 })).size).toBe(1);
  });

  it('reports invalid items as partial success and keeps the rest', async () => {
    const body = traceJson('e'.repeat(32), 'f'.repeat(16));
    const spans = body.resourceSpans[0].scopeSpans[0].spans;
    spans.push({ ...spans[0], traceId: '0'.repeat(32) });
    spans.push({ ...spans[0], spanId: '1'.repeat(16), startTimeUnixNano: '1000', endTimeUnixNano: '2000' });
    const response = await post('/v1/traces', JSON.stringify(body), { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(200);
    const json = response.json();
    expect(json.partialSuccess.rejectedSpans).toBe('2');
    expect(json.partialSuccess.errorMessage).toMatch(/trace_id/);
    expect(json.partialSuccess.errorMessage).toMatch(/timestamp outside/);
    await queue.flush();
    expect((await store.getTraces(['e'.repeat(32)], { timeoutMs: 5000 })).get('e'.repeat(32))).toHaveLength(1);
  });

  it('answers a malformed protobuf body with 400 and a protobuf google.rpc.Status', async () => {
    const response = await post('/v1/traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), { 'content-type': 'application/x-protobuf' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/x-protobuf');
    const bytes = response.rawPayload;
    expect(bytes[0]).toBe(0x08); // field 1 (code), varint
    expect(bytes[1]).toBe(3); // INVALID_ARGUMENT
    expect(bytes.subarray(4).toString()).toMatch(/PHAROS_ERR_OTLP_MALFORMED/);
  });

  it('answers malformed JSON with 400 and a JSON Status', async () => {
    for (const body of ['{not json', '{"resourceSpans": 5}', '[]']) {
      const response = await post('/v1/traces', body, { 'content-type': 'application/json' });
      expect(response.statusCode, body).toBe(400);
      expect(response.json()).toMatchObject({ code: 3, message: expect.stringMatching(/PHAROS_ERR_OTLP_MALFORMED/) });
    }
  });

  it('answers unsupported content types with 415 and unknown encodings with 415', async () => {
    const type = await post('/v1/traces', 'hello', { 'content-type': 'text/plain' });
    expect(type.statusCode).toBe(415);
    expect(type.json().message).toMatch(/application\/x-protobuf or application\/json/);
    const encoding = await post('/v1/traces', '{}', { 'content-type': 'application/json', 'content-encoding': 'br' });
    expect(encoding.statusCode).toBe(415);
  });

  it('refuses a body over the limit with 413', async () => {
    const response = await post('/v1/traces', Buffer.alloc(MAX_BODY + 10, 0x20), { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(413);
  });

  it('refuses a gzip bomb with 413 without inflating it', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * MAX_BODY, 0x20));
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const before = process.memoryUsage().rss;
    const response = await post('/v1/traces', bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(413);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('answers a corrupt gzip body with 400', async () => {
    const response = await post('/v1/traces', Buffer.from('not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(400);
  });

  it('answers requests that arrive while it closes with 503, Retry-After and PHAROS_ERR_INGEST_SHUTTING_DOWN', async () => {
    const metrics = new SelfMetrics();
    const closingQueue = new WriteQueue({ store, wal, metrics, maxQueuedItems: 100, decodeRecord: (r) => decodeExportRecord(r, 86_400_000) });
    const closing = buildOtlpHttpApp({ handler: new OtlpExportHandler({ queue: closingQueue, metrics, retentionMs: 86_400_000 }), metrics, maxBodyBytes: MAX_BODY, logger: pino({ level: 'silent' }) });
    let answer: Awaited<ReturnType<FastifyInstance['inject']>> | undefined;
    closing.addHook('onClose', async () => {
      answer = await closing.inject({ method: 'POST', url: '/v1/traces', payload: '{}', headers: { 'content-type': 'application/json' } });
    });
    await closing.ready();
    await closing.close();
    expect(answer?.statusCode).toBe(503);
    expect(answer?.headers['retry-after']).toBe('1');
    expect(answer?.json()).toMatchObject({ code: 14, message: expect.stringMatching(/^PHAROS_ERR_INGEST_SHUTTING_DOWN/) });
  });

  it('answers 503 with Retry-After when more is accepted than storage has taken', async () => {
    gated.hold();
    const first = post('/v1/traces', JSON.stringify(traceJson('1'.repeat(32), '2'.repeat(16))), { 'content-type': 'application/json' });
    const second = post('/v1/traces', JSON.stringify(traceJson('3'.repeat(32), '4'.repeat(16))), { 'content-type': 'application/json' });
    await new Promise((r) => setTimeout(r, 50));
    const body = traceJson('5'.repeat(32), '6'.repeat(16));
    body.resourceSpans[0].scopeSpans[0].spans.push({ ...body.resourceSpans[0].scopeSpans[0].spans[0], spanId: '7'.repeat(16) });
    const refused = await post('/v1/traces', JSON.stringify(body), { 'content-type': 'application/json' });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toMatchObject({ code: 14 });
    // The first two are acknowledged as soon as they are in the log, storage being held or not.
    expect((await first).statusCode).toBe(200);
    expect((await second).statusCode).toBe(200);
    gated.release();
    await queue.flush();
    expect((await store.getTraces(['1'.repeat(32), '3'.repeat(32), '5'.repeat(32)], { timeoutMs: 5000 })).size).toBe(2);
  });
});
