import { buildServiceHref, buildTracesHref } from '../../model/hrefs';
import { isVirtualNode, searchEdgeCalls, searchNodeCalls, type CallSearch, type GraphEdge, type GraphNode } from '../../model/service-graph';
import type { TimeRange } from '../../model/time-range';

/** The traces page URL for a call search (service, parentService and repeated `attr`), over `range`. */
export function buildCallSearchHref(search: CallSearch, range: TimeRange): string {
  const href = buildTracesHref({ range, service: search.service, parentService: search.parentService });
  return href + (search.attr ?? []).map((a) => `&attr=${encodeURIComponent(a)}`).join('');
}

/** Where an edge leads: the traces of its calls. */
export function buildEdgeHref(edge: GraphEdge, target: GraphNode | undefined, range: TimeRange): string {
  return buildCallSearchHref(searchEdgeCalls(edge, target), range);
}

/** Where a node leads: a service's page, or the traces of every call to a virtual node. */
export function buildNodeHref(node: GraphNode, range: TimeRange): string {
  const calls = searchNodeCalls(node);
  return calls === undefined || !isVirtualNode(node) ? buildServiceHref(node.name, range) : buildCallSearchHref(calls, range);
}

/** The accessible name of a table's "N calls" link: its visible text first, then what it opens. */
export function describeCallsLink(edge: GraphEdge): string {
  return `${edge.calls.toLocaleString('en-US')} calls from ${edge.source} to ${edge.target}: open their traces`;
}
