import { useEffect, useState, type FormEvent } from 'react';
import { fetchLogHistogram, fetchServices, type LogFilterParams, type RangeParams } from '../../api';
import { ErrorView, Loading } from '../../components/StateViews';
import { ServiceSelect } from '../../components/ServiceSelect';
import { SEVERITY_BANDS, parseSeverityChoice, type SeverityBand } from '../../model/log-severity';
import { RefreshTickContext, useRefreshTick } from '../../model/refresh';
import { useLocation, useSetSearchParams } from '../../model/router';
import { TIME_RANGES, rangeDurationMs, rangeParams, resolveRange, timeRangeKey, timeRangeQuery, type TimeRange } from '../../model/time-range';
import { useAsync } from '../../model/use-async';
import { useVisibleInterval } from '../../model/use-visible-interval';
import { LogHistogram } from './LogHistogram';
import { LogList } from './LogList';
import './logs-page.css';

const HISTOGRAM_BUCKETS = 60;
/** While live tail is on (and the tab visible), the histogram is asked again this often (it slides with now). */
const LIVE_HISTOGRAM_MS = 5000;

/** The log search as it is kept in the URL query (`attr` repeats). */
interface LogsForm {
  q: string;
  service: string;
  severity: SeverityBand | '';
  attr: string[];
}

function readForm(search: URLSearchParams): LogsForm {
  return { q: search.get('q') ?? '', service: search.get('service') ?? '', severity: parseSeverityChoice(search.get('severity')), attr: search.getAll('attr') };
}

function toFilterParams(form: LogsForm, range: RangeParams): LogFilterParams {
  return {
    ...range,
    q: form.q || undefined,
    service: form.service || undefined,
    severity: form.severity || undefined,
    attr: form.attr.length > 0 ? form.attr : undefined,
  };
}

/** `start`/`end` in Unix milliseconds for `range` (a relative one ending now). */
function pinRange(range: TimeRange): RangeParams {
  const { fromMs, toMs } = resolveRange(range);
  return { start: String(fromMs), end: String(toMs) };
}

/**
 * The range pinned to absolute times while `key` (the range and the search) stays the same,
 * so that every page of the list covers exactly the same window however long the reader
 * scrolls (new records come in through live tail or a refresh, on top).
 */
function usePinnedRange(range: TimeRange, key: string): RangeParams {
  const [pinned, setPinned] = useState(() => ({ key, range: pinRange(range) }));
  if (pinned.key === key) return pinned.range;
  const next = { key, range: pinRange(range) };
  setPinned(next);
  return next.range;
}

/** The shortest relative preset at least as long as `range`: where live tail goes from an absolute range. */
function relativeRangeCovering(range: TimeRange): TimeRange {
  if (range.kind === 'relative') return range;
  const durationMs = rangeDurationMs(range);
  const preset = TIME_RANGES.find((r) => r.seconds * 1000 >= durationMs) ?? TIME_RANGES[TIME_RANGES.length - 1];
  return { kind: 'relative', id: preset.id };
}

/**
 * `/logs`: a search (text in the body, service, minimum severity, attribute filters) whose
 * state is the URL query, a histogram of the matching records by severity, and the records
 * newest first in a virtualised list with infinite scroll and live tail (`live=1`).
 */
export function LogsPage({ range }: { range: TimeRange }) {
  const { search } = useLocation();
  const setSearch = useSetSearchParams();
  const form = readForm(search);
  const formKey = JSON.stringify(form);
  const refreshTick = useRefreshTick();
  // Live tail follows the present, so it needs a range that ends now.
  const liveAvailable = range.kind === 'relative';
  const live = search.get('live') === '1' && liveAvailable;
  // Searching again with the same values starts the list again from the newest records.
  const [searchCount, setSearchCount] = useState(0);
  const searchKey = `${timeRangeKey(range)}|${formKey}|${searchCount}`;
  const pinned = usePinnedRange(range, searchKey);
  const listParams = toFilterParams(form, pinned);
  // The histogram is asked for once the list's first page is in: on two cores, three queries
  // at once slowed the first page down (see LiveHistogram).
  const [listSettledKey, setListSettledKey] = useState<string | undefined>(undefined);
  const filtered = form.q !== '' || form.service !== '' || form.severity !== '' || form.attr.length > 0;

  const setLive = (on: boolean) => setSearch(on ? { live: '1', ...timeRangeQuery(relativeRangeCovering(range)) } : { live: undefined });
  // A zoom (or the picker) to an absolute window ends live tail: the URL says so too.
  const liveStale = search.get('live') === '1' && !liveAvailable;
  useEffect(() => {
    if (liveStale) setSearch({ live: undefined }, { replace: true });
  }, [liveStale, setSearch]);

  return (
    <section aria-labelledby="logs-title" className="logs-page">
      <h1 id="logs-title">Logs</h1>
      {/* Remounted when the URL's search fields change (back/forward, a link, a submit), so the
          fields show the URL's search; other changes (live tail, a zoom, a refresh) keep what
          the reader is typing. */}
      <LogsFormView key={formKey} initial={form} range={range} onSearch={() => setSearchCount((n) => n + 1)} />
      <LiveHistogram form={form} range={range} searchKey={searchKey} live={live} start={listSettledKey === searchKey} />
      <LogList
        params={listParams}
        searchKey={searchKey}
        range={range}
        filtered={filtered}
        live={live}
        liveAvailable={liveAvailable}
        onLiveChange={setLive}
        refreshTick={refreshTick}
        onSearchAgain={() => setSearchCount((n) => n + 1)}
        onFirstPageSettled={setListSettledKey}
      />
    </section>
  );
}

