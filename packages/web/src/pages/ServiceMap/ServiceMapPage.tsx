import { useMemo } from 'react';
import { fetchServiceMap, type ServiceMapResponse } from '../../api';
import { Link } from '../../components/Link';
import { EdgeFigureCells, EdgeFigureHeaders, HealthCell, NodeName } from '../../components/ServiceGraphCells';
import { EmptyState, ErrorView, Loading } from '../../components/StateViews';
import { formatDurationNs, formatPercent, formatRate } from '../../model/format';
import { useLocation, useSetSearchParams } from '../../model/router';
import { HEALTH_LEGEND, classifyHealth, focusGraph, isVirtualNode, type Graph } from '../../model/service-graph';
import { buildNodeHref } from '../../model/service-graph-links';
import { describeTimeRange, rangeParams, timeRangeKey, type TimeRange } from '../../model/time-range';
import { useAsync } from '../../model/use-async';
import { ServiceGraph, edgeKeyOf } from './ServiceGraph';
import './service-map.css';

function Legend() {
  return (
    <ul className="service-map-legend" aria-label="Legend">
      {HEALTH_LEGEND.map(({ health, label }) => (
        <li key={health} className={`sm-health-${health}`}>
          <span className="sm-legend-swatch" aria-hidden="true" />
          {label}
        </li>
      ))}
      <li>
        <span className="sm-legend-shape" aria-hidden="true" />
        Service
      </li>
      <li>
        <span className="sm-legend-shape sm-legend-shape-database" aria-hidden="true" />
        Database (not instrumented)
      </li>
      <li>
        <span className="sm-legend-shape sm-legend-shape-peer" aria-hidden="true" />
        Messaging or external system (not instrumented)
      </li>
      <li>Arrows point from caller to callee; thicker means more calls</li>
    </ul>
  );
}

function EdgesTable({ graph, range }: { graph: Graph; range: TimeRange }) {
  const nodeByName = new Map(graph.nodes.map((n) => [n.name, n]));
  const sorted = [...graph.edges].sort((a, b) => b.calls - a.calls || edgeKeyOf(a).localeCompare(edgeKeyOf(b)));
  return (
    <table className="data-table service-map-edges" aria-labelledby="service-map-edges-title">
      <thead>
        <tr>
          <th scope="col">Caller</th>
          <th scope="col">Callee</th>
          <EdgeFigureHeaders />
        </tr>
      </thead>
      <tbody>
        {sorted.map((edge) => {
          const target = nodeByName.get(edge.target);
          const source = nodeByName.get(edge.source);
          return (
            <tr key={edgeKeyOf(edge)} data-edge={edgeKeyOf(edge)}>
              <td>{source === undefined ? edge.source : <NodeName node={source} range={range} />}</td>
              <td>{target === undefined ? edge.target : <NodeName node={target} range={range} />}</td>
              <EdgeFigureCells edge={edge} target={target} range={range} />
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function NodesTable({ graph, range }: { graph: Graph; range: TimeRange }) {
  return (
    <table className="data-table service-map-nodes" aria-labelledby="service-map-nodes-title">
      <thead>
        <tr>
          <th scope="col">Node</th>
          <th scope="col" className="num">
            Req/s
          </th>
          <th scope="col" className="num">
            Error %
          </th>
          <th scope="col" className="num">
            p95
          </th>
          <th scope="col">Health</th>
        </tr>
      </thead>
      <tbody>
        {graph.nodes.map((node) => (
          <tr key={node.name} data-node={node.name}>
            <th scope="row">
              {isVirtualNode(node) ? (
                <Link href={buildNodeHref(node, range)} aria-label={`Traces calling ${node.name}`}>
                  {node.name}
                </Link>
              ) : (
                <NodeName node={node} range={range} />
              )}
              {isVirtualNode(node) && <span className="sm-kind-badge">{node.kind}</span>}
            </th>
            <td className="num">{formatRate(node.requestsPerSecond)}</td>
            <td className={`num${node.errors > 0 ? ' error-text' : ''}`}>{formatPercent(node.errorRate)}</td>
            <td className="num">{node.p95DurationNs === null ? '–' : formatDurationNs(node.p95DurationNs)}</td>
            <td>
              <HealthCell health={classifyHealth(node.requests, node.errorRate)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** How many services and peers, for the line above the map. */
function summarize(graph: Graph): string {
  const services = graph.nodes.filter((n) => !isVirtualNode(n)).length;
  const peers = graph.nodes.length - services;
  const parts = [`${services} service${services === 1 ? '' : 's'}`];
  if (peers > 0) parts.push(`${peers} uninstrumented peer${peers === 1 ? '' : 's'}`);
  parts.push(`${graph.edges.length} connection${graph.edges.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/**
 * `/service-map`: services laid out by call direction (callers left, callees right) with
 * request rate, error rate and p95 on every node and edge, coloured by health, for the range.
 * A node opens its service (a virtual node: the traces calling it), an edge its traces.
 * `focus=<service>` narrows the map to one service and its direct neighbours.
 */
export function ServiceMapPage({ range }: { range: TimeRange }) {
  const { search } = useLocation();
  const setSearch = useSetSearchParams();
  const focus = search.get('focus') ?? undefined;
  const state = useAsync<ServiceMapResponse>(`service-map:${timeRangeKey(range)}`, (signal) => fetchServiceMap(rangeParams(range), signal));
  const graph = useMemo(() => (state.kind === 'ready' ? focusGraph(state.data, focus) : undefined), [state, focus]);
  const services = state.kind === 'ready' ? state.data.nodes.filter((n) => !isVirtualNode(n)).map((n) => n.name) : [];

  return (
    <section aria-labelledby="service-map-title" className="service-map-page">
      <h1 id="service-map-title">Service map</h1>
      {state.kind === 'loading' && <Loading what="the service map" />}
      {state.kind === 'error' && <ErrorView what="the service map" error={state.error} />}
      {state.kind === 'ready' && state.data.nodes.length === 0 && <EmptyState title="No services in this time range" showSendData />}
      {graph !== undefined && graph.nodes.length > 0 && (
        <>
          <div className="service-map-toolbar">
            <label>
              <span>Focus on</span>
              <select value={focus !== undefined && services.includes(focus) ? focus : ''} onChange={(e) => setSearch({ focus: e.target.value || undefined }, { replace: true })}>
                <option value="">All services</option>
                {services.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <p className="service-map-summary" aria-live="polite">
              {summarize(graph)} · {describeTimeRange(range)}
            </p>
          </div>
          <Legend />
          {graph.edges.length === 0 && (
            <p className="service-map-note">
              No calls between services in this range. Edges come from spans whose parent span belongs to another service: make sure your services propagate trace context (W3C{' '}
              <code>traceparent</code>) on their calls.
            </p>
          )}
          <div className="service-map-canvas">
            <ServiceGraph graph={graph} range={range} />
          </div>
          <div className="service-map-tables">
            {graph.edges.length > 0 && (
              <div>
                <h2 id="service-map-edges-title">Calls between services</h2>
                <EdgesTable graph={graph} range={range} />
              </div>
            )}
            <div>
              <h2 id="service-map-nodes-title">Nodes</h2>
              <NodesTable graph={graph} range={range} />
            </div>
          </div>
        </>
      )}
    </section>
  );
}
