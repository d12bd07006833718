import { useEffect, useRef, useState, type PointerEvent, type RefObject } from 'react';
import type { TraceSummary } from '../../api';
import { buildTimeTicks, formatTimeTick } from '../../model/chart-scale';
import { formatCompactDuration, formatDurationNs, formatTimeUnixNano } from '../../model/format';
import { buildDurationScale } from './duration-scale';
import { isInSelection, unixNanoToMs, type PlotSelection } from './trace-search';

const HEIGHT = 240;
const MARGIN = { top: 12, right: 16, bottom: 26, left: 60 };
/** A pointer that moves less than this (px) between press and release clicked; more, it dragged. */
const DRAG_THRESHOLD_PX = 4;
/** How far (px) beyond a point's edge the pointer still hits it. */
const HIT_SLOP_PX = 3;

interface PlotPoint {
  trace: TraceSummary;
  x: number;
  y: number;
  r: number;
  selected: boolean;
}

interface Drag {
  startX: number;
  startY: number;
  x: number;
  y: number;
}

/**
 * Trace duration (y; log scale when the durations spread widely) against start time (x, the
 * searched window [fromMs, toMs] in Unix ms, widened to every trace), one point per trace: red
 * with errors, sized by span count. Hover shows a tooltip; a click on a point calls `onOpen`;
 * dragging a rectangle calls `onSelect` with its time and duration bounds. The list of results
 * beside it is the keyboard and screen-reader equivalent, so the SVG is one labelled image.
 */
