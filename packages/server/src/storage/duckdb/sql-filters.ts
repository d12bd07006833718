import type { AttributeFilter, TimeRange } from '../interface.js';

/** A value bound to a `?` of a DuckDB statement. */
export type SqlParam = string | number | bigint | boolean;

/**
 * Builds parameterised SQL conditions. Values and JSON paths always travel as
 * parameters; only fixed SQL text and validated column names are concatenated.
 */
export class SqlConditions {
  readonly clauses: string[] = [];
  readonly params: SqlParam[] = [];

  add(clause: string, ...params: SqlParam[]): void {
    this.clauses.push(clause);
    this.params.push(...params);
  }

  /**
   * Adds attribute filters matched on the item's `attributes` MAP, then on the resource's
   * attributes (JSON text). A value compares as its text: `GET`, `200`, `true`, `1.5`.
   */
  addAttributeFilters(filters: AttributeFilter[]): void {
    for (const filter of filters) {
      const path = jsonPathOf(filter.key);
      const value = `coalesce(json_extract_string(attributes[?], '$'), json_extract_string(resource_attributes, ?))`;
      switch (filter.op) {
        case 'exists':
          this.add(`${value} IS NOT NULL`, filter.key, path);
          break;
        case '=':
          this.add(`${value} = ?`, filter.key, path, filter.value);
          break;
        case '!=':
          this.add(`${value} IS DISTINCT FROM ?`, filter.key, path, filter.value);
          break;
        default:
          this.add(`TRY_CAST(${value} AS DOUBLE) ${filter.op} ?`, filter.key, path, Number(filter.value));
      }
    }
  }

  where(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

/** `column` within the half-open `range` (no condition when undefined: all retained data). */
export function rangeConditions(column: string, range: TimeRange | undefined): SqlConditions {
  const c = new SqlConditions();
  if (range !== undefined) {
    c.add(`${column} >= ?`, range.startUnixNano);
    c.add(`${column} < ?`, range.endUnixNano);
  }
  return c;
}

/** The DuckDB JSON path of a top-level key, quoted so dots and quotes stay part of the key. */
export function jsonPathOf(key: string): string {
  return `$."${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
