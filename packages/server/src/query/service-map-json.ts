import type { AttributeFilter, ServiceMap, ServiceMapNodeKind, TimeRange } from '../storage/index.js';
import { nanosToJson, rangeToJson, toErrorRate, toRatePerSecond, type RangeJson } from './json-figures.js';

/** A service-map node as the native API answers it (see ServiceMapNode). */
export interface ServiceMapNodeJson {
  name: string;
  kind: ServiceMapNodeKind;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  errorRate: number;
  p95DurationNs: string | null;
  /** Virtual nodes only: `key=value` conditions for the trace search's `attr` that select the calls to this node (those naming it the most common way). */
  peerAttributes?: string[];
  /** Virtual nodes only: every distinct set of such conditions, most calls first; one trace search per set finds all the node's calls. */
  peerAttributeSets?: string[][];
}

/** A service-map edge as the native API answers it (see ServiceMapEdge). */
export interface ServiceMapEdgeJson {
  source: string;
  target: string;
  calls: number;
  errors: number;
  callsPerSecond: number;
  errorRate: number;
  p95DurationNs: string | null;
}

/** GET /pharos/v1/service-map's answer: the range and the graph. */
export interface ServiceMapJson extends RangeJson {
  nodes: ServiceMapNodeJson[];
  edges: ServiceMapEdgeJson[];
}

const conditionsToJson = (attributes: AttributeFilter[]) => attributes.map((a) => `${a.key}=${a.value}`);

/**
 * The native API's service map: durations as decimal nanosecond strings (null when there
 * is nothing to measure), rates per second over the range's length (0 for an empty range),
 * `errorRate` = errors / requests or calls (0 without any), a virtual node's peer
 * attributes as `key=value` texts ready for the trace search's `attr` parameter.
 */
export function serviceMapToJson(range: TimeRange, map: ServiceMap): ServiceMapJson {
  return {
    ...rangeToJson(range),
    nodes: map.nodes.map((n) => ({
      name: n.name,
      kind: n.kind,
      requests: n.requests,
      errors: n.errors,
      requestsPerSecond: toRatePerSecond(n.requests, range),
      errorRate: toErrorRate(n.errors, n.requests),
      p95DurationNs: nanosToJson(n.p95DurationNs),
      ...(n.peerAttributes === undefined ? {} : { peerAttributes: conditionsToJson(n.peerAttributes) }),
      ...(n.peerAttributeSets === undefined ? {} : { peerAttributeSets: n.peerAttributeSets.map(conditionsToJson) }),
    })),
    edges: map.edges.map((e) => ({
      source: e.source,
      target: e.target,
      calls: e.calls,
      errors: e.errors,
      callsPerSecond: toRatePerSecond(e.calls, range),
      errorRate: toErrorRate(e.errors, e.calls),
      p95DurationNs: nanosToJson(e.p95DurationNs),
    })),
  };
}
