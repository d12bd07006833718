/**
 * Reading Jaeger-format traces (as Pharos' `/api/traces` returns them) the way an engineer
 * reads a waterfall: which service a span belongs to, the tree, the deepest failing span,
 * the span where the time went.
 */

export interface JaegerTag {
  key: string;
  type: string;
  value: unknown;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags: JaegerTag[];
  logs: unknown[];
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: JaegerTag[] }>;
}

/** The service a span was reported by. */
export function serviceOf(trace: JaegerTrace, span: JaegerSpan): string {
  return trace.processes[span.processID]?.serviceName ?? '?';
}

/** The value of the span's tag `key`, or undefined. */
export function tagOf(span: JaegerSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value;
}

/** Did the span end with an error status (Jaeger's `error: true`)? */
export function isError(span: JaegerSpan): boolean {
  return tagOf(span, 'error') === true || tagOf(span, 'otel.status_code') === 'ERROR';
}

function parentIdOf(span: JaegerSpan): string | undefined {
  return span.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
}

/** Depth of every span: 0 for a root (or a span whose parent is missing). */
export function depths(trace: JaegerTrace): Map<string, number> {
  const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
  const depth = new Map<string, number>();
  const depthOf = (span: JaegerSpan, guard = 0): number => {
    const known = depth.get(span.spanID);
    if (known !== undefined) return known;
    const parentId = parentIdOf(span);
    const parent = parentId === undefined ? undefined : byId.get(parentId);
    const d = parent === undefined || guard > 1000 ? 0 : depthOf(parent, guard + 1) + 1;
    depth.set(span.spanID, d);
    return d;
  };
  for (const span of trace.spans) depthOf(span);
  return depth;
}

/** The failing span deepest in the tree (ties: the latest to start), or undefined when no span failed. */
export function deepestErrorSpan(trace: JaegerTrace): JaegerSpan | undefined {
  const depth = depths(trace);
  let best: JaegerSpan | undefined;
  for (const span of trace.spans) {
    if (!isError(span)) continue;
    if (best === undefined) best = span;
    else {
      const d = depth.get(span.spanID)!;
      const bd = depth.get(best.spanID)!;
      if (d > bd || (d === bd && span.startTime > best.startTime)) best = span;
    }
  }
  return best;
}

/** Self time of a span in µs: its duration minus the union of its children's intervals (clipped to it). */
export function selfTimeUs(trace: JaegerTrace, span: JaegerSpan): number {
  const start = span.startTime;
  const end = span.startTime + span.duration;
  const intervals = trace.spans
    .filter((s) => parentIdOf(s) === span.spanID)
    .map((s) => [Math.max(start, s.startTime), Math.min(end, s.startTime + s.duration)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let cursor = start;
  for (const [a, b] of intervals) {
    const from = Math.max(a, cursor);
    if (b > from) {
      covered += b - from;
      cursor = b;
    }
  }
  return span.duration - covered;
}

/** The span with the most self time: where the trace's time went. */
export function slowestSpan(trace: JaegerTrace): JaegerSpan {
  let best = trace.spans[0]!;
  let bestSelf = -1;
  for (const span of trace.spans) {
    const self = selfTimeUs(trace, span);
    if (self > bestSelf) {
      best = span;
      bestSelf = self;
    }
  }
  return best;
}

/** The root span (no parent in the trace). */
export function rootSpan(trace: JaegerTrace): JaegerSpan | undefined {
  const ids = new Set(trace.spans.map((s) => s.spanID));
  return trace.spans.find((s) => {
    const parent = parentIdOf(s);
    return parent === undefined || !ids.has(parent);
  });
}
