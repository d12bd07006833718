import { TIME_RANGES, type TimeRangeId } from '../model/time-range';

/** The header's range select; the choice is kept in the URL by the caller. */
export function TimeRangePicker({ value, onChange }: { value: TimeRangeId; onChange: (range: TimeRangeId) => void }) {
  return (
    <label className="range-picker">
      <span>Time range</span>
      <select value={value} onChange={(e) => onChange(e.target.value as TimeRangeId)}>
        {TIME_RANGES.map((r) => (
          <option key={r.id} value={r.id}>
            {r.label}
          </option>
        ))}
      </select>
    </label>
  );
}
