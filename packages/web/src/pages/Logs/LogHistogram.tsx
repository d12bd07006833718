import { useId } from 'react';
import type { LogHistogramResponse } from '../../api';
import { formatTimeUnixNano } from '../../model/format';
import { SEVERITY_BANDS, SEVERITY_COLORS, totalCount } from '../../model/log-severity';
import { useDragZoom } from '../../model/use-drag-zoom';

const WIDTH = 1000;
const HEIGHT = 140;
const AXIS_HEIGHT = 18;

/**
 * Log counts over time as stacked SVG bars, one bar per bucket, bands stacked from trace
 * (bottom) to fatal (top). Each bar has a <title> with its time and counts; the figure's
 * label sums it up for screen readers. Dragging across it zooms the page's time range to the
 * dragged window (useDragZoom).
 */
export function LogHistogram({ histogram }: { histogram: LogHistogramResponse }) {
  const buckets = histogram.buckets;
  const totals = buckets.map((b) => totalCount(b.counts));
  const total = totals.reduce((n, t) => n + t, 0);
  const peak = Math.max(1, ...totals);
  const barWidth = WIDTH / Math.max(1, buckets.length);
  const plotHeight = HEIGHT - AXIS_HEIGHT;
  const bandTotals = SEVERITY_BANDS.map((band) => [band, buckets.reduce((n, b) => n + b.counts[band], 0)] as const);
  const label = `${total} log record${total === 1 ? '' : 's'} over time: ${bandTotals
    .filter(([, n]) => n > 0)
    .map(([band, n]) => `${n} ${band}`)
    .join(', ') || 'none'}`;
  const tickIndexes = buckets.length <= 1 ? [0] : [0, Math.floor(buckets.length / 2), buckets.length - 1];
  // The bars split the width evenly between the buckets, so the axis runs to the last bucket's end.
  const fromMs = Number(BigInt(histogram.startUnixNano) / 1_000_000n);
  const axisNs = buckets.length > 0 ? BigInt(histogram.bucketNs) * BigInt(buckets.length) : BigInt(histogram.endUnixNano) - BigInt(histogram.startUnixNano);
  const zoom = useDragZoom({ fromMs, toMs: fromMs + Number(axisNs / 1_000_000n), plotLeft: 0, plotWidth: WIDTH, viewWidth: WIDTH });
  const hintId = useId();

  return (
    <figure className="log-histogram">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={label} aria-describedby={hintId} width="100%" height={HEIGHT} {...zoom.svgProps}>
        <line x1={0} x2={WIDTH} y1={plotHeight} y2={plotHeight} className="histogram-axis" />
        {buckets.map((bucket, i) => {
          let y = plotHeight;
          const title = `${formatTimeUnixNano(bucket.startUnixNano)}: ${SEVERITY_BANDS.filter((b) => bucket.counts[b] > 0)
            .map((b) => `${bucket.counts[b]} ${b}`)
            .join(', ') || 'no records'}`;
          return (
            <g key={bucket.startUnixNano} className="histogram-bar" data-total={totals[i]}>
              <title>{title}</title>
              {/* A transparent full-height rect so the title shows anywhere over the bucket. */}
              <rect x={i * barWidth} y={0} width={barWidth} height={plotHeight} fill="transparent" />
              {SEVERITY_BANDS.map((band) => {
                const count = bucket.counts[band];
                if (count === 0) return null;
                const height = (count / peak) * (plotHeight - 4);
                y -= height;
                return <rect key={band} data-severity={band} x={i * barWidth + barWidth * 0.1} y={y} width={barWidth * 0.8} height={height} fill={SEVERITY_COLORS[band]} />;
              })}
            </g>
          );
        })}
        {zoom.band !== undefined && <rect className="zoom-band" x={zoom.band.x} y={0} width={zoom.band.width} height={plotHeight} />}
      </svg>
      <div className="histogram-ticks muted" aria-hidden="true">
        {tickIndexes.map((i) => (
          <span key={i}>{buckets[i] === undefined ? '' : formatTimeUnixNano(buckets[i].startUnixNano).slice(11, 16)}</span>
        ))}
      </div>
      <figcaption className="legend">
        {bandTotals.map(([band, n]) => (
          <span key={band} className="legend-item">
            <span className="service-dot" style={{ background: SEVERITY_COLORS[band] }} aria-hidden="true" />
            {band} ({n})
          </span>
        ))}
        <span id={hintId} className="zoom-hint muted">
          Drag across the chart to zoom in; Zoom out is in the header.
        </span>
      </figcaption>
    </figure>
  );
}
