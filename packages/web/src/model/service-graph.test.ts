import { describe, expect, it } from 'vitest';
import { classifyHealth, findNeighbours, focusGraph, searchEdgeCalls, searchNodeCalls, type Graph, type GraphEdge, type GraphNode } from './service-graph.js';

const node = (name: string, kind: GraphNode['kind'] = 'service', peerAttributes?: string[]): GraphNode => ({
  name,
  kind,
  requests: 10,
  errors: 0,
  requestsPerSecond: 1,
  errorRate: 0,
  p95DurationNs: '1000000',
  ...(peerAttributes === undefined ? {} : { peerAttributes }),
});
const edge = (source: string, target: string, calls: number): GraphEdge => ({ source, target, calls, errors: 0, callsPerSecond: calls / 60, errorRate: 0, p95DurationNs: null });

const graph: Graph = {
  nodes: [node('frontend'), node('mobile'), node('order'), node('payment'), node('postgresql', 'database', ['db.system=postgresql']), node('stripe', 'external', ['server.address=stripe'])],
  edges: [edge('frontend', 'order', 10), edge('mobile', 'order', 30), edge('order', 'payment', 20), edge('order', 'postgresql', 20), edge('payment', 'stripe', 5), edge('order', 'order', 1)],
};

describe('service graph model', () => {
  it('classifies health by error rate: above 1% warning, above 5% critical, idle without requests', () => {
    expect(classifyHealth(0, 0)).toBe('idle');
    expect(classifyHealth(100, 0)).toBe('ok');
    expect(classifyHealth(100, 0.01)).toBe('ok');
    expect(classifyHealth(100, 0.0101)).toBe('warning');
    expect(classifyHealth(100, 0.05)).toBe('warning');
    expect(classifyHealth(100, 0.051)).toBe('critical');
  });

  it("finds a service's callers and callees, the busiest first, without its calls to itself", () => {
    const { upstream, downstream } = findNeighbours(graph, 'order');
    expect(upstream.map((n) => [n.node.name, n.edge.calls])).toEqual([
      ['mobile', 30],
      ['frontend', 10],
    ]);
    expect(downstream.map((n) => [n.node.name, n.node.kind])).toEqual([
      ['payment', 'service'],
      ['postgresql', 'database'],
    ]);
    expect(findNeighbours(graph, 'nobody')).toEqual({ upstream: [], downstream: [] });
  });

  it('narrows the map to a service and its direct neighbours', () => {
    const focused = focusGraph(graph, 'payment');
    expect(focused.nodes.map((n) => n.name)).toEqual(['order', 'payment', 'stripe']);
    expect(focused.edges.map((e) => `${e.source}>${e.target}`)).toEqual(['order>payment', 'payment>stripe']);
    expect(focusGraph(graph, undefined)).toBe(graph);
    expect(focusGraph(graph, 'unknown')).toBe(graph);
  });

  it("searches an edge's calls by parentService, or by the virtual node's peer attributes", () => {
    expect(searchEdgeCalls(edge('order', 'payment', 1), node('payment'))).toEqual({ service: 'payment', parentService: 'order' });
    expect(searchEdgeCalls(edge('order', 'postgresql', 1), graph.nodes[4])).toEqual({ service: 'order', attr: ['db.system=postgresql'] });
    expect(searchNodeCalls(graph.nodes[5])).toEqual({ attr: ['server.address=stripe'] });
    expect(searchNodeCalls(node('order'))).toBeUndefined();
  });
});
