import { randomBytes } from 'node:crypto';
import { DiagLogLevel, ROOT_CONTEXT, TraceFlags, diag, trace, type HrTime, type SpanContext } from '@opentelemetry/api';
import { SeverityNumber, type LogRecord as ApiLogRecord } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecordJson } from '../../packages/server/src/query/index.js';
import { fetchJson, queryString, startInProcessPharos, type InProcessPharos } from '../helpers/in-process-pharos.js';
import {
  OTLP_PROTOCOLS,
  createLogExporter,
  expectedOtlpJsonAttributes,
  expectedOtlpJsonValue,
  hrTimeToNanoString,
  hrTimeToUnixNano,
  protocolSlug,
  sortByKey,
  sortNested,
  type OtlpJsonAnyValue,
  type OtlpJsonKeyValue,
  type OtlpProtocol,
  type SdkAnyValue,
} from '../helpers/otel-sdk-exporters.js';

/*
 * Requirement 9, logs: the OpenTelemetry JS SDK emits log records with bodies of every
 * AnyValue type, attributes of every type, severities, trace context and explicit times,
 * through each of its three OTLP exporters; the native API must return them field by field.
 */

const SCOPE_NAME = 'otel-sdk-e2e-logger';
const SCOPE_VERSION = '3.1.0';
const SCOPE_SCHEMA_URL = 'https://opentelemetry.io/schemas/1.26.0';
const RESOURCE_SCHEMA_URL = 'https://opentelemetry.io/schemas/1.25.0';
const SCOPE_ATTRIBUTES = { 'scope.team': 'payments', 'scope.tier': 2 };

let pharos: InProcessPharos;

beforeAll(async () => {
  pharos = await startInProcessPharos();
});

afterAll(async () => {
  await pharos?.stop();
});

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function hrTimeOfMs(ms: number, extraNanos: number): HrTime {
  return [Math.floor(ms / 1000), (ms % 1000) * 1_000_000 + extraNanos];
}

const ATTRIBUTES_OF_EVERY_TYPE = {
  'attr.string': 'checkout',
  'attr.int': 42,
  'attr.negative_int': -7,
  'attr.double': 0.125,
  'attr.bool': true,
  'attr.strings': ['a', 'b'],
  'attr.ints': [1, 2, 3],
  'attr.doubles': [0.5, 1.5],
  'attr.bools': [false, true],
  'attr.bytes': new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
  'attr.map': { nested: 'yes', depth: 2, inner: { leaf: 1.25 } },
};

const BYTES_BODY = new Uint8Array([0, 1, 2, 0xfe, 0xff]);

interface PlannedRecord {
  /** The record's `e2e.seq` attribute, to find it again. */
  seq: number;
  record: ApiLogRecord;
}

interface SentLogs {
  service: string;
  /** The trace of the records emitted inside a span (sampled). */
  sampled: SpanContext;
  unsampled: SpanContext;
  oldTime: HrTime;
  oldObserved: HrTime;
  /** Records as the SDK exported them, by seq. */
  records: Map<number, ReadableLogRecord>;
}

