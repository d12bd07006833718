import { createEmptyBatch, type TelemetryBatch } from '@pharos/core';
import { dropAbsurdTimestamps, batchSize, type WalRecord, type WriteQueue } from '../../ingest/index.js';
import type { SelfMetrics } from '../../observe/self-metrics.js';
import {
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeMetricsJson,
  decodeMetricsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
  type DecodeResult,
} from './decode/index.js';

export type OtlpSignal = 'traces' | 'logs' | 'metrics';
export type OtlpEncoding = 'protobuf' | 'json';

/** What an accepted export request reports back (OTLP partial success). */
export interface ExportOutcome {
  rejected: number;
  errorMessage: string;
}

export interface OtlpExportHandlerOptions {
  queue: WriteQueue;
  metrics: SelfMetrics;
  retentionMs: number;
}

const DECODERS: Record<OtlpSignal, Record<OtlpEncoding, (body: Uint8Array) => DecodeResult>> = {
  traces: { protobuf: decodeTracesProtobuf, json: (b) => decodeTracesJson(utf8(b)) },
  logs: { protobuf: decodeLogsProtobuf, json: (b) => decodeLogsJson(utf8(b)) },
  metrics: { protobuf: decodeMetricsProtobuf, json: (b) => decodeMetricsJson(utf8(b)) },
};

const SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];

/** The write-ahead log record of an export request: its signal and encoding in `kind`, its body as sent (decompressed). */
function walRecordOf(signal: OtlpSignal, encoding: OtlpEncoding, body: Uint8Array, receivedAtUnixMs: number): WalRecord {
  return { kind: SIGNALS.indexOf(signal) * 2 + (encoding === 'json' ? 1 : 0), receivedAtUnixMs, payload: body };
}

/**
 * Decodes a write-ahead log record back into items, applying the same checks as when it
 * was received (as of its receive time, so replay keeps exactly what was acknowledged),
 * for replay after a crash.
 */
export function decodeExportRecord(record: WalRecord, retentionMs: number): TelemetryBatch {
  const signal = SIGNALS[record.kind >> 1];
  if (signal === undefined) return createEmptyBatch();
  const { batch } = DECODERS[signal][record.kind & 1 ? 'json' : 'protobuf'](record.payload);
  dropAbsurdTimestamps(batch, BigInt(Math.trunc(record.receivedAtUnixMs)) * 1_000_000n, retentionMs);
  return batch;
}

function utf8(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

/**
 * The transport-independent half of the OTLP receivers: decode one (already
 * decompressed) export request, drop invalid items, and wait until the rest is
 * durable (in the write-ahead log). Throws PharosError for a malformed request or when ingest is
 * overloaded; the HTTP and gRPC edges map that to their status codes.
 */
export class OtlpExportHandler {
  constructor(private readonly options: OtlpExportHandlerOptions) {}

  async export(signal: OtlpSignal, encoding: OtlpEncoding, body: Uint8Array): Promise<ExportOutcome> {
    const { metrics } = this.options;
    const receivedAtUnixMs = Date.now();
    const decoded = body.byteLength === 0 ? emptyResult() : DECODERS[signal][encoding](body);
    const batch = decoded.batch;
    const timing = dropAbsurdTimestamps(batch, BigInt(receivedAtUnixMs) * 1_000_000n, this.options.retentionMs);
    const rejected = decoded.rejected + timing.rejected;
    const received = batchSize(batch) + rejected;
    if (received > 0) metrics.itemsReceived.inc({ signal }, received);
    if (rejected > 0) metrics.itemsRejected.inc({ signal, reason: 'invalid' }, rejected);
    try {
      await this.options.queue.submit(batch, walRecordOf(signal, encoding, body, receivedAtUnixMs));
    } catch (error) {
      metrics.itemsRejected.inc({ signal, reason: 'not_written' }, batchSize(batch));
      throw error;
    }
    return { rejected, errorMessage: [...decoded.rejectionMessages, ...timing.messages].join('; ') };
  }
}

function emptyResult(): DecodeResult {
  const batch = createEmptyBatch();
  return { batch, rejected: 0, rejectionMessages: [] };
}
