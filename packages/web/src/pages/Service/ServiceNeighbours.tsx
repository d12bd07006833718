import { fetchServiceMap } from '../../api';
import { Link } from '../../components/Link';
import { ErrorView, Loading } from '../../components/StateViews';
import { formatDurationNs, formatPercent, formatRate } from '../../model/format';
import { classifyHealth, findNeighbours, type Neighbour } from '../../model/service-graph';
import { rangeParams, timeRangeKey, timeRangeSearch, type TimeRange } from '../../model/time-range';
import { useAsync } from '../../model/use-async';
import { HealthCell, NodeName } from '../ServiceMap/GraphCells';
import { buildEdgeHref, describeCallsLink } from '../ServiceMap/service-map-links';
import '../ServiceMap/service-map.css';

function NeighboursTable({ caption, side, neighbours, empty, range }: { caption: string; side: 'upstream' | 'downstream'; neighbours: Neighbour[]; empty: string; range: TimeRange }) {
  return (
    <table className={`data-table neighbours-${side}`}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{side === 'upstream' ? 'Caller' : 'Callee'}</th>
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
        </tr>
      </thead>
      <tbody>
        {neighbours.length === 0 && (
          <tr className="sm-empty-row">
            <td colSpan={6}>{empty}</td>
          </tr>
        )}
        {neighbours.map(({ node, edge }) => {
          const target = side === 'downstream' ? node : undefined;
          return (
            <tr key={node.name} data-neighbour={node.name}>
              <th scope="row">
                <NodeName node={node} range={range} />
              </th>
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
            </tr>
          );
        })}
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
        <Link href={`/service-map?${timeRangeSearch(range)}&focus=${encodeURIComponent(service)}`}>Show on the service map</Link>
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