function plannedRecords(sampled: SpanContext, unsampled: SpanContext, oldTime: HrTime, oldObserved: HrTime): PlannedRecord[] {
  const inSpan = (ctx: SpanContext) => trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(ctx));
  const records: Array<Omit<ApiLogRecord, 'attributes'> & { attributes?: Record<string, SdkAnyValue> }> = [
    { body: 'Order 42 placed by Alice', severityNumber: SeverityNumber.INFO, severityText: 'INFO', attributes: ATTRIBUTES_OF_EVERY_TYPE },
    { body: 42, severityNumber: SeverityNumber.DEBUG, severityText: 'DEBUG' },
    { body: 3.75, severityNumber: SeverityNumber.DEBUG2, severityText: 'DEBUG2' },
    { body: -12, severityNumber: SeverityNumber.TRACE, severityText: 'TRACE' },
    { body: true, severityNumber: SeverityNumber.INFO2 },
    { body: BYTES_BODY, severityNumber: SeverityNumber.INFO, severityText: 'INFO' },
    { body: ['first', 2, 2.5, false, null], severityNumber: SeverityNumber.INFO, severityText: 'INFO' },
    { body: { user: 'alice', cart: { items: 3, total: 19.99, paid: false }, tags: ['x', 'y'] }, severityNumber: SeverityNumber.WARN, severityText: 'WARN' },
    // Emitted in the context of a sampled span: carries its trace id, span id and flags.
    { body: 'Payment failed: card DECLINED', severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', context: inSpan(sampled), attributes: { 'card.type': 'visa' } },
    // An unsampled span context: trace flags 0.
    { body: 'retrying payment (unsampled)', severityNumber: SeverityNumber.WARN2, severityText: 'WARN2', context: inSpan(unsampled) },
    // Explicit event time and observed time, with nanosecond precision, 2 hours ago.
    { body: 'replayed from the outbox', severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: oldTime, observedTimestamp: oldObserved },
    { eventName: 'user.login', body: 'login ok', severityNumber: SeverityNumber.INFO, severityText: 'INFO', attributes: { 'user.id': 'u-1' } },
    { severityNumber: SeverityNumber.FATAL, severityText: 'FATAL', exception: new Error('disk full') },
    { body: 'ÄRGER: Größe überschritten, ½ voll — "quoted" \\ back', severityNumber: SeverityNumber.ERROR2, severityText: 'ERROR2' },
  ];
  return records.map((record, i) => ({ seq: i + 1, record: { ...record, attributes: { ...record.attributes, 'e2e.seq': i + 1 } } }));
}

async function sendLogs(protocol: OtlpProtocol): Promise<SentLogs> {
  const service = `otel-sdk-logs-${protocolSlug(protocol)}`;
  const exporter = createLogExporter(protocol, pharos);
  const resource = resourceFromAttributes(
    { 'service.name': service, 'service.namespace': 'shop', 'host.cores': 4, 'host.load': 0.5, 'deployment.canary': false },
    { schemaUrl: RESOURCE_SCHEMA_URL },
  );
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger(SCOPE_NAME, SCOPE_VERSION, { schemaUrl: SCOPE_SCHEMA_URL, attributes: SCOPE_ATTRIBUTES });
  const sampled: SpanContext = { traceId: randomHex(16), spanId: randomHex(8), traceFlags: TraceFlags.SAMPLED };
  const unsampled: SpanContext = { traceId: randomHex(16), spanId: randomHex(8), traceFlags: TraceFlags.NONE };
  const oldMs = Date.now() - 2 * 3_600_000;
  const oldTime = hrTimeOfMs(oldMs, 123_456);
  const oldObserved = hrTimeOfMs(oldMs + 1500, 987_654);
  for (const planned of plannedRecords(sampled, unsampled, oldTime, oldObserved)) logger.emit(planned.record);
  await provider.forceFlush();
  await provider.shutdown();
  exporter.log.assertAllSucceeded(`${protocol} log export`);
  const records = new Map<number, ReadableLogRecord>();
  for (const record of exporter.records()) records.set(Number(record.attributes['e2e.seq']), record);
  expect(records.size).toBe(14);
  return { service, sampled, unsampled, oldTime, oldObserved, records };
}

/** What the native API should return for an SDK log record (attributes sorted by key). */
function expectedLogJson(record: ReadableLogRecord): LogRecordJson {
  const scope = record.instrumentationScope;
  return {
    serviceName: String(record.resource.attributes['service.name']),
    resource: {
      attributes: expectedOtlpJsonAttributes(record.resource.attributes as Record<string, SdkAnyValue>),
      droppedAttributesCount: 0,
      schemaUrl: record.resource.schemaUrl ?? '',
    },
    scope: {
      name: scope.name,
      version: scope.version ?? '',
      attributes: expectedOtlpJsonAttributes(scope.attributes as Record<string, SdkAnyValue> | undefined),
      droppedAttributesCount: scope.droppedAttributesCount ?? 0,
      schemaUrl: scope.schemaUrl ?? '',
    },
    timeUnixNano: hrTimeToNanoString(record.hrTime),
    observedTimeUnixNano: hrTimeToNanoString(record.hrTimeObserved),
    severityNumber: record.severityNumber ?? 0,
    severityText: record.severityText ?? '',
    body: sortNested(expectedOtlpJsonValue(record.body as SdkAnyValue)),
    attributes: expectedOtlpJsonAttributes(record.attributes as Record<string, SdkAnyValue>),
    droppedAttributesCount: record.droppedAttributesCount,
    flags: record.spanContext?.traceFlags ?? 0,
    traceId: record.spanContext?.traceId ?? '',
    spanId: record.spanContext?.spanId ?? '',
    eventName: record.eventName ?? '',
  };
}

