import type { ServiceMapEdge, ServiceMapNode } from '../api';

/**
 * The service map's meaning, apart from its drawing: health by error rate, a service's
 * neighbours, a map narrowed to one service, and the trace search that shows an edge's calls.
 * Nodes and edges are GET /pharos/v1/service-map's (docs/api.md), as api/schemas.ts validates them.
 */

/** A node of the map: a service, or a peer its callers name (`database`, `messaging`, `external`). */
export type GraphNode = ServiceMapNode;

/** What a node is: a service that sends spans, or a virtual node seen only from its callers. */
export type GraphNodeKind = GraphNode['kind'];

/** Calls from `source` to `target` over the range, with their errors and p95. */
export type GraphEdge = ServiceMapEdge;

/** The nodes and edges of a map (a whole GET /pharos/v1/service-map answer is one). */
export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** `idle`: nothing to judge (no requests or calls); otherwise by error rate, see HEALTH_THRESHOLDS. */
export type Health = 'ok' | 'warning' | 'critical' | 'idle';

/** Error rates (0-1) above which a node or edge is `warning`, then `critical`. */
export const HEALTH_THRESHOLDS = { warning: 0.01, critical: 0.05 } as const;

/** The legend's words for each health, in display order. */
export const HEALTH_LEGEND: ReadonlyArray<{ health: Health; label: string }> = [
  { health: 'ok', label: `OK: errors ≤ ${HEALTH_THRESHOLDS.warning * 100}%` },
  { health: 'warning', label: `Warning: errors > ${HEALTH_THRESHOLDS.warning * 100}%` },
  { health: 'critical', label: `Critical: errors > ${HEALTH_THRESHOLDS.critical * 100}%` },
  { health: 'idle', label: 'No requests in range' },
];

/** The health of something that handled `count` requests (or calls) with error rate `errorRate` (0-1). */
export function classifyHealth(count: number, errorRate: number): Health {
  if (count === 0) return 'idle';
  if (errorRate > HEALTH_THRESHOLDS.critical) return 'critical';
  if (errorRate > HEALTH_THRESHOLDS.warning) return 'warning';
  return 'ok';
}

/** True for a node that sends no spans of its own (seen only from its callers). */
export function isVirtualNode(node: Pick<GraphNode, 'kind'>): boolean {
  return node.kind !== 'service';
}

/** A word for a node's kind, for labels: `service`, `database`, `messaging system`, `external system`. */
export function describeNodeKind(kind: GraphNodeKind): string {
  return kind === 'messaging' ? 'messaging system' : kind === 'external' ? 'external system' : kind;
}

/** One neighbour of a service: the node at the other end and the edge between them. */
export interface Neighbour {
  node: GraphNode;
  edge: GraphEdge;
}

/**
 * The services calling `service` (upstream: edges into it) and the nodes it calls
 * (downstream: edges out of it), each sorted by calls, most first, then by name.
 */
export function findNeighbours(graph: Graph, service: string): { upstream: Neighbour[]; downstream: Neighbour[] } {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const nodeOf = (name: string): GraphNode => byName.get(name) ?? { name, kind: 'service', requests: 0, errors: 0, requestsPerSecond: 0, errorRate: 0, p95DurationNs: null };
  const order = (a: Neighbour, b: Neighbour) => b.edge.calls - a.edge.calls || (a.node.name < b.node.name ? -1 : a.node.name > b.node.name ? 1 : 0);
  return {
    upstream: graph.edges.filter((e) => e.target === service && e.source !== service).map((edge) => ({ node: nodeOf(edge.source), edge })).sort(order),
    downstream: graph.edges.filter((e) => e.source === service && e.target !== service).map((edge) => ({ node: nodeOf(edge.target), edge })).sort(order),
  };
}

/** `graph` narrowed to `focus`, its direct callers and callees, and the edges touching `focus`; the whole graph when `focus` is not in it. */
export function focusGraph(graph: Graph, focus: string | undefined): Graph {
  if (focus === undefined || !graph.nodes.some((n) => n.name === focus)) return graph;
  const edges = graph.edges.filter((e) => e.source === focus || e.target === focus);
  const names = new Set([focus, ...edges.flatMap((e) => [e.source, e.target])]);
  return { nodes: graph.nodes.filter((n) => names.has(n.name)), edges };
}

/** The trace search (GET /pharos/v1/traces parameters) that finds calls. */
export interface CallSearch {
  service?: string;
  parentService?: string;
  attr?: string[];
}

/**
 * The search for the calls of an edge: to a service, spans of `target` whose parent belongs to
 * `source`; to a virtual node, spans of `source` with the node's peer attributes.
 */
export function searchEdgeCalls(edge: Pick<GraphEdge, 'source' | 'target'>, target: Pick<GraphNode, 'kind' | 'peerAttributes'> | undefined): CallSearch {
  if (target !== undefined && isVirtualNode(target)) return { service: edge.source, attr: target.peerAttributes ?? [] };
  return { service: edge.target, parentService: edge.source };
}

/** The search for every call to a virtual node, from any caller (its peer attributes); undefined for a service. */
export function searchNodeCalls(node: Pick<GraphNode, 'kind' | 'peerAttributes'>): CallSearch | undefined {
  return isVirtualNode(node) ? { attr: node.peerAttributes ?? [] } : undefined;
}
