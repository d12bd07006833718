import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { buildValueTicks } from '../../model/chart-scale';
import type { CriticalPathByRow, CriticalPathSegment } from '../../model/critical-path';
import { formatDurationNs } from '../../model/format';
import { severityBandOf } from '../../model/log-severity';
import type { TraceLogEntry } from '../../model/trace-logs';
import { spanKindName, type Waterfall, type WaterfallRow } from '../../model/trace-tree';

/** Fixed row height (px): fixed sizes let the virtual list place 10,000 rows without measuring any. */
export const ROW_HEIGHT = 28;
/** Rows rendered above and below the visible ones, so that a fast scroll shows no gaps. */
const OVERSCAN_ROWS = 10;
/** Indentation stops growing here; deeper spans still show their depth in aria-level. */
const MAX_INDENT_DEPTH = 16;
/** Log markers drawn per row at most (the count shows them all). */
const MAX_LOG_MARKERS = 40;

const estimateRowSize = () => ROW_HEIGHT;

/** A request to bring a row into view; a new `token` repeats the request for the same row. */
export interface ScrollTarget {
  rowIndex: number;
  align: 'auto' | 'center' | 'start';
  token: number;
}

interface TraceWaterfallProps {
  waterfall: Waterfall;
  /** Row indices shown, in order (collapsed subtrees left out). */
  visibleRows: number[];
  collapsed: ReadonlySet<number>;
  colors: Map<string, string>;
  /** The zoomed part of the trace, ns from its start. */
  viewStartNs: number;
  viewEndNs: number;
  selectedIndex: number;
  focusedIndex: number;
  /** 1 at the rows matching the search, undefined without a search. */
  matchFlags: Uint8Array | undefined;
  currentMatchRow: number;
  /** Critical path per row; undefined when hidden. */
  criticalPath: CriticalPathByRow | undefined;
  logsByRow: Map<number, TraceLogEntry[]>;
  scrollTarget: ScrollTarget | undefined;
  onSelect: (rowIndex: number) => void;
  onToggle: (rowIndex: number, expand?: boolean) => void;
  onFocusRow: (rowIndex: number) => void;
}

/**
 * The waterfall: a time axis and one row per shown span, as an ARIA tree (arrow keys move,
 * Left/Right collapse and expand, Enter or Space opens the details). Rows are virtualised:
 * only those in view (and the focused one) are in the DOM.
 */