/** A native log record with its attribute lists sorted by key, for comparison. */
function normalizeLog(log: LogRecordJson): LogRecordJson {
  return {
    ...log,
    resource: { ...log.resource, attributes: sortByKey(log.resource.attributes as OtlpJsonKeyValue[]) },
    scope: { ...log.scope, attributes: sortByKey(log.scope.attributes as OtlpJsonKeyValue[]) },
    attributes: sortByKey(log.attributes as OtlpJsonKeyValue[]),
    body: sortNested(log.body as OtlpJsonAnyValue),
  };
}

function seqOf(log: LogRecordJson): number {
  const seq = log.attributes.find((kv) => kv.key === 'e2e.seq')?.value;
  return seq !== undefined && 'intValue' in seq ? Number(seq.intValue) : NaN;
}

describe.each(OTLP_PROTOCOLS)('OpenTelemetry JS SDK logs over %s', (protocol) => {
  let sent: SentLogs;
  /** A range that also covers the record with an explicit time two hours ago. */
  const wideRange = { start: 'now-3h', end: 'now' };

  beforeAll(async () => {
    sent = await sendLogs(protocol);
  });

  const searchLogs = async (params: Record<string, string | number | string[]>): Promise<{ logs: LogRecordJson[]; nextCursor?: string }> =>
    (await fetchJson<{ logs: LogRecordJson[]; nextCursor?: string }>(pharos.apiUrl, `/pharos/v1/logs?${queryString(params)}`)).body;

  it('returns every record of the service, every field as the SDK produced it', async () => {
    const { logs, nextCursor } = await searchLogs({ service: sent.service, ...wideRange });
    expect(nextCursor).toBeUndefined();
    expect(logs.map(seqOf).sort((a, b) => a - b)).toEqual([...sent.records.keys()].sort((a, b) => a - b));
    for (const log of logs) {
      const record = sent.records.get(seqOf(log));
      if (record === undefined) throw new Error(`unexpected record ${JSON.stringify(log)}`);
      expect(normalizeLog(log), `record e2e.seq=${seqOf(log)}`).toEqual(expectedLogJson(record));
    }
  });

  it('keeps each body type exactly: string, int, double, bool, bytes (base64), array, kvlist, unset', async () => {
    const { logs } = await searchLogs({ service: sent.service, ...wideRange });
    const bodyOf = (seq: number) => logs.find((l) => seqOf(l) === seq)?.body;
    expect(bodyOf(1)).toEqual({ stringValue: 'Order 42 placed by Alice' });
    expect(bodyOf(2)).toEqual({ intValue: '42' });
    expect(bodyOf(3)).toEqual({ doubleValue: 3.75 });
    expect(bodyOf(4)).toEqual({ intValue: '-12' });
    expect(bodyOf(5)).toEqual({ boolValue: true });
    expect(bodyOf(6)).toEqual({ bytesValue: Buffer.from(BYTES_BODY).toString('base64') });
    expect(bodyOf(7)).toEqual({ arrayValue: { values: [{ stringValue: 'first' }, { intValue: '2' }, { doubleValue: 2.5 }, { boolValue: false }, {}] } });
    expect(sortNested(bodyOf(8) as OtlpJsonAnyValue)).toEqual({
      kvlistValue: {
        values: [
          { key: 'cart', value: { kvlistValue: { values: [{ key: 'items', value: { intValue: '3' } }, { key: 'paid', value: { boolValue: false } }, { key: 'total', value: { doubleValue: 19.99 } }] } } },
          { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'x' }, { stringValue: 'y' }] } } },
          { key: 'user', value: { stringValue: 'alice' } },
        ],
      },
    });
    expect(bodyOf(13)).toEqual({});
    const first = logs.find((l) => seqOf(l) === 1);
    const attributes = new Map((first?.attributes ?? []).map((kv) => [kv.key, kv.value]));
    expect(attributes.get('attr.int')).toEqual({ intValue: '42' });
    expect(attributes.get('attr.double')).toEqual({ doubleValue: 0.125 });
    expect(attributes.get('attr.bytes')).toEqual({ bytesValue: '3q2+7w==' });
    expect(attributes.get('attr.ints')).toEqual({ arrayValue: { values: [{ intValue: '1' }, { intValue: '2' }, { intValue: '3' }] } });
  });

  it('orders records newest first and keeps explicit nanosecond times', async () => {
    const { logs } = await searchLogs({ service: sent.service, ...wideRange });
    const times = logs.map((l) => BigInt(l.timeUnixNano));
    for (let i = 1; i < times.length; i++) expect(times[i] <= times[i - 1], `record ${i} is newer than record ${i - 1}`).toBe(true);
    const old = logs[logs.length - 1];
    expect(seqOf(old)).toBe(11);
    expect(old.timeUnixNano).toBe(hrTimeToNanoString(sent.oldTime));
    expect(old.observedTimeUnixNano).toBe(hrTimeToNanoString(sent.oldObserved));
    expect(old.timeUnixNano.endsWith('123456')).toBe(true);
    // The default range (the last hour) leaves it out; a range around it finds only it.
    const recent = await searchLogs({ service: sent.service });
    expect(recent.logs.map(seqOf)).not.toContain(11);
    expect(recent.logs).toHaveLength(13);
    const oldMs = Number(hrTimeToUnixNano(sent.oldTime) / 1_000_000n);
    const around = await searchLogs({ service: sent.service, start: String(oldMs - 1000), end: String(oldMs + 1000) });
    expect(around.logs.map(seqOf)).toEqual([11]);
  });

  it('finds the records of a trace by traceId, with span id and flags', async () => {
    const sampled = await searchLogs({ traceId: sent.sampled.traceId, ...wideRange });
    expect(sampled.logs.map((l) => ({ seq: seqOf(l), traceId: l.traceId, spanId: l.spanId, flags: l.flags }))).toEqual([
      { seq: 9, traceId: sent.sampled.traceId, spanId: sent.sampled.spanId, flags: 1 },
    ]);
    const unsampled = await searchLogs({ traceId: sent.unsampled.traceId, ...wideRange });
    expect(unsampled.logs.map((l) => ({ seq: seqOf(l), traceId: l.traceId, spanId: l.spanId, flags: l.flags }))).toEqual([
      { seq: 10, traceId: sent.unsampled.traceId, spanId: sent.unsampled.spanId, flags: 0 },
    ]);
    // Upper-case ids are the same trace.
    const upper = await searchLogs({ traceId: sent.sampled.traceId.toUpperCase(), ...wideRange });
    expect(upper.logs.map(seqOf)).toEqual([9]);
  });

  it('finds records by body text, case-insensitively (q)', async () => {
    const cases: Array<[string, number[]]> = [
      ['card declined', [9]],
      ['CARD DECLINED', [9]],
      ['placed by alice', [1]],
      ['größe', [14]],
      // Upper-case non-ASCII letters in the body fold too.
      ['ärger', [14]],
      ['"quoted" \\ back', [14]],
      ['outbox', [11]],
      ['no such text anywhere', []],
    ];
    for (const [q, expected] of cases) {
      const { logs } = await searchLogs({ service: sent.service, q, ...wideRange });
      expect(logs.map(seqOf).sort((a, b) => a - b), `q=${q}`).toEqual(expected);
    }
  });

  it('filters by minimum severity (name and number) and by attribute', async () => {
    const seqs = async (params: Record<string, string>) => (await searchLogs({ service: sent.service, ...wideRange, ...params })).logs.map(seqOf).sort((a, b) => a - b);
    const atLeast = (min: number) =>
      [...sent.records.entries()]
        .filter(([, r]) => (r.severityNumber ?? 0) >= min)
        .map(([seq]) => seq)
        .sort((a, b) => a - b);
    expect(await seqs({ severity: 'error' })).toEqual(atLeast(17));
    expect(await seqs({ severity: 'error' })).toEqual([9, 13, 14]);
    expect(await seqs({ severity: 'warn' })).toEqual(atLeast(13));
    expect(await seqs({ severity: '21' })).toEqual([13]);
    expect(await seqs({ severity: 'debug' })).toEqual(atLeast(5));
    expect(await seqs({ attr: 'card.type=visa' })).toEqual([9]);
    expect(await seqs({ attr: 'e2e.seq>=13' })).toEqual([13, 14]);
    expect(await seqs({ attr: 'attr.double<0.2' })).toEqual([1]);
    expect(await seqs({ attr: 'attr.bool=true' })).toEqual([1]);
    expect(await seqs({ attr: 'service.namespace=shop', severity: 'fatal' })).toEqual([13]);
  });

  it('records an exception as exception.* attributes and an event name as eventName', async () => {
    const { logs } = await searchLogs({ service: sent.service, ...wideRange });
    const exception = logs.find((l) => seqOf(l) === 13);
    const attributes = new Map((exception?.attributes ?? []).map((kv) => [kv.key, kv.value]));
    expect(attributes.get('exception.type')).toEqual({ stringValue: 'Error' });
    expect(attributes.get('exception.message')).toEqual({ stringValue: 'disk full' });
    expect(attributes.get('exception.stacktrace')).toMatchObject({ stringValue: expect.stringContaining('disk full') });
    expect(logs.find((l) => seqOf(l) === 12)?.eventName).toBe('user.login');
  });

  it('pages through the records with nextCursor, without gaps or repeats', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const { logs, nextCursor } = await searchLogs({ service: sent.service, ...wideRange, limit: 4, ...(cursor === undefined ? {} : { cursor }) });
      expect(logs.length).toBeLessThanOrEqual(4);
      seen.push(...logs.map(seqOf));
      if (nextCursor === undefined) break;
      cursor = nextCursor;
    }
    const all = (await searchLogs({ service: sent.service, ...wideRange })).logs.map(seqOf);
    expect(seen).toEqual(all);
  });
});

