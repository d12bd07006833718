import type { AttributeFilter, ServiceMap, ServiceMapEdge, ServiceMapNode, ServiceMapNodeKind } from './interface.js';

/**
 * Span attributes that name an uninstrumented peer, by kind, in the order they are tried
 * (the first kind with a value wins; within a kind the first key present). Newer semantic
 * conventions come before the names they replace (`db.system.name` before `db.system`).
 */
export const PEER_ATTRIBUTE_KEYS = {
  peerService: ['peer.service'],
  dbSystem: ['db.system.name', 'db.system'],
  dbNamespace: ['db.namespace', 'db.name'],
  messagingSystem: ['messaging.system'],
  serverAddress: ['server.address', 'net.peer.name'],
} as const;

/** One aggregate row a backend computes for the service map. */
export type ServiceMapRow =
  | { row: 'service'; name: string; requests: number; errors: number; p95DurationNs: bigint | null }
  | { row: 'peer'; name: string; kind: Exclude<ServiceMapNodeKind, 'service'>; peerAttributes: AttributeFilter[]; requests: number; errors: number; p95DurationNs: bigint | null }
  | { row: 'edge'; source: string; target: string; calls: number; errors: number; p95DurationNs: bigint | null };

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Builds the ServiceMap from a backend's rows: services as they are, a peer row only when no
 * service has its name (the edges to it are already merged by name in the backend's query),
 * nodes sorted by name and edges by source then target, in JavaScript string order.
 */
export function assembleServiceMap(rows: ServiceMapRow[]): ServiceMap {
  const nodes = new Map<string, ServiceMapNode>();
  const edges: ServiceMapEdge[] = [];
  for (const row of rows) {
    if (row.row === 'service') nodes.set(row.name, { name: row.name, kind: 'service', requests: row.requests, errors: row.errors, p95DurationNs: row.p95DurationNs });
  }
  for (const row of rows) {
    if (row.row === 'peer' && !nodes.has(row.name)) {
      nodes.set(row.name, { name: row.name, kind: row.kind, requests: row.requests, errors: row.errors, p95DurationNs: row.p95DurationNs, peerAttributes: row.peerAttributes });
    } else if (row.row === 'edge') {
      edges.push({ source: row.source, target: row.target, calls: row.calls, errors: row.errors, p95DurationNs: row.p95DurationNs });
    }
  }
  return {
    nodes: [...nodes.values()].sort((a, b) => byText(a.name, b.name)),
    edges: edges.sort((a, b) => byText(a.source, b.source) || byText(a.target, b.target)),
  };
}