export function TraceWaterfall(props: TraceWaterfallProps) {
  const { waterfall, visibleRows, collapsed, colors, viewStartNs, viewEndNs, selectedIndex, focusedIndex, matchFlags, currentMatchRow, criticalPath, logsByRow, scrollTarget, onSelect, onToggle, onFocusRow } = props;
  const { rows } = waterfall;
  const scrollRef = useRef<HTMLDivElement>(null);

  const positionOfRow = useMemo(() => {
    const positions = new Int32Array(rows.length).fill(-1);
    for (let p = 0; p < visibleRows.length; p++) positions[visibleRows[p]] = p;
    return positions;
  }, [rows.length, visibleRows]);
  // Position among siblings, for aria-posinset/aria-setsize (roots are siblings of each other).
  const siblings = useMemo(() => {
    const posInSet = new Int32Array(rows.length);
    const rootCount = rows.filter((r) => r.parentIndex === -1).length;
    let rootPosition = 0;
    for (const row of rows) {
      if (row.parentIndex === -1) posInSet[row.index] = ++rootPosition;
      row.childIndices.forEach((child, i) => (posInSet[child] = i + 1));
    }
    return { posInSet, rootCount };
  }, [rows]);
  // Matches per subtree, to flag collapsed rows that hide some.
  const matchPrefix = useMemo(() => {
    if (matchFlags === undefined) return undefined;
    const prefix = new Int32Array(matchFlags.length + 1);
    for (let i = 0; i < matchFlags.length; i++) prefix[i + 1] = prefix[i] + matchFlags[i];
    return prefix;
  }, [matchFlags]);

  const focusedPosition = focusedIndex >= 0 && focusedIndex < rows.length ? positionOfRow[focusedIndex] : -1;
  // The focused row stays rendered when scrolled away, so Tab always finds the tree's one tab stop.
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      if (focusedPosition >= 0 && !indexes.includes(focusedPosition)) {
        indexes.push(focusedPosition);
        indexes.sort((a, b) => a - b);
      }
      return indexes;
    },
    [focusedPosition],
  );
  // Stable callbacks: the virtualizer recomputes every row's position when one of them changes.
  const getItemKey = useCallback((position: number) => visibleRows[position], [visibleRows]);
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const virtualizer = useVirtualizer({ count: visibleRows.length, getScrollElement, estimateSize: estimateRowSize, overscan: OVERSCAN_ROWS, rangeExtractor, getItemKey });

  useEffect(() => {
    if (scrollTarget === undefined) return;
    const position = positionOfRow[scrollTarget.rowIndex];
    if (position >= 0) virtualizer.scrollToIndex(position, { align: scrollTarget.align });
    // Only a new request scrolls (so not positionOfRow or virtualizer): the list changing under it must not.
  }, [scrollTarget]);

  // Keyboard moves focus to a row that may only now be rendered: focus it after the render.
  const focusPending = useRef(false);
  useEffect(() => {
    if (!focusPending.current) return;
    focusPending.current = false;
    scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${focusedIndex}"]`)?.focus({ preventScroll: true });
  });

  const moveFocus = (position: number) => {
    const clamped = Math.min(Math.max(0, position), visibleRows.length - 1);
    const rowIndex = visibleRows[clamped];
    if (rowIndex === undefined) return;
    focusPending.current = true;
    onFocusRow(rowIndex);
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const position = Math.max(0, focusedPosition);
    const row = rows[visibleRows[position]];
    if (row === undefined) return;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    switch (event.key) {
      case 'ArrowDown':
        moveFocus(position + 1);
        break;
      case 'ArrowUp':
        moveFocus(position - 1);
        break;
      case 'PageDown':
        moveFocus(position + pageRows);
        break;
      case 'PageUp':
        moveFocus(position - pageRows);
        break;
      case 'Home':
        moveFocus(0);
        break;
      case 'End':
        moveFocus(visibleRows.length - 1);
        break;
      case 'ArrowRight':
        if (!row.hasChildren) break;
        if (collapsed.has(row.index)) onToggle(row.index, true);
        else moveFocus(position + 1);
        break;
      case 'ArrowLeft':
        if (row.hasChildren && !collapsed.has(row.index)) onToggle(row.index, false);
        else if (row.parentIndex !== -1 && positionOfRow[row.parentIndex] >= 0) moveFocus(positionOfRow[row.parentIndex]);
        break;
      case 'Enter':
      case ' ':
        onSelect(row.index);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const viewDurationNs = Math.max(1, viewEndNs - viewStartNs);
  const ticks = useMemo(() => buildValueTicks(viewStartNs, viewEndNs, 6).filter((t) => t >= viewStartNs - 1e-6 && t <= viewEndNs + 1e-6), [viewStartNs, viewEndNs]);
  const toPercent = (ns: number) => ((ns - viewStartNs) / viewDurationNs) * 100;
  const zoomed = viewStartNs > 0 || viewEndNs < waterfall.traceDurationNs;

  return (
    <div className="waterfall">
      <div className="waterfall-header">
        <div className="waterfall-header-label">
          Service and operation{' '}
          <span className="muted">
            ({visibleRows.length === rows.length ? `${rows.length.toLocaleString('en-US')} spans` : `${visibleRows.length.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} spans shown`}
            {zoomed && ', zoomed'})
          </span>
        </div>
        <div className="waterfall-ticks" aria-hidden="true">
          {ticks.map((t) => (
            <span key={t} className="waterfall-tick" style={{ left: `${toPercent(t)}%` }}>
              {t === 0 ? '0' : formatDurationNs(Math.round(t))}
            </span>
          ))}
        </div>
      </div>
      <div className="waterfall-scroll" ref={scrollRef}>
        <div className="waterfall-canvas" style={{ height: virtualizer.getTotalSize() }}>
          <div className="waterfall-gridlines" aria-hidden="true">
            {ticks.map((t) => (
              <span key={t} style={{ left: `${toPercent(t)}%` }} />
            ))}
          </div>
          <div role="tree" aria-label="Spans" aria-multiselectable="false" className="waterfall-tree" onKeyDown={onKeyDown}>
            {virtualizer.getVirtualItems().map((item) => {
              const rowIndex = visibleRows[item.index];
              const row = rows[rowIndex];
              const isCollapsed = collapsed.has(rowIndex);
              return (
                <WaterfallRowView
                  key={rowIndex}
                  row={row}
                  top={item.start}
                  color={colors.get(row.serviceName) ?? 'gray'}
                  viewStartNs={viewStartNs}
                  viewDurationNs={viewDurationNs}
                  setSize={row.parentIndex === -1 ? siblings.rootCount : rows[row.parentIndex].childIndices.length}
                  posInSet={siblings.posInSet[rowIndex]}
                  collapsed={isCollapsed}
                  selected={rowIndex === selectedIndex}
                  focused={item.index === focusedPosition || (focusedPosition < 0 && item.index === 0)}
                  match={matchFlags?.[rowIndex] === 1}
                  currentMatch={rowIndex === currentMatchRow}
                  hiddenMatches={isCollapsed && matchPrefix !== undefined ? matchPrefix[row.subtreeEnd] - matchPrefix[rowIndex + 1] : 0}
                  critical={criticalPath?.get(rowIndex)?.segments}
                  logs={logsByRow.get(rowIndex)}
                  onSelect={onSelect}
                  onToggle={onToggle}
                  onFocusRow={onFocusRow}
                />
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}

interface WaterfallRowViewProps {
  row: WaterfallRow;
  top: number;
  color: string;
  viewStartNs: number;
  viewDurationNs: number;
  setSize: number;
  posInSet: number;
  collapsed: boolean;
  selected: boolean;
  focused: boolean;
  match: boolean;
  currentMatch: boolean;
  hiddenMatches: number;
  critical: CriticalPathSegment[] | undefined;
  logs: TraceLogEntry[] | undefined;
  onSelect: (rowIndex: number) => void;
  onToggle: (rowIndex: number, expand?: boolean) => void;
  onFocusRow: (rowIndex: number) => void;
}

/** A part of the view in percent of its width, cut to a little beyond [0, 100] so huge zooms keep sane CSS. */
function clipPercent(startPercent: number, endPercent: number): { left: number; width: number } | undefined {
  if (endPercent < 0 || startPercent > 100) return undefined;
  const left = Math.max(-1, startPercent);
  return { left, width: Math.min(101, endPercent) - left };
}

/** Kinds shown without a badge: the default ones; the others (server, client, producer, consumer) cross a process boundary. */
const UNBADGED_KINDS: ReadonlySet<string> = new Set(['unspecified', 'internal']);

const WaterfallRowView = memo(function WaterfallRowView(props: WaterfallRowViewProps) {
  const { row, top, color, viewStartNs, viewDurationNs, collapsed, selected, focused, match, currentMatch, hiddenMatches, critical, logs, onSelect, onToggle, onFocusRow } = props;
  const { span } = row;
  const toPercent = (ns: number) => ((ns - viewStartNs) / viewDurationNs) * 100;
  const startPercent = toPercent(row.offsetNs);
  const endPercent = toPercent(row.endOffsetNs);
  const bar = clipPercent(startPercent, endPercent);
  const duration = formatDurationNs(row.durationNs);
  const logCount = logs?.length ?? 0;
  const kindName = spanKindName(span.kind);
  const kindBadge = UNBADGED_KINDS.has(kindName) ? undefined : kindName;
  // The duration sits right of the bar, left of it near the right edge, or inside a bar spanning the view.
  const durationStyle =
    bar === undefined
      ? { left: startPercent < 0 ? '0.2rem' : undefined, right: startPercent > 100 ? '0.2rem' : undefined }
      : endPercent < 82
        ? { left: `calc(${bar.left + bar.width}% + 0.3rem)` }
        : startPercent > 18
          ? { right: `calc(${100 - bar.left}% + 0.3rem)` }
          : { right: `calc(${100 - (bar.left + bar.width)}% + 0.3rem)` };
  const durationInside = bar !== undefined && endPercent >= 82 && startPercent <= 18;

  const className = ['waterfall-item', selected && 'selected', row.isError && 'error', match && 'match', currentMatch && 'current-match', critical !== undefined && 'on-critical-path'].filter(Boolean).join(' ');
  return (
    <div
      role="treeitem"
      className={className}
      data-row-index={row.index}
      data-span-id={span.spanId}
      data-critical={critical !== undefined ? 'true' : undefined}
      aria-level={row.depth + 1}
      aria-setsize={props.setSize}
      aria-posinset={props.posInSet}
      aria-expanded={row.hasChildren ? !collapsed : undefined}
      aria-selected={selected}
      tabIndex={focused ? 0 : -1}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onClick={() => onSelect(row.index)}
      onFocus={(event) => {
        if (event.target === event.currentTarget) onFocusRow(row.index);
      }}
    >
      <div className="waterfall-row">
        <span className="span-label" style={{ paddingLeft: `${Math.round(Math.min(row.depth, MAX_INDENT_DEPTH) * 11) / 10}rem` }}>
          <span
            className={`tree-toggle${row.hasChildren ? '' : ' leaf'}`}
            aria-hidden="true"
            title={row.hasChildren ? (collapsed ? 'Expand' : 'Collapse') : undefined}
            onClick={(event) => {
              if (!row.hasChildren) return;
              event.stopPropagation();
              onToggle(row.index);
            }}
          >
            {row.hasChildren ? (collapsed ? '▸' : '▾') : ''}
          </span>
          <span className="service-dot" style={{ background: color }} aria-hidden="true" />
          {row.isError && (
            <span className="error-marker" title="Error status">
              <span aria-hidden="true">!</span>
              <span className="visually-hidden">error</span>
            </span>
          )}
          <span className="span-service" title={row.serviceName}>
            {row.serviceName}
          </span>
          <span className="span-name" title={span.name}>
            {span.name}
          </span>
          {collapsed && (
            <span className="hidden-count" title={`${row.subtreeEnd - row.index - 1} spans hidden`}>
              +{row.subtreeEnd - row.index - 1}
              <span className="visually-hidden"> hidden</span>
            </span>
          )}
          {hiddenMatches > 0 && (
            <span className="hidden-matches" title={`${hiddenMatches} search matches inside`}>
              {hiddenMatches} found
            </span>
          )}
          {logCount > 0 && (
            <span className="log-count" title={`${logCount} ${logCount === 1 ? 'log record' : 'log records'}`}>
              <span aria-hidden="true">≡ </span>
              {logCount}
              <span className="visually-hidden">{logCount === 1 ? ' log' : ' logs'}</span>
            </span>
          )}
          {critical !== undefined && <span className="visually-hidden">, on the critical path</span>}
        </span>
        <span className="span-track">
          {bar !== undefined && <span className={`span-bar${row.isError ? ' error' : ''}`} style={{ left: `${bar.left}%`, width: `${bar.width}%`, background: color }} />}
          {critical?.map((segment) => {
            const part = clipPercent(toPercent(segment.startNs), toPercent(segment.endNs));
            return part === undefined ? null : <span key={segment.startNs} className="critical-segment" style={{ left: `${part.left}%`, width: `${part.width}%` }} />;
          })}
          {logs?.slice(0, MAX_LOG_MARKERS).map((entry, i) => {
            const at = toPercent(entry.offsetNs);
            return at < 0 || at > 100 ? null : <span key={i} className={`log-marker ${severityBandOf(entry.record.severityNumber)}`} style={{ left: `${at}%` }} />;
          })}
          <span className={`span-duration${durationInside ? ' inside' : ''}`} style={durationStyle}>
            {duration}
            {kindBadge !== undefined && ' '}
            {kindBadge !== undefined && (
              <span className="span-kind" title={`${kindName} span`}>
                {kindBadge}
              </span>
            )}
          </span>
        </span>
      </div>
    </div>
  );
});