describe.each(OTLP_PROTOCOLS)('partial success seen by the SDK over %s (gzip)', (protocol) => {
  it('refuses records outside the time window one by one; the SDK reports the partial success', async () => {
    const warnings: string[] = [];
    const record = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
    diag.setLogger({ error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    const service = `otel-sdk-logs-window-${protocolSlug(protocol)}`;
    const exporter = createLogExporter(protocol, pharos, 'gzip');
    try {
      const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': service }), processors: [new SimpleLogRecordProcessor({ exporter })] });
      const logger = provider.getLogger(SCOPE_NAME, SCOPE_VERSION);
      const now = Date.now();
      logger.emit({ body: 'from last month', timestamp: now - 30 * 86_400_000 });
      logger.emit({ body: 'from the day after tomorrow', timestamp: now + 2 * 86_400_000 });
      logger.emit({ body: 'from now', timestamp: now });
      await provider.forceFlush();
      await provider.shutdown();
    } finally {
      diag.disable();
    }
    // Partial success is a success for the exporter: no failed export.
    exporter.log.assertAllSucceeded(`${protocol} log export`);
    const partials = warnings
      .filter((w) => w.startsWith('Received Partial Success response:'))
      .map((w) => JSON.parse(w.slice('Received Partial Success response:'.length)) as { rejectedLogRecords?: number | string; errorMessage?: string });
    expect(partials.map((p) => Number(p.rejectedLogRecords)), warnings.join('\n')).toEqual([1, 1]);
    for (const p of partials) expect(p.errorMessage).toMatch(/log record/);
    const { body } = await fetchJson<{ logs: LogRecordJson[] }>(pharos.apiUrl, `/pharos/v1/logs?${queryString({ service, start: 'now-40d', end: String(Date.now() + 3 * 86_400_000) })}`);
    expect(body.logs.map((l) => l.body)).toEqual([{ stringValue: 'from now' }]);
  });
});

describe('q searches the body text, not its storage encoding', () => {
  it('does not match a record without body for q=null', async () => {
    const services = OTLP_PROTOCOLS.map((p) => `otel-sdk-logs-${protocolSlug(p)}`);
    const { body } = await fetchJson<{ logs: LogRecordJson[] }>(pharos.apiUrl, `/pharos/v1/logs?${queryString({ service: services, q: 'null' })}`);
    // The exception record (e2e.seq=13) has no body at all: its body text cannot contain "null".
    expect(body.logs.filter((l) => Object.keys(l.body).length === 0).map((l) => ({ service: l.serviceName, seq: seqOf(l), body: l.body }))).toEqual([]);
  });

  it('does not match the internal "$bytes" marker of a bytes body', async () => {
    // Every per-protocol service has a Uint8Array body (e2e.seq=6, bytes 00 01 02 fe ff); no body there holds the text "bytes".
    const services = OTLP_PROTOCOLS.map((p) => `otel-sdk-logs-${protocolSlug(p)}`);
    for (const q of ['$bytes', 'bytes']) {
      const { body } = await fetchJson<{ logs: LogRecordJson[] }>(pharos.apiUrl, `/pharos/v1/logs?${queryString({ service: services, q })}`);
      expect(body.logs.map((l) => ({ service: l.serviceName, body: l.body })), `q=${q}`).toEqual([]);
    }
  });
});

describe('volume: BatchLogRecordProcessor batches from the three exporters at once', () => {
  const RECORDS_PER_PROTOCOL = 1200;

  it('stores every record, and cursor paging over records sharing a millisecond neither skips nor repeats', async () => {
    const send = async (protocol: OtlpProtocol): Promise<string> => {
      const service = `otel-sdk-logs-volume-${protocolSlug(protocol)}`;
      const exporter = createLogExporter(protocol, pharos);
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 400, maxQueueSize: 4096, scheduledDelayMillis: 20 })],
      });
      const logger = provider.getLogger('volume');
      // Records made within the same millisecond share their timestamp (the SDK's clock is Date.now()).
      for (let i = 0; i < RECORDS_PER_PROTOCOL; i++) logger.emit({ body: `volume record ${i}`, severityNumber: SeverityNumber.INFO, attributes: { 'e2e.seq': i } });
      await provider.forceFlush();
      await provider.shutdown();
      exporter.log.assertAllSucceeded(`${protocol} batched log export`);
      expect(exporter.records()).toHaveLength(RECORDS_PER_PROTOCOL);
      return service;
    };
    const services = await Promise.all(OTLP_PROTOCOLS.map(send));
    const expected = Array.from({ length: RECORDS_PER_PROTOCOL }, (_, i) => i);
    for (const service of services) {
      const all = await fetchJson<{ logs: LogRecordJson[]; nextCursor?: string }>(pharos.apiUrl, `/pharos/v1/logs?${queryString({ service, limit: 5000 })}`);
      expect(all.body.nextCursor).toBeUndefined();
      expect(all.body.logs.map(seqOf).sort((a, b) => a - b)).toEqual(expected);
      const seen: number[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page++) {
        const { body } = await fetchJson<{ logs: LogRecordJson[]; nextCursor?: string }>(pharos.apiUrl, `/pharos/v1/logs?${queryString({ service, limit: 37, ...(cursor === undefined ? {} : { cursor }) })}`);
        seen.push(...body.logs.map(seqOf));
        if (body.nextCursor === undefined) break;
        cursor = body.nextCursor;
      }
      expect(seen).toEqual(all.body.logs.map(seqOf));
    }
  });
});

describe('logs of several services', () => {
  it('filters by several services at once (repeatable service)', async () => {
    const services = OTLP_PROTOCOLS.map((p) => `otel-sdk-logs-${protocolSlug(p)}`);
    const { body } = await fetchJson<{ logs: LogRecordJson[] }>(pharos.apiUrl, `/pharos/v1/logs?${queryString({ service: services.slice(0, 2), q: 'card declined' })}`);
    expect(body.logs.map((l) => l.serviceName).sort()).toEqual(services.slice(0, 2).sort());
  });
});
