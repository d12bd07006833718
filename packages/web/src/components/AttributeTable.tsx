import { useMemo } from 'react';
import type { KeyValueJson } from '../api';
import { formatAnyValue } from '../model/attributes';

/**
 * OTLP attributes (span, event, link, log record, resource) as a key/value table, sorted by
 * key as Jaeger and Kibana show them (a key sent twice keeps both rows, in the order sent),
 * each value formatted by formatAnyValue; "none" when there are none. With `title`, the table
 * comes in a section under an <h3> with that title and, when `droppedCount` > 0, how many
 * attributes the sender dropped.
 */
export function AttributeTable({ attributes, title, droppedCount = 0 }: { attributes: readonly KeyValueJson[]; title?: string; droppedCount?: number }) {
  // Array.prototype.sort is stable: repeated keys keep their order.
  const sorted = useMemo(() => [...attributes].sort((a, b) => a.key.localeCompare(b.key)), [attributes]);
  const table =
    sorted.length === 0 ? (
      <p className="muted">none</p>
    ) : (
      <table className="attr-table" aria-label={title}>
        <tbody>
          {/* The index makes keys unique: OTLP does not forbid a key from repeating. */}
          {sorted.map((a, i) => (
            <tr key={`${a.key}:${i}`}>
              <th scope="row">{a.key}</th>
              <td>
                <div className="attr-value">{formatAnyValue(a.value)}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  if (title === undefined) return table;
  return (
    <div className="detail-section">
      <h3>
        {title} {droppedCount > 0 && <span className="muted">({droppedCount} dropped)</span>}
      </h3>
      {table}
    </div>
  );
}
