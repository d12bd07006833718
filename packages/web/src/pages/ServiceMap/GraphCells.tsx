import { Link } from '../../components/Link';
import { buildServiceHref } from '../../model/hrefs';
import { describeNodeKind, isVirtualNode, type GraphNode, type Health } from '../../model/service-graph';
import type { TimeRange } from '../../model/time-range';

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