export function TraceScatterPlot({
  traces,
  fromMs,
  toMs,
  selection,
  highlightedTraceId,
  onSelect,
  onOpen,
}: {
  traces: readonly TraceSummary[];
  fromMs: number;
  toMs: number;
  selection: PlotSelection | undefined;
  highlightedTraceId: string | undefined;
  onSelect: (selection: PlotSelection) => void;
  onOpen: (traceId: string) => void;
}) {
  const wrapperRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(wrapperRef, 960);
  const [drag, setDrag] = useState<Drag | undefined>(undefined);
  // An id, not a point: points are rebuilt every render, and an unchanged id lets React skip the re-render.
  const [hoveredId, setHoveredId] = useState<string | undefined>(undefined);

  const startsMs = traces.map((t) => unixNanoToMs(t.startTimeUnixNano));
  const domainFromMs = Math.min(fromMs, ...startsMs);
  const domainToMs = Math.max(toMs, ...startsMs, domainFromMs + 1);
  const scale = buildDurationScale(traces.map((t) => Number(t.durationNs)));
  const plotWidth = Math.max(1, width - MARGIN.left - MARGIN.right);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xOf = (timeMs: number) => MARGIN.left + ((timeMs - domainFromMs) / (domainToMs - domainFromMs)) * plotWidth;
  const timeAt = (x: number) => domainFromMs + ((x - MARGIN.left) / plotWidth) * (domainToMs - domainFromMs);
  const yOf = (durationNs: number) => MARGIN.top + plotHeight * (1 - scale.toFraction(durationNs));
  const durationAt = (y: number) => scale.fromFraction(1 - (y - MARGIN.top) / plotHeight);
  const maxSpans = Math.max(1, ...traces.map((t) => t.spanCount));
  // Smaller points when there are many, so that a crowd stays readable.
  const [baseRadius, extraRadius] = traces.length > 300 ? [2, 3.5] : [3, 6];
  const radiusOf = (spanCount: number) => baseRadius + extraRadius * Math.sqrt(Math.max(0, spanCount - 1) / Math.max(1, maxSpans - 1));

  const points: PlotPoint[] = traces.map((trace, i) => ({
    trace,
    x: xOf(startsMs[i]),
    y: yOf(Number(trace.durationNs)),
    r: radiusOf(trace.spanCount),
    selected: selection === undefined || isInSelection(trace, selection),
  }));
  // Selected over unselected, errors on top: the points one looks for are never hidden.
  const drawOrder = [...points].sort((a, b) => Number(a.selected) - Number(b.selected) || Number(a.trace.errorCount > 0) - Number(b.trace.errorCount > 0));
  const { stepMs, ticksMs } = buildTimeTicks(domainFromMs, domainToMs, Math.max(2, Math.floor(plotWidth / 110)));
  const errorCount = traces.filter((t) => t.errorCount > 0).length;
  const label =
    `Scatter plot of ${traces.length} trace${traces.length === 1 ? '' : 's'}: duration ` +
    `${scale.kind === 'log' ? '(log scale) ' : ''}against start time, ${errorCount} with errors. ` +
    'The list of traces below holds the same traces.';

  const toPlot = (event: PointerEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };
  const clampX = (x: number) => Math.min(MARGIN.left + plotWidth, Math.max(MARGIN.left, x));
  const clampY = (y: number) => Math.min(MARGIN.top + plotHeight, Math.max(MARGIN.top, y));
  const pointAt = (x: number, y: number): PlotPoint | undefined => {
    let best: PlotPoint | undefined;
    let bestDistance = Infinity;
    for (const p of points) {
      const distance = Math.hypot(p.x - x, p.y - y);
      if (distance <= p.r + HIT_SLOP_PX && distance < bestDistance) {
        best = p;
        bestDistance = distance;
      }
    }
    return best;
  };

  const handlePointerDown = (event: PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) return;
    const { x, y } = toPlot(event);
    event.currentTarget.setPointerCapture(event.pointerId);
    setDrag({ startX: clampX(x), startY: clampY(y), x: clampX(x), y: clampY(y) });
    setHoveredId(undefined);
  };
  const handlePointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const { x, y } = toPlot(event);
    if (drag !== undefined) setDrag({ ...drag, x: clampX(x), y: clampY(y) });
    else setHoveredId(pointAt(x, y)?.trace.traceId);
  };
  const handlePointerUp = (event: PointerEvent<SVGSVGElement>) => {
    if (drag === undefined) return;
    setDrag(undefined);
    const { x, y } = toPlot(event);
    if (Math.abs(x - drag.startX) < DRAG_THRESHOLD_PX && Math.abs(y - drag.startY) < DRAG_THRESHOLD_PX) {
      const hit = pointAt(x, y);
      if (hit !== undefined) onOpen(hit.trace.traceId);
      return;
    }
    const [x0, x1] = [drag.startX, clampX(x)].sort((a, b) => a - b);
    const [yTop, yBottom] = [drag.startY, clampY(y)].sort((a, b) => a - b);
    onSelect({ fromMs: timeAt(x0), toMs: timeAt(x1), minDurationNs: durationAt(yBottom), maxDurationNs: durationAt(yTop) });
  };

  const selectionBox =
    drag !== undefined
      ? { x: Math.min(drag.startX, drag.x), y: Math.min(drag.startY, drag.y), width: Math.abs(drag.x - drag.startX), height: Math.abs(drag.y - drag.startY) }
      : selection !== undefined
        ? boxOf(selection)
        : undefined;
  function boxOf(s: PlotSelection) {
    const x0 = clampX(xOf(s.fromMs));
    const x1 = clampX(xOf(s.toMs));
    const yTop = yOf(s.maxDurationNs);
    const yBottom = yOf(s.minDurationNs);
    return { x: x0, y: yTop, width: Math.max(1, x1 - x0), height: Math.max(1, yBottom - yTop) };
  }
  const highlighted = points.find((p) => p.trace.traceId === highlightedTraceId);
  const hovered = hoveredId === undefined ? undefined : points.find((p) => p.trace.traceId === hoveredId);

  return (
    <figure className="trace-scatter">
      <div className="trace-scatter-area" ref={wrapperRef}>
        <svg
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          role="img"
          aria-label={label}
          data-scale={scale.kind}
          className={hovered !== undefined ? 'over-point' : undefined}
          onPointerDown={handlePointerDown}
          onPointerMove={handlePointerMove}
          onPointerUp={handlePointerUp}
          onPointerCancel={() => setDrag(undefined)}
          onPointerLeave={() => setHoveredId(undefined)}
        >
          <g className="scatter-grid">
            {scale.ticksNs.map((tick) => (
              <g key={tick}>
                <line x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={yOf(tick)} y2={yOf(tick)} />
                <text x={MARGIN.left - 6} y={yOf(tick)} textAnchor="end" dominantBaseline="middle" className="duration-tick">
                  {formatCompactDuration(tick)}
                </text>
              </g>
            ))}
            {ticksMs.map((t) => (
              <g key={t}>
                <line x1={xOf(t)} x2={xOf(t)} y1={MARGIN.top} y2={MARGIN.top + plotHeight} />
                <text x={xOf(t)} y={HEIGHT - 8} textAnchor="middle" className="time-tick">
                  {formatTimeTick(t, stepMs)}
                </text>
              </g>
            ))}
            <rect className="scatter-frame" x={MARGIN.left} y={MARGIN.top} width={plotWidth} height={plotHeight} />
          </g>
          <g className="scatter-points">
            {drawOrder.map((p) => (
              <circle
                key={p.trace.traceId}
                data-trace-id={p.trace.traceId}
                data-selected={p.selected}
                className={`scatter-point${p.trace.errorCount > 0 ? ' has-errors' : ''}${p.selected ? '' : ' dimmed'}`}
                cx={p.x}
                cy={p.y}
                r={p.r}
              />
            ))}
          </g>
          {highlighted !== undefined && <circle className="scatter-highlight" cx={highlighted.x} cy={highlighted.y} r={highlighted.r + 4} />}
          {selectionBox !== undefined && <rect className={`scatter-selection${drag !== undefined ? ' dragging' : ''}`} {...selectionBox} />}
        </svg>
        {hovered !== undefined && drag === undefined && <PointTooltip point={hovered} width={width} />}
      </div>
      <figcaption className="scatter-legend muted">
        <span>
          <span className="legend-dot" aria-hidden="true" /> trace
        </span>
        <span>
          <span className="legend-dot has-errors" aria-hidden="true" /> with errors
        </span>
        <span>size: span count</span>
        <span>duration{scale.kind === 'log' ? ' (log scale)' : ''} against start time</span>
        <span>Drag to select traces; click a point to open its trace.</span>
      </figcaption>
    </figure>
  );
}

