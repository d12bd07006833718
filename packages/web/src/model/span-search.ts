import type { KeyValueJson } from '../api';
import { formatAnyValue } from './attributes';
import type { WaterfallRow } from './trace-tree';

/**
 * Search within one trace: which spans a query names. A span's searchable text is its
 * name, service, span id, status message, attributes (as `key=value`), event names and
 * exception messages: what an engineer copies from a log line or an error report.
 */

/** One lower-cased text per row, in row order: build it once per trace, then search it per keystroke. */
export function buildSpanSearchIndex(rows: readonly WaterfallRow[]): string[] {
  return rows.map((row) => {
    const { span } = row;
    const parts = [span.name, row.serviceName, span.spanId, span.status.message];
    appendAttributes(parts, span.attributes);
    for (const event of span.events) {
      parts.push(event.name);
      appendAttributes(parts, event.attributes);
    }
    return parts.join('\n').toLowerCase();
  });
}

function appendAttributes(parts: string[], attributes: readonly KeyValueJson[]): void {
  for (const attribute of attributes) parts.push(`${attribute.key}=${formatAnyValue(attribute.value)}`);
}

/**
 * The terms of a query: words separated by spaces, or "quoted phrases"; lower-cased.
 * `http.route=/cart "card declined"` is two terms.
 */
export function parseSearchTerms(query: string): string[] {
  const terms: string[] = [];
  for (const match of query.matchAll(/"([^"]*)"?|(\S+)/g)) {
    const term = (match[1] ?? match[2] ?? '').trim().toLowerCase();
    if (term !== '') terms.push(term);
  }
  return terms;
}

/** Row indices (ascending) whose text contains every term of `query`; none for a blank query. */
export function findMatchingRows(index: readonly string[], query: string): number[] {
  const terms = parseSearchTerms(query);
  if (terms.length === 0) return [];
  const matches: number[] = [];
  for (let i = 0; i < index.length; i++) {
    const text = index[i];
    let all = true;
    for (const term of terms) {
      if (!text.includes(term)) {
        all = false;
        break;
      }
    }
    if (all) matches.push(i);
  }
  return matches;
}

/**
 * The match to go to from `current` (a position in `matches`, or -1 for none yet) one
 * step in `direction`, wrapping around at either end; -1 when there are no matches.
 */
export function stepMatch(matchCount: number, current: number, direction: 1 | -1): number {
  if (matchCount === 0) return -1;
  if (current < 0 || current >= matchCount) return direction === 1 ? 0 : matchCount - 1;
  return (current + direction + matchCount) % matchCount;
}
