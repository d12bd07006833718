import { randomBytes } from 'node:crypto';

/** A random hex id of `bytes` bytes. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** An OTLP/JSON ExportTraceServiceRequest with `spanCount` spans of one trace, and its trace id. */
export function jsonTraceRequest(service: string, spanCount: number, startMs = Date.now()): { body: string; traceId: string; spanIds: string[] } {
  const traceId = randomHex(16);
  const spanIds: string[] = [];
  const spans = Array.from({ length: spanCount }, (_, i) => {
    const spanId = randomHex(8);
    spanIds.push(spanId);
    const start = BigInt(startMs) * 1_000_000n + BigInt(i) * 1000n;
    return {
      traceId,
      spanId,
      parentSpanId: i === 0 ? '' : spanIds[0],
      name: i === 0 ? 'GET /checkout' : `step ${i}`,
      kind: i === 0 ? 2 : 1,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 5_000_000n),
      attributes: [
        { key: 'http.method', value: { stringValue: 'GET' } },
        { key: 'step', value: { intValue: String(i) } },
      ],
      status: { code: 0 },
    };
  });
  const body = JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 'test' }, spans }] }],
  });
  return { body, traceId, spanIds };
}
