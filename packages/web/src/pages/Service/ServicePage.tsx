import type { ReactNode } from 'react';
import { fetchLatencyHistogram, fetchOperationsSummary, type LatencyHistogramResponse, type OperationsSummaryResponse } from '../../api';
import { Link } from '../../components/Link';
import { Sparkline } from '../../components/Sparkline';
import { ErrorView, Loading } from '../../components/StateViews';
import { formatDurationNs, formatPercent, formatRate } from '../../model/format';
import { buildLogsHref, buildTracesHref } from '../../model/hrefs';
import { rangeParams, timeRangeKey, timeRangeSearch, type TimeRange } from '../../model/time-range';
import { useAsync, type AsyncState } from '../../model/use-async';
import { ErrorGroupsSection } from './ErrorGroupsSection';
import { ErrorLogsSection } from './ErrorLogsSection';
import { LatencySection } from './LatencySection';
import { OperationsTable } from './OperationsTable';
import { ServiceNeighbours } from './ServiceNeighbours';
import { findEntryKinds, isEntryOperation } from './service-page-model';
import './service-page.css';

/** Time buckets of the operations' sparklines, as on the services page. */
const BUCKETS = 30;

/** The sum per bucket of the entry operations' `field`: the service's requests (or errors) over time. */
function sumEntryBuckets(summary: OperationsSummaryResponse, field: 'spans' | 'errors'): number[] {
  const sums = new Array<number>(BUCKETS).fill(0);
  for (const operation of summary.operations.filter(isEntryOperation)) operation.buckets.forEach((b, i) => (sums[i] += b[field]));
  return sums;
}

function Stat({ name, label, value, children }: { name: string; label: string; value: string; children?: ReactNode }) {
  return (
    <div className="service-stat" data-stat={name}>
      <dt>{label}</dt>
      <dd>
        <span className="service-stat-value">{value}</span>
        {children}
      </dd>
    </div>
  );
}

/**
 * The service's RED figures over the range, from its requests (server and consumer spans):
 * rate, error rate and exact percentiles from the latency answer, request and error
 * sparklines from the entry operations' buckets.
 */
function ServiceStats({ service, latency, operations }: { service: string; latency: AsyncState<LatencyHistogramResponse>; operations: AsyncState<OperationsSummaryResponse> }) {
  if (latency.kind === 'loading') return <Loading what="the service's figures" />;
  if (latency.kind === 'error') return <ErrorView what="the service's figures" error={latency.error} />;
  const data = latency.data;
  const seconds = Number(BigInt(data.endUnixNano) - BigInt(data.startUnixNano)) / 1e9;
  const duration = (ns: string | null) => (ns === null ? '–' : formatDurationNs(ns));
  const sparkline = (field: 'spans' | 'errors', label: string) =>
    operations.kind === 'ready' && <Sparkline values={sumEntryBuckets(operations.data, field)} label={label} width={140} height={28} />;
  return (
    <dl className="service-stats" aria-label={`Figures of ${service}'s requests (server and consumer spans) over the time range`}>
      <Stat name="rate" label="Requests/s" value={formatRate(seconds > 0 ? data.spans / seconds : 0)}>
        {sparkline('spans', `${service}: ${data.spans} requests over the range`)}
      </Stat>
      <Stat name="errors" label="Error %" value={data.spans > 0 ? formatPercent(data.errors / data.spans) : '–'}>
        <span className="error-sparkline">{sparkline('errors', `${service}: ${data.errors} failed requests over the range`)}</span>
      </Stat>
      <Stat name="p50" label="p50" value={duration(data.p50DurationNs)} />
      <Stat name="p95" label="p95" value={duration(data.p95DurationNs)} />
      <Stat name="p99" label="p99" value={duration(data.p99DurationNs)} />
      <Stat name="requests" label="Requests" value={data.spans.toLocaleString('en-US')} />
    </dl>
  );
}

/** `/services/:name`: one service's figures, operations, latency distribution, errors, error logs and neighbours. */
export function ServicePage({ service, range }: { service: string; range: TimeRange }) {
  const key = `${service}:${timeRangeKey(range)}`;
  const operations = useAsync(`operations-summary:${key}`, (signal) => fetchOperationsSummary(service, rangeParams(range), BUCKETS, signal));
  const latency = useAsync(`latency:${key}`, (signal) => fetchLatencyHistogram(service, rangeParams(range), signal));

  return (
    <section className="service-page" aria-labelledby="service-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href={`/?${timeRangeSearch(range)}`}>Services</Link> <span aria-hidden="true">›</span> <span aria-current="page">{service}</span>
      </nav>
      <div className="service-title-row">
        <h1 id="service-title">{service}</h1>
        <div className="service-links">
          <Link href={buildTracesHref({ range, service })}>Traces</Link>
          <Link href={buildTracesHref({ range, service, status: 'error' })}>Error traces</Link>
          <Link href={buildLogsHref({ range, service })}>Logs</Link>
        </div>
      </div>
      <ServiceStats service={service} latency={latency} operations={operations} />

      <section className="service-section" aria-labelledby="operations-title">
        <div className="svc-section-header">
          <h2 id="operations-title">Operations</h2>
        </div>
        {operations.kind === 'loading' && <Loading what="operations" />}
        {operations.kind === 'error' && <ErrorView what="operations" error={operations.error} />}
        {operations.kind === 'ready' && <OperationsTable service={service} range={range} summary={operations.data} />}
      </section>

      <LatencySection
        service={service}
        range={range}
        operations={operations.kind === 'ready' ? operations.data.operations : []}
        entryKinds={findEntryKinds(operations.kind === 'ready' ? operations.data : undefined)}
        overall={latency}
      />

      <ErrorGroupsSection service={service} range={range} />
      <ErrorLogsSection service={service} range={range} />

      {/* Its own section, headed "Upstream and downstream". */}
      <ServiceNeighbours service={service} range={range} />
    </section>
  );
}
