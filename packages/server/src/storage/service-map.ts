import type { AttributeFilter, ServiceMap, ServiceMapEdge, ServiceMapNode, ServiceMapNodeKind } from './interface.js';
import { compareText } from './compare-text.js';

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

/**
 * How far outside a range the other end of a call may start and still be matched with a span
 * in it (see ServiceMap and TraceSearchQuery.parentService): a caller span up to this long
 * before the range, a child span up to this long after it.
 */
export const CALL_MATCH_MARGIN_NS = 3_600_000_000_000n;

/** The kind of a virtual node. */
export type PeerNodeKind = Exclude<ServiceMapNodeKind, 'service'>;

/**
 * One aggregate row a backend computes for the service map: a service's figures, a virtual
 * node's figures, the calls to a virtual node with one kind and one set of naming
 * attributes, or an edge's figures.
 */
export type ServiceMapRow =
  | { row: 'service'; name: string; requests: number; errors: number; p95DurationNs: bigint | null }
  | { row: 'peer'; name: string; requests: number; errors: number; p95DurationNs: bigint | null }
  | { row: 'peerSet'; name: string; kind: PeerNodeKind; peerAttributes: AttributeFilter[]; calls: number }
  | { row: 'edge'; source: string; target: string; calls: number; errors: number; p95DurationNs: bigint | null };

/** Calls by item, under a text key. */
type CallCounts<T> = Map<string, { item: T; calls: number }>;

function addCalls<T>(counts: CallCounts<T>, key: string, item: T, calls: number): void {
  const known = counts.get(key);
  if (known === undefined) counts.set(key, { item, calls });
  else known.calls += calls;
}

/** The items, most calls first, ties by key in JavaScript string order. */
function rankByCalls<T>(counts: CallCounts<T>): T[] {
  return [...counts.entries()].sort(([keyA, a], [keyB, b]) => b.calls - a.calls || compareText(keyA, keyB)).map(([, v]) => v.item);
}

/**
 * Builds the ServiceMap from a backend's rows: services as they are, plus a service with no
 * span in the range that called from before it (zero requests); a peer only when no service
 * has its name (the edges to it are already merged by name in the backend's query), with the
 * kind of most of its calls and its attribute sets, most calls first; nodes sorted by name
 * and edges by source then target, in JavaScript string order.
 */
export function assembleServiceMap(rows: ServiceMapRow[]): ServiceMap {
  const nodes = new Map<string, ServiceMapNode>();
  const edges: ServiceMapEdge[] = [];
  const peers = new Map<string, { kinds: CallCounts<PeerNodeKind>; attributeSets: CallCounts<AttributeFilter[]> }>();
  for (const row of rows) {
    if (row.row === 'service') nodes.set(row.name, { name: row.name, kind: 'service', requests: row.requests, errors: row.errors, p95DurationNs: row.p95DurationNs });
    else if (row.row === 'edge') edges.push({ source: row.source, target: row.target, calls: row.calls, errors: row.errors, p95DurationNs: row.p95DurationNs });
    else if (row.row === 'peerSet') {
      let peer = peers.get(row.name);
      if (peer === undefined) peers.set(row.name, (peer = { kinds: new Map(), attributeSets: new Map() }));
      addCalls(peer.kinds, row.kind, row.kind, row.calls);
      addCalls(peer.attributeSets, row.peerAttributes.map((a) => `${a.key}=${a.value}`).join('\u0000'), row.peerAttributes, row.calls);
    }
  }
  for (const row of rows) {
    if (row.row !== 'peer' || nodes.has(row.name)) continue;
    const peer = peers.get(row.name);
    const attributeSets = peer === undefined ? [] : rankByCalls(peer.attributeSets);
    nodes.set(row.name, {
      name: row.name,
      kind: peer === undefined ? 'external' : rankByCalls(peer.kinds)[0],
      requests: row.requests,
      errors: row.errors,
      p95DurationNs: row.p95DurationNs,
      peerAttributes: attributeSets[0] ?? [],
      peerAttributeSets: attributeSets,
    });
  }
  for (const edge of edges) {
    if (!nodes.has(edge.source)) nodes.set(edge.source, { name: edge.source, kind: 'service', requests: 0, errors: 0, p95DurationNs: null });
  }
  return {
    nodes: [...nodes.values()].sort((a, b) => compareText(a.name, b.name)),
    edges: edges.sort((a, b) => compareText(a.source, b.source) || compareText(a.target, b.target)),
  };
}
