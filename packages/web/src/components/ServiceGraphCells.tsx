import { formatDurationNs, formatPercent, formatRate } from '../model/format';
import { buildServiceHref } from '../model/hrefs';
import { classifyHealth, describeNodeKind, isVirtualNode, type GraphEdge, type GraphNode, type Health } from '../model/service-graph';
import { buildEdgeHref, describeCallsLink } from '../model/service-graph-links';
import type { TimeRange } from '../model/time-range';
import { Link } from './Link';
import './service-graph-cells.css';

/*
 * Table cells for the service graph's nodes and edges, shared by the service map's tables and
 * the service page's neighbours. service-graph-cells.css also holds the health colours the
 * map's drawing uses.
 */

/** A coloured dot and the health's name, so colour is never the only cue. */
export function HealthCell({ health }: { health: Health }) {
  return (
    <span className={`sm-health-cell sm-health-${health}`}>
      <span className="sm-health-dot" aria-hidden="true" />
      {health === 'idle' ? 'no requests' : health}
    </span>
  );
}

/** A node's name for a table: a link to a service's page, or a virtual node's name with its kind. */
export function NodeName({ node, range }: { node: GraphNode; range: TimeRange }) {
  if (!isVirtualNode(node)) return <Link href={buildServiceHref(node.name, range)}>{node.name}</Link>;
  return (
    <>
      {node.name}{' '}
      <span className="sm-kind-badge" title={`${describeNodeKind(node.kind)}, seen only from its callers' spans`}>
        {node.kind}
      </span>
    </>
  );
}

/** The column headers of EdgeFigureCells, in the same order: Calls/s, Error %, p95, Health, Traces. */
export function EdgeFigureHeaders() {
  return (
    <>
      <th scope="col" className="num">
        Calls/s
      </th>
      <th scope="col" className="num">
        Error %
      </th>
      <th scope="col" className="num">
        p95
      </th>
      <th scope="col">Health</th>
      <th scope="col">Traces</th>
    </>
  );
}

/**
 * An edge's figures over the range as table cells: calls per second, error %, p95, health,
 * and a link to the traces of its calls. `target` is the callee's node when known (the calls
 * to a database or other virtual node are found by its peer attributes).
 */
export function EdgeFigureCells({ edge, target, range }: { edge: GraphEdge; target: GraphNode | undefined; range: TimeRange }) {
  return (
    <>
      <td className="num">{formatRate(edge.callsPerSecond)}</td>
      <td className={`num${edge.errors > 0 ? ' error-text' : ''}`}>{formatPercent(edge.errorRate)}</td>
      <td className="num">{edge.p95DurationNs === null ? '–' : formatDurationNs(edge.p95DurationNs)}</td>
      <td>
        <HealthCell health={classifyHealth(edge.calls, edge.errorRate)} />
      </td>
      <td>
        <Link href={buildEdgeHref(edge, target, range)} aria-label={describeCallsLink(edge)}>
          {edge.calls.toLocaleString('en-US')} calls
        </Link>
      </td>
    </>
  );
}
