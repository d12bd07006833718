import { useId } from 'react';
import { buildTimeTicks, buildValueTicks, formatTimeTick, formatValue } from '../model/chart-scale';
import type { ChartLine } from '../model/metric-series';
import { assignServiceColors } from '../model/service-colors';
import { useDragZoom } from '../model/use-drag-zoom';

const WIDTH = 960;
const HEIGHT = 320;
const MARGIN = { top: 12, right: 24, bottom: 28, left: 104 };

/**
 * An SVG line chart of `lines` over time (Unix ms), with time and value axes (values
 * labelled in `unitText`) and a legend giving each line's colour and last value.
 * Colours come from the service palette, so a line keeps its colour across reloads.
 * Dragging across the plot zooms the page's time range to the dragged window (useDragZoom).
 */
export function LineChart({ lines, unitText, label }: { lines: ChartLine[]; unitText: string; label: string }) {
  const all = lines.flatMap((l) => l.points);
  const times = all.map((p) => p.timeMs);
  const values = all.map((p) => p.value);
  let fromMs = Math.min(...times);
  let toMs = Math.max(...times);
  if (fromMs === toMs) {
    fromMs -= 30_000;
    toMs += 30_000;
  }
  const valueTicks = buildValueTicks(Math.min(0, ...values), Math.max(...values));
  const minValue = valueTicks[0];
  const maxValue = valueTicks[valueTicks.length - 1];
  const { stepMs, ticksMs } = buildTimeTicks(fromMs, toMs);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (timeMs: number) => MARGIN.left + ((timeMs - fromMs) / (toMs - fromMs)) * plotWidth;
  const y = (value: number) => MARGIN.top + plotHeight - ((value - minValue) / (maxValue - minValue || 1)) * plotHeight;
  const colors = assignServiceColors(lines.map((l) => l.name));
  const zoom = useDragZoom({ fromMs, toMs, plotLeft: MARGIN.left, plotWidth, viewWidth: WIDTH });
  const hintId = useId();

  return (
    <figure className="line-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} aria-describedby={hintId} {...zoom.svgProps}>
        <title>{label}</title>
        <g className="chart-grid">
          {valueTicks.map((v) => (
            <g key={v}>
              <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(v)} y2={y(v)} />
              <text x={MARGIN.left - 6} y={y(v)} textAnchor="end" dominantBaseline="middle" className="value-tick">
                {formatValue(v, unitText)}
              </text>
            </g>
          ))}
          {ticksMs.map((t) => (
            <g key={t}>
              <line x1={x(t)} x2={x(t)} y1={MARGIN.top} y2={MARGIN.top + plotHeight} />
              <text x={x(t)} y={HEIGHT - 8} textAnchor={x(t) > WIDTH - MARGIN.right - 30 ? 'end' : 'middle'} className="time-tick">
                {formatTimeTick(t, stepMs)}
              </text>
            </g>
          ))}
        </g>
        {lines.map((line) => {
          const color = colors.get(line.name);
          const d = line.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.timeMs).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
          return (
            <g key={line.name} className="chart-line" data-series={line.name}>
              <path d={d} stroke={color} fill="none" strokeWidth={2} vectorEffect="non-scaling-stroke" />
              {line.points.length <= 60 && line.points.map((p) => <circle key={p.timeMs} cx={x(p.timeMs)} cy={y(p.value)} r={2.5} fill={color} />)}
            </g>
          );
        })}
        {zoom.band !== undefined && <rect className="zoom-band" x={zoom.band.x} y={MARGIN.top} width={zoom.band.width} height={plotHeight} />}
      </svg>
      <figcaption>
        <ul className="chart-legend" aria-label="Legend">
          {lines.map((line) => {
            const last = line.points[line.points.length - 1];
            return (
              <li key={line.name} className="legend-entry" data-series={line.name}>
                <span className="legend-swatch" style={{ background: colors.get(line.name) }} aria-hidden="true" />
                <span className="legend-name">{line.name}</span>
                {last !== undefined && <span className="legend-value muted">last {formatValue(last.value, unitText)}</span>}
              </li>
            );
          })}
        </ul>
        <p id={hintId} className="zoom-hint muted">
          Drag across the chart to zoom in; Zoom out is in the header.
        </p>
      </figcaption>
    </figure>
  );
}
