import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode } from './service-graph.js';
import { buildEdgeHref, buildNodeHref, buildServiceMapHref, describeCallsLink } from './service-graph-links.js';

const range = { kind: 'relative', id: '15m' } as const;
const node = (name: string, kind: GraphNode['kind'], peerAttributes?: string[]): GraphNode => ({
  name,
  kind,
  requests: 4,
  errors: 0,
  requestsPerSecond: 0.1,
  errorRate: 0,
  p95DurationNs: null,
  ...(peerAttributes === undefined ? {} : { peerAttributes }),
});
const edge = (source: string, target: string): GraphEdge => ({ source, target, calls: 1234, errors: 0, callsPerSecond: 1, errorRate: 0, p95DurationNs: null });
const query = (href: string) => [...new URL(href, 'http://localhost').searchParams];

describe('service graph links', () => {
  it("opens an edge's calls: the callee's spans under the caller, or the caller's spans to a virtual node", () => {
    expect(query(buildEdgeHref(edge('order', 'payment'), node('payment', 'service'), range))).toEqual([
      ['range', '15m'],
      ['service', 'payment'],
      ['parentService', 'order'],
    ]);
    expect(query(buildEdgeHref(edge('order', 'pg'), node('pg', 'database', ['db.system=postgresql', 'server.address=pg']), range))).toEqual([
      ['range', '15m'],
      ['service', 'order'],
      ['attr', 'db.system=postgresql'],
      ['attr', 'server.address=pg'],
    ]);
  });

  it("opens a service's page, or every call to a virtual node", () => {
    expect(buildNodeHref(node('shop/api', 'service'), range)).toBe('/services/shop%2Fapi?range=15m');
    expect(query(buildNodeHref(node('kafka', 'messaging', ['messaging.system=kafka']), range))).toEqual([
      ['range', '15m'],
      ['attr', 'messaging.system=kafka'],
    ]);
  });

  it('links the map, focused or not, and names the calls link', () => {
    expect(buildServiceMapHref(range)).toBe('/service-map?range=15m');
    expect(buildServiceMapHref(range, 'shop api')).toBe('/service-map?range=15m&focus=shop%20api');
    expect(describeCallsLink(edge('a', 'b'))).toBe('1,234 calls from a to b: open their traces');
  });
});
