import { fetchMetricLabelValues, fetchMetricLabels, fetchMetricPoints, fetchMetricSeries, fetchMetrics, type MetricInfoJson, type MetricPointJson } from '../../api';
import { LineChart } from '../../components/LineChart';
import { EmptyState, ErrorView, Loading } from '../../components/StateViews';
import { formatUnit } from '../../model/chart-scale';
import { NUMBER_AGGREGATIONS, PERCENTILES, buildChartLines, chooseStepMs, type NumberAggregation, type Percentile } from '../../model/metric-series';
import { useLocation, useSetSearchParams } from '../../model/router';
import { rangeDurationMs, rangeParams, timeRangeKey, type TimeRange } from '../../model/time-range';
import { useAsync } from '../../model/use-async';
import { ServiceSelect } from '../../components/ServiceSelect';

/** Points read per chart; the API's default cap (maxQueryLimit) is 10,000. */
const POINT_LIMIT = 10_000;
const SERIES_LIMIT = 10_000;
const MAX_LINES = 10;
const SERVICE_LABEL = 'service.name';

/** The explorer's state as it is kept in the URL query (`match` repeats). */
interface ExplorerState {
  q: string;
  service: string;
  metric: string;
  match: string[];
  aggregation: NumberAggregation;
  by: string;
  rate: boolean;
  percentile: Percentile;
}

function readState(search: URLSearchParams): ExplorerState {
  const agg = search.get('agg') as NumberAggregation | null;
  const pct = search.get('pct') as Percentile | null;
  return {
    q: search.get('q') ?? '',
    service: search.get('service') ?? '',
    metric: search.get('metric') ?? '',
    match: search.getAll('match'),
    aggregation: agg !== null && NUMBER_AGGREGATIONS.includes(agg) ? agg : 'sum',
    by: search.get('by') ?? '',
    rate: search.get('rate') === '1',
    percentile: pct !== null && PERCENTILES.includes(pct) ? pct : 'p95',
  };
}

const serviceMatchers = (service: string): string[] => (service === '' ? [] : [`${SERVICE_LABEL}=${service}`]);

/**
 * `/explore/metrics`: a searchable list of the metrics with points in the range (optionally
 * of one service); the chosen metric's label filters, an aggregation (or a percentile for
 * histograms) and a line chart of the result. All state is in the URL.
 */
