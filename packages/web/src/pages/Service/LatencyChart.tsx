import type { LatencyBucket, LatencyHistogramResponse } from '../../api';
import { Link } from '../../components/Link';
import { buildValueTicks } from '../../model/chart-scale';
import { formatCompactDuration, formatDurationNs, formatPercent } from '../../model/format';
import { navigate } from '../../model/router';
import { buildDurationTicks, describeBucket, locateDuration, selectVisibleBuckets } from './latency-scale';
import type { BucketTracesLink } from './service-page-model';

const WIDTH = 900;
const HEIGHT = 250;
const MARGIN = { top: 42, right: 16, bottom: 30, left: 52 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;

const PERCENTILES = [
  { key: 'p50DurationNs', label: 'p50' },
  { key: 'p95DurationNs', label: 'p95' },
  { key: 'p99DurationNs', label: 'p99' },
] as const;

/** The count axis: linear with nice ticks, or log10(1 + n) with ticks at powers of ten, so that a sparse tail stays visible. */
function buildCountScale(maxCount: number, logScale: boolean): { ticks: number[]; y: (count: number) => number } {
  if (logScale) {
    const top = 10 ** Math.max(1, Math.ceil(Math.log10(Math.max(1, maxCount))));
    const ticks = [0];
    for (let t = 1; t <= top; t *= 10) ticks.push(t);
    return { ticks, y: (count) => MARGIN.top + PLOT_HEIGHT - (Math.log10(1 + count) / Math.log10(1 + top)) * PLOT_HEIGHT };
  }
  const ticks = buildValueTicks(0, Math.max(1, maxCount), 4).filter((t) => Number.isInteger(t));
  const top = ticks[ticks.length - 1];
  return { ticks, y: (count) => MARGIN.top + PLOT_HEIGHT - (count / top) * PLOT_HEIGHT };
}

/** A bucket's traces links: `Traces` for one span kind, else one link named by each kind. */
function BucketLinks({ bucket, links }: { bucket: LatencyBucket; links: BucketTracesLink[] }) {
  if (links.length === 1) {
    return (
      <Link href={links[0].href} aria-label={`Traces of ${describeBucket(bucket)}`}>
        Traces
      </Link>
    );
  }
  return (
    <span className="latency-bucket-links">
      {links.map((link) => (
        <Link key={link.spanKind} href={link.href} aria-label={`Traces of the ${link.spanKind} spans of ${describeBucket(bucket)}`}>
          {link.spanKind}
        </Link>
      ))}
    </span>
  );
}

/**
 * A latency histogram: one bar per fixed, log-spaced duration bucket (so the axis is
 * logarithmic), the error part of each bar in the error colour, and markers at p50, p95 and
 * p99. The SVG is an image to assistive technology (role img, a label with the figures); the
 * same data, with links to each bucket's traces, is a table under "Show as table". A bucket's
 * traces are one link per span kind it counts (`bucketLinks`, never empty); a click on a bar
 * opens the first, and the bar says which kind that is when there are several.
 */
export function LatencyChart({
  data,
  subject,
  logScale,
  bucketLinks,
}: {
  data: LatencyHistogramResponse;
  subject: string;
  logScale: boolean;
  bucketLinks: (bucket: LatencyBucket) => BucketTracesLink[];
}) {
  const { first, last } = selectVisibleBuckets(data.buckets);
  const visible = data.buckets.slice(first, last + 1);
  const slot = PLOT_WIDTH / visible.length;
  const x = (position: number) => MARGIN.left + position * slot;
  const maxCount = Math.max(0, ...visible.map((b) => b.spans));
  const { ticks, y } = buildCountScale(maxCount, logScale);
  const durationTicks = buildDurationTicks(data.buckets, first, last);
  const markers = PERCENTILES.flatMap(({ key, label }) => {
    const ns = data[key];
    return ns === null ? [] : [{ label, ns, x: x(locateDuration(data.buckets, Number(ns)) - first) }];
  });
  const figures = markers.map((m) => `${m.label} ${formatDurationNs(m.ns)}`).join(', ');
  const label =
    `Latency distribution of ${subject}: ${data.spans} spans` +
    (data.spans > 0 ? ` from ${formatDurationNs(data.minDurationNs ?? '0')} to ${formatDurationNs(data.maxDurationNs ?? '0')}; ${figures}; ${data.errors} errors (${formatPercent(data.errors / data.spans)}).` : '.');
  const filled = data.buckets.filter((b) => b.spans > 0);
  const kinds = filled.length === 0 ? [] : bucketLinks(filled[0]).map((l) => l.spanKind);
  const clickHint = kinds.length > 1 ? `click a bar to see the traces of its ${kinds[0]} spans (the table links each kind)` : 'click a bar to see its traces';

  return (
    <figure className="latency-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
        <title>{label}</title>
        <g className="chart-grid">
          {ticks.map((t) => (
            <g key={t}>
              <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(t)} y2={y(t)} />
              <text x={MARGIN.left - 6} y={y(t)} textAnchor="end" dominantBaseline="middle">
                {t.toLocaleString('en-US')}
              </text>
            </g>
          ))}
          {durationTicks.map((t) => (
            <text key={t.durationNs} x={x(t.position)} y={HEIGHT - 10} textAnchor="middle">
              {formatCompactDuration(t.durationNs)}
            </text>
          ))}
        </g>
        <g className="latency-bars">
          {visible.map((bucket, i) => {
            if (bucket.spans === 0) return null;
            const bottom = y(0);
            // At least 2 px, so that one span beside thousands still shows.
            const top = Math.min(y(bucket.spans), bottom - 2);
            // The error part is the bar's error share of its height, at the top of the bar.
            const errorHeight = bucket.errors === 0 ? 0 : Math.max(1, ((bottom - top) * bucket.errors) / bucket.spans);
            const left = x(i) + 1;
            const width = Math.max(1, slot - 2);
            const links = bucketLinks(bucket);
            const hint = links.length > 1 ? `Click to see the traces of the ${links[0].spanKind} spans.` : 'Click to see their traces.';
            return (
              <g key={bucket.lowerBoundNs} className="latency-bar" data-spans={bucket.spans} data-errors={bucket.errors} onClick={() => navigate(links[0].href)}>
                <title>{`${describeBucket(bucket)}: ${bucket.spans.toLocaleString('en-US')} spans, ${bucket.errors.toLocaleString('en-US')} errors. ${hint}`}</title>
                <rect className="latency-ok" x={left} y={top} width={width} height={bottom - top} />
                {errorHeight > 0 && <rect className="latency-error" x={left} y={top} width={width} height={errorHeight} />}
              </g>
            );
          })}
        </g>
        <line className="histogram-axis" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(0)} y2={y(0)} />
        <g className="latency-markers">
          {markers.map((m, k) => (
            <g key={m.label} data-percentile={m.label}>
              <line x1={m.x} x2={m.x} y1={MARGIN.top - 4} y2={y(0)} />
              <text x={Math.min(WIDTH - MARGIN.right - 40, Math.max(MARGIN.left, m.x + 3))} y={12 + k * 12}>
                {`${m.label} ${formatDurationNs(m.ns)}`}
              </text>
            </g>
          ))}
        </g>
      </svg>
      <figcaption className="latency-legend">
        <span className="legend-entry">
          <span className="legend-swatch latency-swatch-ok" aria-hidden="true" /> OK
        </span>
        <span className="legend-entry">
          <span className="legend-swatch latency-swatch-error" aria-hidden="true" /> Error
        </span>
        <span className="muted">Durations on a log scale; {clickHint}.</span>
      </figcaption>
      <details className="latency-table">
        <summary>Show as table</summary>
        <table className="data-table">
          <caption className="visually-hidden">Spans per duration bucket of {subject}</caption>
          <thead>
            <tr>
              <th scope="col">Duration</th>
              <th scope="col" className="num">
                Spans
              </th>
              <th scope="col" className="num">
                Errors
              </th>
              <th scope="col">Traces</th>
            </tr>
          </thead>
          <tbody>
            {filled.map((bucket) => (
              <tr key={bucket.lowerBoundNs}>
                <th scope="row">{describeBucket(bucket)}</th>
                <td className="num">{bucket.spans.toLocaleString('en-US')}</td>
                <td className="num">{bucket.errors.toLocaleString('en-US')}</td>
                <td>
                  <BucketLinks bucket={bucket} links={bucketLinks(bucket)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