/**
 * The histogram of the search over the page's range, asked with the range as the server
 * resolves it (`now-1h`), so that a refresh, and live tail every LIVE_HISTOGRAM_MS, slide it
 * along with now; the previous chart stays until the new one arrives.
 */
function LiveHistogram({ form, range, searchKey, live, start }: { form: LogsForm; range: TimeRange; searchKey: string; live: boolean; start: boolean }) {
  const [liveTick, setLiveTick] = useState(0);
  useVisibleInterval(() => setLiveTick((n) => n + 1), live ? LIVE_HISTOGRAM_MS : 0);
  const refreshTick = useRefreshTick();
  if (!start) {
    return (
      <div className="log-histogram-slot">
        <Loading what="the log histogram" />
      </div>
    );
  }
  return (
    <RefreshTickContext.Provider value={refreshTick + liveTick}>
      <HistogramView params={toFilterParams(form, rangeParams(range))} searchKey={searchKey} />
    </RefreshTickContext.Provider>
  );
}

function HistogramView({ params, searchKey }: { params: LogFilterParams; searchKey: string }) {
  const histogram = useAsync(`log-histogram:${searchKey}`, (signal) => fetchLogHistogram({ ...params, buckets: HISTOGRAM_BUCKETS }, signal));
  return (
    <div className="log-histogram-slot" aria-live="polite">
      {histogram.kind === 'loading' && <Loading what="the log histogram" />}
      {histogram.kind === 'error' && <ErrorView what="the log histogram" error={histogram.error} />}
      {histogram.kind === 'ready' && <LogHistogram histogram={histogram.data} />}
    </div>
  );
}

function LogsFormView({ initial, range, onSearch }: { initial: LogsForm; range: TimeRange; onSearch: () => void }) {
  const setSearch = useSetSearchParams();
  const [draft, setDraft] = useState<LogsForm>(initial);
  const [attrText, setAttrText] = useState(initial.attr.join('\n'));
  // Services with log records in the range, including those that send no spans.
  const services = useAsync(`services:logs:${timeRangeKey(range)}`, (signal) => fetchServices({ ...rangeParams(range), signals: ['logs'] }, signal));
  const update = (changes: Partial<LogsForm>) => setDraft((d) => ({ ...d, ...changes }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const attr = attrText
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    setSearch({ q: draft.q.trim(), service: draft.service, severity: draft.severity, attr, ...timeRangeQuery(range) });
    onSearch();
  };

  // Keep the URL's service selectable even when it has no records in this range.
  const serviceNames = services.kind === 'ready' ? services.data.services : [];
  const serviceOptions = draft.service !== '' && !serviceNames.includes(draft.service) ? [draft.service, ...serviceNames] : serviceNames;

  return (
    <form className="search-form" onSubmit={submit} aria-label="Search logs">
      <label className="text-field">
        <span>Text in the body</span>
        <input name="q" type="search" value={draft.q} onChange={(e) => update({ q: e.target.value })} placeholder="e.g. card declined" />
      </label>
      <ServiceSelect value={draft.service} services={serviceOptions} onChange={(service) => update({ service })} />
      <label>
        <span>Minimum severity</span>
        <select name="severity" value={draft.severity} onChange={(e) => update({ severity: parseSeverityChoice(e.target.value) })}>
          <option value="">Any</option>
          {SEVERITY_BANDS.map((band) => (
            <option key={band} value={band}>
              {band}
            </option>
          ))}
        </select>
      </label>
      <label className="attr-field">
        <span>
          Attributes (one <code>key=value</code> per line; also <code>!=</code>, <code>&gt;</code>, <code>&lt;</code>)
        </span>
        <textarea name="attr" rows={2} value={attrText} onChange={(e) => setAttrText(e.target.value)} placeholder="http.route=/checkout" />
      </label>
      <div className="form-actions">
        <button type="submit" className="primary">
          Search
        </button>
      </div>
      {services.kind === 'error' && <ErrorView what="services" error={services.error} />}
    </form>
  );
}
