import { fetchServiceMap } from '../../api';
import { Link } from '../../components/Link';
import { EdgeFigureCells, EdgeFigureHeaders, NodeName } from '../../components/ServiceGraphCells';
import { ErrorView, Loading } from '../../components/StateViews';
import { findNeighbours, type Neighbour } from '../../model/service-graph';
import { buildServiceMapHref } from '../../model/service-graph-links';
import { rangeParams, timeRangeKey, type TimeRange } from '../../model/time-range';
import { useAsync } from '../../model/use-async';

function NeighboursTable({ caption, side, neighbours, empty, range }: { caption: string; side: 'upstream' | 'downstream'; neighbours: Neighbour[]; empty: string; range: TimeRange }) {
  return (
    <table className={`data-table neighbours-${side}`}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{side === 'upstream' ? 'Caller' : 'Callee'}</th>
          <EdgeFigureHeaders />
        </tr>
      </thead>
      <tbody>
        {neighbours.length === 0 && (
          <tr className="neighbours-empty-row">
            <td colSpan={6}>{empty}</td>
          </tr>
        )}
        {neighbours.map(({ node, edge }) => (
          <tr key={node.name} data-neighbour={node.name}>
            <th scope="row">
              <NodeName node={node} range={range} />
            </th>
            {/* Upstream, the callee is this service: no virtual node to search by. */}
            <EdgeFigureCells edge={edge} target={side === 'downstream' ? node : undefined} range={range} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The services that call `service` (upstream) and those it calls (downstream, including
 * uninstrumented databases and peers), each with the edge's calls/s, error % and p95 over
 * `range`, linking to the neighbour's page and to the edge's traces.
 */
export function ServiceNeighbours({ service, range }: { service: string; range: TimeRange }) {
  const state = useAsync(`service-map:${timeRangeKey(range)}`, (signal) => fetchServiceMap(rangeParams(range), signal));
  const neighbours = state.kind === 'ready' ? findNeighbours(state.data, service) : undefined;
  return (
    <section className="service-neighbours" aria-labelledby="service-neighbours-title">
      <div className="service-neighbours-header">
        <h2 id="service-neighbours-title">Upstream and downstream</h2>
        <Link href={buildServiceMapHref(range, service)}>Show on the service map</Link>
      </div>
      {state.kind === 'loading' && <Loading what="neighbours" />}
      {state.kind === 'error' && <ErrorView what="neighbours" error={state.error} />}
      {neighbours !== undefined && (
        <div className="service-neighbours-grid">
          <NeighboursTable
            caption={`Upstream: calling ${service}`}
            side="upstream"
            neighbours={neighbours.upstream}
            empty={`No service called ${service} in this range (it may be an entry point).`}
            range={range}
          />
          <NeighboursTable caption={`Downstream: called by ${service}`} side="downstream" neighbours={neighbours.downstream} empty={`${service} called no other service in this range.`} range={range} />
        </div>
      )}
    </section>
  );
}
