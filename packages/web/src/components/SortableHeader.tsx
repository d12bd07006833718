/** A table column that can sort its table. */
export interface SortableColumn<K extends string> {
  key: K;
  /** The header's text. */
  label: string;
  /** Numbers: right-aligned, and sorted largest first on a first click. */
  numeric: boolean;
  /** A tooltip that explains the column. */
  title?: string;
}

/** A table's order: the sorted column and its direction. */
export interface TableSort<K extends string> {
  key: K;
  descending: boolean;
}

/** `sort` as a URL value: the key, prefixed with `-` when descending (`-rate`). */
export function formatSortParam<K extends string>(sort: TableSort<K>): string {
  return `${sort.descending ? '-' : ''}${sort.key}`;
}

/**
 * A column header that sorts its table: a button in a `<th scope="col">` that carries
 * `aria-sort`, with an arrow that assistive technology skips (it reads `aria-sort`). A click on
 * the sorted column reverses it; on another, numbers sort largest first (what one usually looks
 * for) and text A-Z. `onSort` gets the new order.
 */
export function SortableHeader<K extends string>({ column, sort, onSort }: { column: SortableColumn<K>; sort: TableSort<K>; onSort: (next: TableSort<K>) => void }) {
  const active = sort.key === column.key;
  const descending = active ? !sort.descending : column.numeric;
  return (
    <th scope="col" className={column.numeric ? 'num' : undefined} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'} title={column.title}>
      <button type="button" className="sort-button" onClick={() => onSort({ key: column.key, descending })}>
        {column.label}
        <span className="sort-indicator" aria-hidden="true">
          {active ? (sort.descending ? '▼' : '▲') : ''}
        </span>
      </button>
    </th>
  );
}
