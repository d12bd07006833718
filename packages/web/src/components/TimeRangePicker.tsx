import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { REFRESH_INTERVALS, useRefreshing, type RefreshIntervalId } from '../model/refresh';
import {
  TIME_RANGES,
  describeTimeRange,
  formatDateTime,
  rangeFromInputs,
  rangeToInputs,
  resolveRange,
  shiftRange,
  zoomOutRange,
  type TimeRange,
} from '../model/time-range';

/**
 * The header's time controls, as in Grafana: move back, the range button (opening a panel with
 * From/To fields that take `now-6h` or a local date-time, and the quick ranges), move forward,
 * zoom out, refresh now and the auto-refresh interval. The caller keeps every choice in the URL.
 * Zoom in is a drag across a chart; Zoom out is its keyboard counterpart.
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
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const refreshing = useRefreshing();
  const text = describeTimeRange(value);
  const resolved = resolveRange(value);
  const fullText =
    value.kind === 'relative'
      ? `${text} (now-${value.id} to now, following the clock)`
      : `${formatDateTime(resolved.fromMs)} to ${formatDateTime(resolved.toMs)} (${timeZoneName()})`;
  const forward = shiftRange(value, 1);

  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  };
  const choose = (range: TimeRange) => {
    onChange(range);
    close(true);
  };

  // A click outside the panel closes it (focus stays where the click put it).
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (rootRef.current !== null && !rootRef.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  return (
    <div className="range-picker" role="group" aria-label="Time range and refresh" ref={rootRef}>
      <button type="button" className="icon-button" onClick={() => onChange(shiftRange(value, -1)!)} aria-label="Move time range back" title="Move time range back (by half its width)">
        <span aria-hidden="true">‹</span>
      </button>
      <div
        className="range-dropdown"
        onBlur={(event) => {
          // Tabbing out of the panel closes it (a click outside does too, see above).
          const next = event.relatedTarget as Node | null;
          if (open && next !== null && !event.currentTarget.contains(next)) setOpen(false);
        }}
      >
        <button
          type="button"
          ref={buttonRef}
          className="range-button"
          aria-haspopup="dialog"
          aria-expanded={open}
          aria-controls={open ? panelId : undefined}
          aria-label={`Time range: ${text}`}
          title={fullText}
          onClick={() => setOpen((o) => !o)}
        >
          <span aria-hidden="true" className="range-clock">
            ◷
          </span>
          <span className="range-text">
            {text}
          </span>
          <span aria-hidden="true" className="range-caret">
            ▾
          </span>
        </button>
        {open && <RangePanel id={panelId} value={value} onChoose={choose} onCancel={() => close(true)} />}
      </div>
      <button
        type="button"
        className="icon-button"
        onClick={() => forward !== undefined && onChange(forward)}
        disabled={forward === undefined}
        aria-label="Move time range forward"
        title={forward === undefined ? 'The range already ends now' : 'Move time range forward (by half its width, not past now)'}
      >
        <span aria-hidden="true">›</span>
      </button>
      <button
        type="button"
        className="icon-button"
        onClick={() => onChange(zoomOutRange(value))}
        aria-label="Zoom out"
        aria-description="Doubles the time range. To zoom in, drag across a chart's time axis."
        title="Zoom out: twice the time range (to zoom in, drag across a chart)"
      >
        <span aria-hidden="true">⊖</span>
      </button>
      <span className="range-divider" aria-hidden="true" />
      <button type="button" className="icon-button" onClick={onRefreshNow} aria-label="Refresh now" title="Refresh now" aria-busy={refreshing}>
        <span aria-hidden="true" className={refreshing ? 'refresh-icon refreshing' : 'refresh-icon'}>
          ⟳
        </span>
      </button>
      <select aria-label="Auto-refresh" className="refresh-select" value={refresh} onChange={(e) => onRefreshChange(e.target.value as RefreshIntervalId)} title="Auto-refresh interval">
        {REFRESH_INTERVALS.map((r) => (
          <option key={r.id} value={r.id}>
            {r.id === 'off' ? 'Auto-refresh off' : `Every ${r.label}`}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The local time zone's name and UTC offset (`Europe/Paris, UTC+01:00`). */
function timeZoneName(): string {
  const offsetMin = -new Date().getTimezoneOffset();
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const offset = `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone === undefined || zone === 'UTC' ? offset : `${zone}, ${offset}`;
}

/** The picker's panel: From/To fields with Apply, and the quick ranges. Escape closes it. */
function RangePanel({ id, value, onChoose, onCancel }: { id: string; value: TimeRange; onChoose: (range: TimeRange) => void; onCancel: () => void }) {
  const initial = rangeToInputs(value);
  const [fromText, setFromText] = useState(initial.fromText);
  const [toText, setToText] = useState(initial.toText);
  const [problem, setProblem] = useState('');
  const fromRef = useRef<HTMLInputElement>(null);
  const headingId = useId();
  const hintId = useId();
  const problemId = useId();

  useEffect(() => {
    fromRef.current?.focus();
    fromRef.current?.select();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = rangeFromInputs(fromText, toText);
    if ('problem' in result) setProblem(result.problem);
    else onChoose(result.range);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onCancel();
    }
  };
  const describedBy = problem === '' ? hintId : `${hintId} ${problemId}`;

  return (
    <div id={id} className="range-panel" role="dialog" aria-labelledby={headingId} onKeyDown={onKeyDown}>
      <form className="range-form" onSubmit={submit} noValidate>
        <h2 id={headingId}>Time range</h2>
        <label>
          From
          <input ref={fromRef} value={fromText} onChange={(e) => setFromText(e.target.value)} aria-describedby={describedBy} aria-invalid={problem.startsWith('“From”')} spellCheck={false} autoComplete="off" />
        </label>
        <label>
          To
          <input value={toText} onChange={(e) => setToText(e.target.value)} aria-describedby={describedBy} aria-invalid={problem.startsWith('“To”')} spellCheck={false} autoComplete="off" />
        </label>
        <p id={hintId} className="range-hint muted">
          <code>now-6h</code>, <code>now</code> or a local time such as <code>{formatDateTime(Date.now() - 3_600_000).slice(0, 16)}</code> ({timeZoneName()}).
        </p>
        {problem !== '' && (
          <p id={problemId} role="alert" className="error-text">
            {problem}
          </p>
        )}
        <div className="range-form-actions">
          <button type="submit" className="primary">
            Apply time range
          </button>
        </div>
      </form>
      <div className="quick-ranges">
        <h3 id={`${headingId}-quick`}>Quick ranges</h3>
        <ul aria-labelledby={`${headingId}-quick`}>
          {TIME_RANGES.map((r) => {
            const current = value.kind === 'relative' && value.id === r.id;
            return (
              <li key={r.id}>
                <button type="button" className="quick-range" aria-current={current ? 'true' : undefined} onClick={() => onChoose({ kind: 'relative', id: r.id })}>
                  {r.label}
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
