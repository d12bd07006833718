import type { ServiceMap, ServiceMapNodeKind, TimeRange } from '../storage/index.js';

export interface ServiceMapNodeJson {
  name: string;
  kind: ServiceMapNodeKind;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  errorRate: number;
  p95DurationNs: string | null;
  /** Virtual nodes only: `key=value` conditions for the trace search's `attr` that select the calls to this node. */
  peerAttributes?: string[];
}

export interface ServiceMapEdgeJson {
  source: string;
  target: string;
  calls: number;
  errors: number;
  callsPerSecond: number;
  errorRate: number;
  p95DurationNs: string | null;
}

export interface ServiceMapJson {
  startUnixNano: string;
  endUnixNano: string;
  nodes: ServiceMapNodeJson[];
  edges: ServiceMapEdgeJson[];
}

const NANOS_PER_SECOND = 1e9;

/**
 * The native API's service map: durations as decimal nanosecond strings (null when there
 * is nothing to measure), rates per second over the range's length (0 for an empty range),
 * `errorRate` = errors / requests or calls (0 without any), a virtual node's peer
 * attributes as `key=value` texts ready for the trace search's `attr` parameter.
 */
export function serviceMapToJson(range: TimeRange, map: ServiceMap): ServiceMapJson {
  const rangeSeconds = Number(range.endUnixNano - range.startUnixNano) / NANOS_PER_SECOND;
  const perSecond = (count: number) => (rangeSeconds > 0 ? count / rangeSeconds : 0);
  const text = (ns: bigint | null): string | null => (ns === null ? null : ns.toString());
  return {
    startUnixNano: range.startUnixNano.toString(),
    endUnixNano: range.endUnixNano.toString(),
    nodes: map.nodes.map((n) => ({
      name: n.name,
      kind: n.kind,
      requests: n.requests,
      errors: n.errors,
      requestsPerSecond: perSecond(n.requests),
      errorRate: n.requests > 0 ? n.errors / n.requests : 0,
      p95DurationNs: text(n.p95DurationNs),
      ...(n.peerAttributes === undefined ? {} : { peerAttributes: n.peerAttributes.map((a) => `${a.key}=${a.value}`) }),
    })),
    edges: map.edges.map((e) => ({
      source: e.source,
      target: e.target,
      calls: e.calls,
      errors: e.errors,
      callsPerSecond: perSecond(e.calls),
      errorRate: e.calls > 0 ? e.errors / e.calls : 0,
      p95DurationNs: text(e.p95DurationNs),
    })),
  };
}