export function MetricsExplorerPage({ range }: { range: TimeRange }) {
  const { search } = useLocation();
  const setSearch = useSetSearchParams();
  const state = readState(search);
  const params = rangeParams(range);
  const metrics = useAsync(`metrics:${timeRangeKey(range)}:${state.service}`, async (signal) => {
    const { metrics: all } = await fetchMetrics(params, signal);
    if (state.service === '') return all;
    // /metrics takes no matchers: narrow to the service's metrics through its series.
    const { series } = await fetchMetricSeries({ ...params, match: serviceMatchers(state.service), limit: SERIES_LIMIT }, signal);
    const names = new Set(series.map((s) => s.metric));
    return all.filter((m) => names.has(m.name));
  });
  const services = useAsync(`metric-services:${timeRangeKey(range)}`, (signal) => fetchMetricLabelValues(SERVICE_LABEL, params, signal));

  const needle = state.q.trim().toLowerCase();
  const shown = metrics.kind === 'ready' ? metrics.data.filter((m) => needle === '' || m.name.toLowerCase().includes(needle) || m.description.toLowerCase().includes(needle)) : [];
  const selectedInfo = metrics.kind === 'ready' ? metrics.data.find((m) => m.name === state.metric) : undefined;
  const serviceNames = services.kind === 'ready' ? services.data.values : [];
  const serviceOptions = state.service !== '' && !serviceNames.includes(state.service) ? [state.service, ...serviceNames] : serviceNames;

  return (
    <section aria-labelledby="metrics-title" className="metrics-explorer">
      <h1 id="metrics-title">Metrics</h1>
      <div className="search-form" role="group" aria-label="Choose metrics">
        <ServiceSelect value={state.service} services={serviceOptions} onChange={(service) => setSearch({ service })} />
        <label className="metric-search">
          <span>Search metrics</span>
          <input type="search" name="q" value={state.q} placeholder="name or description" onChange={(e) => setSearch({ q: e.target.value }, { replace: true })} />
        </label>
        {services.kind === 'error' && <ErrorView what="services" error={services.error} />}
      </div>
      <div className="explorer-layout">
        <div className="metric-browser">
          {metrics.kind === 'loading' && <Loading what="metrics" />}
          {metrics.kind === 'error' && <ErrorView what="metrics" error={metrics.error} />}
          {metrics.kind === 'ready' && metrics.data.length === 0 && (
            <EmptyState title="No metrics in this range" showSendData={state.service === ''}>
              <p>Widen the time range{state.service === '' ? '' : ' or choose another service'}.</p>
            </EmptyState>
          )}
          {metrics.kind === 'ready' && metrics.data.length > 0 && (
            <>
              <p className="muted">
                {shown.length} of {metrics.data.length} metric{metrics.data.length === 1 ? '' : 's'}
              </p>
              <ul className="metric-list" aria-label="Metrics found">
                {shown.map((m) => (
                  <li key={m.name}>
                    <button
                      type="button"
                      className="metric-item"
                      aria-pressed={m.name === state.metric}
                      onClick={() => setSearch({ metric: m.name, match: undefined, agg: undefined, by: undefined, rate: undefined, pct: undefined })}
                      title={m.description || undefined}
                    >
                      <span className="metric-name">{m.name}</span>
                      <span className="metric-meta muted">
                        {m.type}
                        {formatUnit(m.unit) !== '' && ` · ${formatUnit(m.unit)}`}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
        <div className="metric-view">
          {state.metric === '' ? (
            <EmptyState title="Choose a metric">
              <p>Pick a metric from the list to chart it.</p>
            </EmptyState>
          ) : (
            <MetricView key={`${state.metric}:${timeRangeKey(range)}:${state.service}`} state={state} info={selectedInfo} range={range} />
          )}
        </div>
      </div>
    </section>
  );
}

function MetricView({ state, info, range }: { state: ExplorerState; info: MetricInfoJson | undefined; range: TimeRange }) {
  const setSearch = useSetSearchParams();
  const params = rangeParams(range);
  const baseMatch = serviceMatchers(state.service);
  const labels = useAsync(`labels:${state.metric}:${timeRangeKey(range)}:${state.service}`, async (signal) => {
    const selector = { ...params, metric: state.metric, match: baseMatch };
    const { labels: names } = await fetchMetricLabels(selector, signal);
    const shownNames = names.filter((n) => !(n === SERVICE_LABEL && state.service !== ''));
    const values = await Promise.all(shownNames.map((n) => fetchMetricLabelValues(n, selector, signal)));
    return shownNames.map((name, i) => ({ name, values: values[i].values }));
  });
  const match = [...baseMatch, ...state.match];
  const points = useAsync(`points:${state.metric}:${timeRangeKey(range)}:${JSON.stringify(match)}`, (signal) =>
    fetchMetricPoints({ ...params, metric: state.metric, match, limit: POINT_LIMIT }, signal),
  );

  const first: MetricPointJson | undefined = points.kind === 'ready' ? points.data.points[0] : undefined;
  const type = info?.type ?? first?.metric.type ?? '';
  const unit = info?.unit ?? first?.metric.unit ?? '';
  const isHistogram = type === 'histogram' || type === 'exponential_histogram' || type === 'summary';
  const isSum = type === 'sum';
  const monotonic = first === undefined || first.metric.isMonotonic;
  const rate = isSum && state.rate && monotonic;
  const rangeMs = rangeDurationMs(range);
  const matchFor = (label: string) => state.match.find((m) => m.startsWith(`${label}=`))?.slice(label.length + 1) ?? '';
  const setFilter = (label: string, value: string) => setSearch({ match: [...state.match.filter((m) => !m.startsWith(`${label}=`)), ...(value === '' ? [] : [`${label}=${value}`])] });
  const labelNames = labels.kind === 'ready' ? labels.data.map((l) => l.name) : [];
  const byOptions = state.by !== '' && !labelNames.includes(state.by) ? [state.by, ...labelNames] : labelNames;

  const what = isHistogram ? state.percentile : rate ? `${state.aggregation} of rate` : state.aggregation;
  const chartLabel = `${state.metric}: ${what}${state.by !== '' && (isHistogram || state.aggregation !== 'none') ? ` by ${state.by}` : ''}`;

  return (
    <section aria-labelledby="metric-title" className="metric-panel">
      <h2 id="metric-title">
        {state.metric} {type !== '' && <span className="metric-meta muted">{type}</span>} {formatUnit(unit) !== '' && <span className="metric-meta muted">{formatUnit(unit)}</span>}
      </h2>
      {info?.description !== undefined && info.description !== '' && <p className="muted">{info.description}</p>}
      <div className="search-form" role="group" aria-label="Filters and aggregation">
        {labels.kind === 'loading' && <Loading what="labels" />}
        {labels.kind === 'error' && <ErrorView what="labels" error={labels.error} />}
        {labels.kind === 'ready' &&
          labels.data.map((label) => {
            const current = matchFor(label.name);
            const values = current !== '' && !label.values.includes(current) ? [current, ...label.values] : label.values;
            return (
              <label key={label.name} className="label-filter">
                <span>{label.name}</span>
                <select name={`match-${label.name}`} aria-label={`Filter ${label.name}`} value={current} onChange={(e) => setFilter(label.name, e.target.value)}>
                  <option value="">any</option>
                  {values.map((v) => (
                    <option key={v} value={v}>
                      = {v}
                    </option>
                  ))}
                </select>
              </label>
            );
          })}
        {!isHistogram && (
          <label>
            <span>Aggregation</span>
            <select name="agg" value={state.aggregation} onChange={(e) => setSearch({ agg: e.target.value === 'sum' ? undefined : e.target.value })}>
              {NUMBER_AGGREGATIONS.map((a) => (
                <option key={a} value={a}>
                  {a === 'none' ? 'none (each series)' : a}
                </option>
              ))}
            </select>
          </label>
        )}
        {isHistogram && (
          <label>
            <span>Percentile</span>
            <select name="pct" value={state.percentile} onChange={(e) => setSearch({ pct: e.target.value === 'p95' ? undefined : e.target.value })}>
              {PERCENTILES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          <span>Group by</span>
          <select name="by" value={state.by} onChange={(e) => setSearch({ by: e.target.value })} disabled={!isHistogram && state.aggregation === 'none'}>
            <option value="">(everything)</option>
            {byOptions.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        {isSum && (
          <label className="checkbox-field">
            <input type="checkbox" name="rate" checked={rate} disabled={!monotonic} onChange={(e) => setSearch({ rate: e.target.checked ? '1' : undefined })} />
            <span>Rate (per second){!monotonic && ' (not a counter)'}</span>
          </label>
        )}
      </div>
      <div aria-live="polite">
        {points.kind === 'loading' && <Loading what="points" />}
        {points.kind === 'error' && <ErrorView what="points" error={points.error} />}
        {points.kind === 'ready' && (
          <ChartView
            points={points.data.points}
            state={state}
            rate={rate}
            stepMs={chooseStepMs(rangeMs)}
            unitText={formatUnit(unit, rate)}
            label={chartLabel}
            truncated={points.data.points.length >= POINT_LIMIT}
          />
        )}
      </div>
    </section>
  );
}

function ChartView({ points, state, rate, stepMs, unitText, label, truncated }: { points: MetricPointJson[]; state: ExplorerState; rate: boolean; stepMs: number; unitText: string; label: string; truncated: boolean }) {
  if (points.length === 0) {
    return (
      <EmptyState title="No points match">
        <p>Widen the time range or remove a filter.</p>
      </EmptyState>
    );
  }
  const result = buildChartLines(points, { aggregation: state.aggregation, by: state.by, rate, percentile: state.percentile, stepMs }, MAX_LINES);
  if (result.unsupportedKind !== undefined) {
    return (
      <EmptyState title={`Charts of ${result.unsupportedKind.replace('_', ' ')} points are not supported yet`}>
        <p>Histograms with explicit buckets, gauges and sums can be charted.</p>
      </EmptyState>
    );
  }
  const lines = result.lines.filter((l) => l.points.length > 0);
  if (lines.length === 0) {
    return (
      <EmptyState title="Nothing to draw yet">
        <p>{rate ? 'A rate needs two points of a series; wait for the next export or widen the time range.' : 'The points hold no finite values.'}</p>
      </EmptyState>
    );
  }
  return (
    <>
      {truncated && <p className="muted">Only the first {POINT_LIMIT.toLocaleString('en-US')} points were read: narrow the time range or add a filter to see the latest.</p>}
      {result.omittedLineCount > 0 && (
        <p className="muted">
          Showing {MAX_LINES} lines; {result.omittedLineCount} more were left out. Add a filter or group by another label.
        </p>
      )}
      <LineChart lines={lines} unitText={unitText} label={label} />
    </>
  );
}
