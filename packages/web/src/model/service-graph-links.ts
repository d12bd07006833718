import { buildServiceHref, buildTracesHref } from './hrefs';
import { isVirtualNode, searchEdgeCalls, searchNodeCalls, type CallSearch, type GraphEdge, type GraphNode } from './service-graph';
import { timeRangeSearch, type TimeRange } from './time-range';

/** The traces page URL for a call search (service, parentService and repeated `attr`), over `range`. */
export function buildCallSearchHref(search: CallSearch, range: TimeRange): string {
  const href = buildTracesHref({ range, service: search.service, parentService: search.parentService });
  return href + (search.attr ?? []).map((a) => `&attr=${encodeURIComponent(a)}`).join('');
}

/** Where an edge leads: the traces of its calls; `target` is the callee's node when known (see searchEdgeCalls). */
export function buildEdgeHref(edge: GraphEdge, target: GraphNode | undefined, range: TimeRange): string {
  return buildCallSearchHref(searchEdgeCalls(edge, target), range);
}

/** Where a node leads: a service's page, or the traces of every call to a virtual node. */
export function buildNodeHref(node: GraphNode, range: TimeRange): string {
  const calls = searchNodeCalls(node);
  return calls === undefined || !isVirtualNode(node) ? buildServiceHref(node.name, range) : buildCallSearchHref(calls, range);
}

/** The service map over `range`, narrowed to `focus` and its neighbours when given. */
export function buildServiceMapHref(range: TimeRange, focus?: string): string {
  return `/service-map?${timeRangeSearch(range)}${focus === undefined ? '' : `&focus=${encodeURIComponent(focus)}`}`;
}

/** The accessible name of a table's "N calls" link: its visible text first, then what it opens. */
export function describeCallsLink(edge: GraphEdge): string {
  return `${edge.calls.toLocaleString('en-US')} calls from ${edge.source} to ${edge.target}: open their traces`;
}
