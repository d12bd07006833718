import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The signals Pharos ingests, as they appear in its own metric labels. */
export type SignalLabel = 'traces' | 'logs' | 'metrics';

/**
 * Pharos' own metrics, served in Prometheus text format on the API port at /metrics.
 * One instance per server; tests create their own so they do not share counters.
 */
export class SelfMetrics {
  readonly registry = new Registry();
  readonly itemsReceived = new Counter({
    name: 'pharos_ingest_items_received_total',
    help: 'Spans, log records and metric points received in OTLP requests, before validation.',
    labelNames: ['signal'] as const,
    registers: [this.registry],
  });
  readonly itemsRejected = new Counter({
    name: 'pharos_ingest_items_rejected_total',
    help: 'Items refused: invalid items reported as partial success, and items of requests refused as malformed or overloaded.',
    labelNames: ['signal', 'reason'] as const,
    registers: [this.registry],
  });
  readonly itemsWritten = new Counter({
    name: 'pharos_ingest_items_written_total',
    help: 'Items committed to storage (durable and acknowledged).',
    labelNames: ['signal'] as const,
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'pharos_ingest_requests_total',
    help: 'OTLP export requests by transport, signal and outcome status.',
    labelNames: ['transport', 'signal', 'status'] as const,
    registers: [this.registry],
  });
  readonly queueItems = new Gauge({
    name: 'pharos_ingest_queue_items',
    help: 'Items accepted (in the write-ahead log) and not yet in storage.',
    registers: [this.registry],
  });
  readonly queueCapacity = new Gauge({
    name: 'pharos_ingest_queue_capacity_items',
    help: 'Items the write queue holds before ingest answers 503.',
    registers: [this.registry],
  });
  readonly writeDuration = new Histogram({
    name: 'pharos_ingest_write_duration_seconds',
    help: 'Time to move one batch of accepted requests from the write queue into storage (one transaction).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly walSyncDuration = new Histogram({
    name: 'pharos_ingest_wal_sync_duration_seconds',
    help: 'Time to write and fsync one group of write-ahead log records: the acknowledgement latency floor.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly itemsDropped = new Counter({
    name: 'pharos_ingest_items_dropped_total',
    help: 'Acknowledged items that storage refused for their content and that were dropped (see the server log).',
    registers: [this.registry],
  });
  readonly writeErrors = new Counter({
    name: 'pharos_ingest_write_errors_total',
    help: 'Storage writes that failed and will be retried (the items stay in the write-ahead log).',
    registers: [this.registry],
  });
  readonly writeBatchItems = new Histogram({
    name: 'pharos_ingest_write_batch_items',
    help: 'Items per storage transaction.',
    buckets: [1, 10, 100, 1000, 10_000, 50_000, 100_000, 150_000, 250_000],
    registers: [this.registry],
  });
  readonly queryDuration = new Histogram({
    name: 'pharos_http_request_duration_seconds',
    help: 'API request duration by route and status code.',
    labelNames: ['route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'pharos_' });
  }
}
