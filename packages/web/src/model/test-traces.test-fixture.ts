// Unit-test fixture only: nothing in the app imports it, so the build never bundles it (the
// `.test-fixture` name says so, and keeps it out of vitest's `*.test.ts` pattern).
import type { OtlpSpanJson, TraceResponse } from '../api';

/** For unit tests: a compact description of one span, times in ms from an arbitrary origin. */
export interface TestSpan {
  id: string;
  parent?: string;
  service?: string;
  name?: string;
  startMs: number;
  endMs: number;
  error?: boolean;
  attributes?: Record<string, string | number>;
  events?: Array<{ name: string; atMs: number; attributes?: Record<string, string> }>;
}

/** The origin of TestSpan times: 2026-11-25T10:00:00Z, in Unix ns (beyond 2^53, as real times are). */
export const TEST_ORIGIN_UNIX_NANO = 1_795_600_800_000_000_000n;

const unixNano = (ms: number) => (TEST_ORIGIN_UNIX_NANO + BigInt(Math.round(ms * 1e6))).toString();

/** For unit tests: a trace in the native API's shape from compact spans, grouped by service. */
export function buildTestTrace(spans: readonly TestSpan[], traceId = '0af7651916cd43dd8448eb211c80319c'): TraceResponse {
  const byService = new Map<string, OtlpSpanJson[]>();
  for (const s of spans) {
    const service = s.service ?? 'svc';
    const json: OtlpSpanJson = {
      traceId,
      spanId: s.id,
      parentSpanId: s.parent ?? '',
      traceState: '',
      flags: 1,
      name: s.name ?? `op ${s.id}`,
      kind: 1,
      startTimeUnixNano: unixNano(s.startMs),
      endTimeUnixNano: unixNano(s.endMs),
      attributes: Object.entries(s.attributes ?? {}).map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } })),
      droppedAttributesCount: 0,
      events: (s.events ?? []).map((e) => ({ timeUnixNano: unixNano(e.atMs), name: e.name, attributes: Object.entries(e.attributes ?? {}).map(([key, v]) => ({ key, value: { stringValue: v } })), droppedAttributesCount: 0 })),
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: s.error ? 2 : 0, message: s.error ? 'failed' : '' },
    };
    const list = byService.get(service);
    if (list === undefined) byService.set(service, [json]);
    else list.push(json);
  }
  return {
    traceId,
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }], droppedAttributesCount: 0 },
      scopeSpans: [{ scope: { name: 'test', version: '1.0' }, spans: list, schemaUrl: '' }],
      schemaUrl: '',
    })),
  };
}