function PointTooltip({ point, width }: { point: PlotPoint; width: number }) {
  const { trace } = point;
  // Flip to the left of the point near the right edge, below it near the top.
  const style = {
    left: point.x,
    top: point.y,
    transform: `translate(${point.x > width - 260 ? 'calc(-100% - 12px)' : '12px'}, ${point.y < 70 ? '8px' : 'calc(-100% - 8px)'})`,
  };
  return (
    <div className="scatter-tooltip" style={style} aria-hidden="true">
      <div>
        <strong>{trace.rootServiceName}</strong>: {trace.rootSpanName || <em>root span not received</em>}
      </div>
      <div>
        {formatDurationNs(trace.durationNs)} · {trace.spanCount} span{trace.spanCount === 1 ? '' : 's'}
        {trace.errorCount > 0 && (
          <span className="error-text">
            {' '}
            · {trace.errorCount} error{trace.errorCount === 1 ? '' : 's'}
          </span>
        )}
      </div>
      <div className="muted">{formatTimeUnixNano(trace.startTimeUnixNano)}</div>
    </div>
  );
}

/** The rendered width (px) of `ref`'s element, following resizes; `fallbackPx` before the first layout. */
function useElementWidth(ref: RefObject<HTMLElement | null>, fallbackPx: number): number {
  const [widthPx, setWidthPx] = useState(fallbackPx);
  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const measure = () => setWidthPx(Math.max(320, Math.floor(element.getBoundingClientRect().width)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return widthPx;
}
