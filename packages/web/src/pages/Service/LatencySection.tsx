import { useId } from 'react';
import { fetchLatencyHistogram, type LatencyHistogramResponse } from '../../api';
import { EmptyState, ErrorView, Loading } from '../../components/StateViews';
import { useLocation, useSetSearchParams } from '../../model/router';
import { rangeParams, timeRangeKey, type TimeRange } from '../../model/time-range';
import { useAsync, type AsyncState } from '../../model/use-async';
import { LatencyChart } from './LatencyChart';
import { buildBucketTracesLinks, isEntryOperation, operationChoiceValue, parseOperationChoice } from './service-page-model';

/**
 * The latency distribution section: the service's requests (`overall`, fetched by the page for
 * its header too) or, chosen in a select kept in the URL (`operation`, `kind`), one operation's
 * spans; a log count scale toggle (`scale=log`). A bucket links to its traces once per span
 * kind it counts: `entryKinds` (see findEntryKinds) for the requests, else the operation's kind.
 */
export function LatencySection({
  service,
  range,
  operations,
  entryKinds,
  overall,
}: {
  service: string;
  range: TimeRange;
  operations: ReadonlyArray<{ name: string; spanKind: string }>;
  entryKinds: readonly string[];
  overall: AsyncState<LatencyHistogramResponse>;
}) {
  const { search } = useLocation();
  const setSearch = useSetSearchParams();
  const operationName = search.get('operation');
  const kind = search.get('kind');
  const chosen = operationName !== null && kind !== null ? { name: operationName, spanKind: kind } : undefined;
  const choice = operationChoiceValue(chosen);
  const logScale = search.get('scale') === 'log';
  const selectId = useId();

  const selected = useAsync(choice === '' ? 'latency:none' : `latency:${service}:${timeRangeKey(range)}:${choice}`, (signal) =>
    chosen === undefined ? Promise.resolve(null) : fetchLatencyHistogram(service, { ...rangeParams(range), operation: chosen.name, kind: chosen.spanKind }, signal),
  );
  const state: AsyncState<LatencyHistogramResponse | null> = chosen === undefined ? overall : selected;

  // The URL's choice stays selectable even when the range holds no such operation.
  const options = [...operations];
  if (chosen !== undefined && !options.some((o) => operationChoiceValue(o) === choice)) options.push(chosen);
  const ordered = [...options.filter(isEntryOperation), ...options.filter((o) => !isEntryOperation(o))];
  const subject = chosen === undefined ? `the requests of ${service}` : `${chosen.name} (${chosen.spanKind})`;

  return (
    <section className="service-section" aria-labelledby="latency-title">
      <div className="svc-section-header">
        <h2 id="latency-title">Latency distribution</h2>
        <div className="svc-section-controls">
          <label htmlFor={selectId}>Operation</label>
          <select
            id={selectId}
            value={choice}
            onChange={(event) => {
              const next = parseOperationChoice(event.target.value);
              setSearch({ operation: next?.name, kind: next?.spanKind }, { replace: true });
            }}
          >
            <option value="">All requests (server and consumer spans)</option>
            {ordered.map((o) => (
              <option key={operationChoiceValue(o)} value={operationChoiceValue(o)}>
                {o.name} ({o.spanKind})
              </option>
            ))}
          </select>
          <label className="svc-checkbox-label">
            <input type="checkbox" checked={logScale} onChange={(event) => setSearch({ scale: event.target.checked ? 'log' : undefined }, { replace: true })} /> Log count scale
          </label>
        </div>
      </div>
      {state.kind === 'loading' && <Loading what="the latency distribution" />}
      {state.kind === 'error' && <ErrorView what="the latency distribution" error={state.error} />}
      {state.kind === 'ready' && state.data !== null && state.data.spans === 0 && (
        <EmptyState title={chosen === undefined ? 'No requests in this time range' : 'No spans of this operation in this time range'}>
          {chosen === undefined && <p>Requests are the service&apos;s server and consumer spans; choose an operation to see the others.</p>}
        </EmptyState>
      )}
      {state.kind === 'ready' && state.data !== null && state.data.spans > 0 && (
        <LatencyChart data={state.data} subject={subject} logScale={logScale} bucketLinks={(bucket) => buildBucketTracesLinks(range, service, chosen, entryKinds, bucket)} />
      )}
    </section>
  );
}
