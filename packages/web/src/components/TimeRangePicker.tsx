import { useId, useState, type FormEvent } from 'react';
import { REFRESH_INTERVALS, type RefreshIntervalId } from '../model/refresh';
import { TIME_RANGES, absoluteRange, describeTimeRange, rangeDurationMs, resolveRange, type TimeRange, type TimeRangeId } from '../model/time-range';

const CUSTOM = 'custom';

/** `ms` as a `datetime-local` input value (local time, seconds precision). */
function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * The header's time controls: a relative preset or an absolute window (two local times),
 * zoom out (twice as wide, same centre), auto-refresh interval and a refresh button.
 * The caller keeps every choice in the URL.
 */
export function TimeRangePicker({
  value,
  onChange,
  refresh,
  onRefreshChange,
  onRefreshNow,
}: {
  value: TimeRange;
  onChange: (range: TimeRange) => void;
  refresh: RefreshIntervalId;
  onRefreshChange: (refresh: RefreshIntervalId) => void;
  onRefreshNow: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const id = useId();
  const selectValue = editing || value.kind === 'absolute' ? CUSTOM : value.id;

  const zoomOut = () => {
    const { fromMs, toMs } = resolveRange(value);
    const half = rangeDurationMs(value) / 2;
    const next = absoluteRange(fromMs - half, Math.min(Date.now(), toMs + half));
    if (next !== undefined) onChange(next);
  };

  return (
    <div className="range-picker" role="group" aria-label="Time range and refresh">
      <label>
        <span className="visually-hidden">Time range</span>
        <select
          aria-label="Time range"
          value={selectValue}
          title={describeTimeRange(value)}
          onChange={(e) => {
            if (e.target.value === CUSTOM) setEditing(true);
            else {
              setEditing(false);
              onChange({ kind: 'relative', id: e.target.value as TimeRangeId });
            }
          }}
        >
          {TIME_RANGES.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
          <option value={CUSTOM}>{value.kind === 'absolute' ? describeTimeRange(value) : 'Custom range…'}</option>
        </select>
      </label>
      {(editing || value.kind === 'absolute') && (
        <AbsoluteRangeForm
          key={`${id}:${JSON.stringify(value)}`}
          value={value}
          onApply={(range) => {
            setEditing(false);
            onChange(range);
          }}
        />
      )}
      <button type="button" onClick={zoomOut} aria-label="Zoom out: twice the time range" title="Zoom out">
        −
      </button>
      <label>
        <span className="visually-hidden">Auto-refresh</span>
        <select aria-label="Auto-refresh" value={refresh} onChange={(e) => onRefreshChange(e.target.value as RefreshIntervalId)}>
          {REFRESH_INTERVALS.map((r) => (
            <option key={r.id} value={r.id}>
              {r.id === 'off' ? 'Auto-refresh off' : `Every ${r.label}`}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={onRefreshNow} aria-label="Refresh now" title="Refresh now">
        ⟳
      </button>
    </div>
  );
}

function AbsoluteRangeForm({ value, onApply }: { value: TimeRange; onApply: (range: TimeRange) => void }) {
  const initial = resolveRange(value);
  const [from, setFrom] = useState(toLocalInput(initial.fromMs));
  const [to, setTo] = useState(toLocalInput(initial.toMs));
  const [problem, setProblem] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fromMs = new Date(from).getTime();
    const toMs = new Date(to).getTime();
    const range = Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs ? absoluteRange(fromMs, toMs) : undefined;
    if (range === undefined) setProblem('“To” must be at least a second after “From”.');
    else onApply(range);
  };
  return (
    <form className="absolute-range" onSubmit={submit}>
      <label>
        From <input type="datetime-local" step={1} value={from} onChange={(e) => setFrom(e.target.value)} required />
      </label>
      <label>
        To <input type="datetime-local" step={1} value={to} onChange={(e) => setTo(e.target.value)} required />
      </label>
      <button type="submit">Apply</button>
      {problem !== '' && (
        <span role="alert" className="error-text">
          {problem}
        </span>
      )}
    </form>
  );
}
