import type { AttributeFilter } from '../interface.js';
import { PEER_ATTRIBUTE_KEYS, type PeerNodeKind, type ServiceMapRow } from '../service-map.js';
import { nanosOf } from './row-codec.js';

/** A column name for attribute `key` (`db.system` → `a_db_system`). */
const columnOf = (key: string) => `a_${key.replaceAll('.', '_')}`;

/** Every key PEER_ATTRIBUTE_KEYS names, each read once per CLIENT/PRODUCER span. */
const PEER_KEYS: readonly string[] = Object.values(PEER_ATTRIBUTE_KEYS).flat();

/** The keys that name a peer on their own (a database namespace alone does not). */
const NAMING_KEYS: readonly string[] = [...PEER_ATTRIBUTE_KEYS.peerService, ...PEER_ATTRIBUTE_KEYS.dbSystem, ...PEER_ATTRIBUTE_KEYS.messagingSystem, ...PEER_ATTRIBUTE_KEYS.serverAddress];

/** `{key, value}` of the first key present among `keys` (NULL when none is). */
function firstAttribute(keys: readonly string[]): string {
  return `CASE ${keys.map((key) => `WHEN ${columnOf(key)} IS NOT NULL THEN {'key': '${key}', 'value': ${columnOf(key)}}`).join(' ')} END`;
}

/**
 * The service map in one statement, with four parameters: the range's start and end, and the
 * start and end widened by CALL_MATCH_MARGIN_NS (Unix ns). `source` holds the spans' day
 * tables of the range, `wideSource` those of the widened range. `s` reads the range's spans
 * without attributes (materialised; `calls` joins children to parents across services);
 * `near` reads the margins' spans that may be the other end of a call: callers before
 * the range, in the traces of its `orphans` (spans whose parent is not in it) only, and
 * children after it, in traces with a CLIENT/PRODUCER span in it; `leaves` reads the
 * attributes of the CLIENT/PRODUCER spans with no child in another service only. Reading the peer
 * attributes of those alone, rather than of every CLIENT span in one scan, took 540 instead
 * of 680 ms for 1M spans (bench/service-map). Looking up callers through `orphans` costs
 * about 15 % more than no margin at all whatever the margin holds (1M spans in the range, 1
 * or 2M in the hour before: +80-160 ms); through every trace of the range it grew with the
 * margin (+400 ms for 2M). The answer has four kinds of rows:
 * 'service' (one per service), 'peer' (one per virtual node), 'peer_set' (one per virtual
 * node, kind and attributes naming it) and 'edge' (instrumented and virtual calls merged by
 * caller and callee name, so a peer named like a service adds to that service's edge and one
 * percentile covers both).
 */
export function serviceMapSql(source: string, wideSource: string): string {
  const k = PEER_ATTRIBUTE_KEYS;
  return `
    WITH s AS MATERIALIZED (
      SELECT trace_id, span_id, parent_span_id, service_name, kind, status_code, greatest(duration_ns, 0) AS d
      FROM ${source}
      WHERE start_ns >= ?1 AND start_ns < ?2
    ),
    orphans AS (
      SELECT DISTINCT trace_id FROM s c
      WHERE parent_span_id <> 0 AND NOT EXISTS (SELECT 1 FROM s p WHERE p.trace_id = c.trace_id AND p.span_id = c.parent_span_id)
    ),
    near AS MATERIALIZED (
      SELECT trace_id, span_id, parent_span_id, service_name, true AS earlier FROM ${wideSource}
      WHERE start_ns >= ?3 AND start_ns < ?1 AND trace_id IN (SELECT trace_id FROM orphans)
      UNION ALL
      SELECT trace_id, span_id, parent_span_id, service_name, false FROM ${wideSource}
      WHERE start_ns >= ?2 AND start_ns < ?4 AND parent_span_id <> 0 AND trace_id IN (SELECT trace_id FROM s WHERE kind IN (3, 4))
    ),
    calls AS MATERIALIZED (
      SELECT p.trace_id, p.span_id AS parent_id, p.service_name AS caller, c.service_name AS callee, c.status_code, c.d
      FROM s c
      JOIN (SELECT trace_id, span_id, service_name FROM s UNION ALL SELECT trace_id, span_id, service_name FROM near WHERE earlier) p
        ON c.trace_id = p.trace_id AND c.parent_span_id = p.span_id
      WHERE c.parent_span_id <> 0 AND c.service_name <> p.service_name
    ),
    leaves AS (
      SELECT service_name, status_code, greatest(duration_ns, 0) AS d,
        ${PEER_KEYS.map((key) => `nullif(json_extract_string(attributes['${key}'], '$'), '') AS ${columnOf(key)}`).join(',\n        ')}
      FROM ${source} x
      WHERE start_ns >= ?1 AND start_ns < ?2 AND kind IN (3, 4)
        AND NOT EXISTS (SELECT 1 FROM calls WHERE calls.trace_id = x.trace_id AND calls.parent_id = x.span_id)
        AND NOT EXISTS (SELECT 1 FROM near WHERE NOT near.earlier AND near.trace_id = x.trace_id AND near.parent_span_id = x.span_id AND near.service_name <> x.service_name)
    ),
    uncalled AS (
      SELECT service_name AS caller, status_code, d,
        ${firstAttribute(k.peerService)} AS ps,
        ${firstAttribute(k.dbSystem)} AS db,
        ${firstAttribute(k.dbNamespace)} AS dbn,
        ${firstAttribute(k.messagingSystem)} AS ms,
        ${firstAttribute(k.serverAddress)} AS sa
      FROM leaves
      WHERE coalesce(${NAMING_KEYS.map(columnOf).join(', ')}) IS NOT NULL
    ),
    virtual AS MATERIALIZED (
      SELECT caller, status_code, d,
        CASE
          WHEN ps IS NOT NULL THEN {'name': ps.value, 'kind': CASE WHEN db IS NOT NULL THEN 'database' WHEN ms IS NOT NULL THEN 'messaging' ELSE 'external' END, 'attrs': [ps]}
          WHEN db IS NOT NULL THEN {'name': db.value || coalesce('/' || dbn.value, ''), 'kind': 'database', 'attrs': CASE WHEN dbn IS NULL THEN [db] ELSE [db, dbn] END}
          WHEN ms IS NOT NULL THEN {'name': ms.value, 'kind': 'messaging', 'attrs': [ms]}
          WHEN sa IS NOT NULL THEN {'name': sa.value, 'kind': 'external', 'attrs': [sa]}
        END AS peer
      FROM uncalled
    )
    SELECT 'service' AS row_kind, service_name AS a, NULL::VARCHAR AS b, NULL::VARCHAR AS peer_kind, NULL AS attrs,
        count(*) FILTER (WHERE kind IN (2, 5)) AS n,
        count(*) FILTER (WHERE kind IN (2, 5) AND status_code = 2) AS e,
        quantile_cont(d, 0.95) FILTER (WHERE kind IN (2, 5)) AS p95
      FROM s GROUP BY service_name
    UNION ALL
    SELECT 'peer', peer.name, NULL, NULL, NULL, count(*), count(*) FILTER (WHERE status_code = 2), quantile_cont(d, 0.95)
      FROM virtual GROUP BY peer.name
    UNION ALL
    SELECT 'peer_set', peer.name, NULL, peer.kind, peer.attrs, count(*), NULL, NULL
      FROM virtual GROUP BY peer.name, peer.kind, peer.attrs
    UNION ALL
    SELECT 'edge', caller, callee, NULL, NULL, count(*), count(*) FILTER (WHERE status_code = 2), quantile_cont(d, 0.95)
      FROM (SELECT caller, callee, status_code, d FROM calls UNION ALL SELECT caller, peer.name, status_code, d FROM virtual)
      GROUP BY caller, callee`;
}

/** Converts one row of serviceMapSql's answer (as DuckDB's getRowObjectsJS gives it). */
export function rowToServiceMapRow(r: Record<string, unknown>): ServiceMapRow {
  switch (r.row_kind) {
    case 'service':
      return { row: 'service', name: String(r.a), requests: Number(r.n), errors: Number(r.e), p95DurationNs: nanosOf(r.p95) };
    case 'peer':
      return { row: 'peer', name: String(r.a), requests: Number(r.n), errors: Number(r.e), p95DurationNs: nanosOf(r.p95) };
    case 'peer_set': {
      const attrs = (r.attrs as Array<{ key: string; value: string }>).map((x): AttributeFilter => ({ key: x.key, op: '=', value: x.value }));
      return { row: 'peerSet', name: String(r.a), kind: r.peer_kind as PeerNodeKind, peerAttributes: attrs, calls: Number(r.n) };
    }
    default:
      return { row: 'edge', source: String(r.a), target: String(r.b), calls: Number(r.n), errors: Number(r.e), p95DurationNs: nanosOf(r.p95) };
  }
}
