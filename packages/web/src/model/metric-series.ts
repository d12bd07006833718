import type { JsonNumber, MetricPointJson } from '../api';

/**
 * Turns raw metric points (GET /pharos/v1/metrics/points) into chart lines, in the
 * browser: the native API has no aggregation route yet, so this is the query step for
 * the metrics explorer. Pipeline, the way Prometheus evaluates `agg by (l) (rate(m))` or
 * `histogram_quantile(q, sum by (le, l) (rate(m_bucket)))`:
 *
 * 1. points are split into series by their label set;
 * 2. each series becomes values per point: the value itself, or for `rate` the per-second
 *    increase since the previous point (a drop is a counter reset: the new value is the
 *    increase), or for histograms the bucket counts of the interval (cumulative points are
 *    differenced; the first cumulative point counts from its own start time);
 * 3. values are put on a time grid of `stepMs` (a series' last value in a step; histogram
 *    counts in a step are added);
 * 4. series are grouped by the `by` label (all together when empty, or each alone for `none`)
 *    and combined per step with sum/avg/max/min, or for histograms by adding the bucket
 *    counts of series with the same bounds and interpolating the percentile (see
 *    `interpolateHistogramQuantile`).
 */

export type NumberAggregation = 'none' | 'sum' | 'avg' | 'max' | 'min';
export const NUMBER_AGGREGATIONS: readonly NumberAggregation[] = ['none', 'sum', 'avg', 'max', 'min'];

export type Percentile = 'p50' | 'p95' | 'p99';
export const PERCENTILES: readonly Percentile[] = ['p50', 'p95', 'p99'];
const QUANTILE_OF: Record<Percentile, number> = { p50: 0.5, p95: 0.95, p99: 0.99 };

/** What to draw: for number points an aggregation (and `rate` for counters), for histograms a percentile. */
export interface SeriesQuery {
  aggregation: NumberAggregation;
  /** A label name to group by; '' groups everything together (ignored for `none`). */
  by: string;
  rate: boolean;
  percentile: Percentile;
  stepMs: number;
}

/** One chart line: a name for the legend and its points (time in Unix ms, finite values only). */
export interface ChartLine {
  name: string;
  points: Array<{ timeMs: number; value: number }>;
}

/** The lines to draw, and why the data might not be drawn in full. */
export interface SeriesResult {
  lines: ChartLine[];
  /** Lines beyond `maxLines` that were left out. */
  omittedLineCount: number;
  /** Points of kinds this step cannot draw (exponential histograms, summaries). */
  unsupportedKind?: string;
}

/** A number from the API's JSON number (`"NaN"`, `"Infinity"` and big int64 text included). */
export function toNumber(value: JsonNumber): number {
  return typeof value === 'number' ? value : Number(value);
}

/** The label set as a stable key. */
function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const nsToMs = (unixNano: string): number => Number(BigInt(unixNano) / 1_000_000n);

interface Sample {
  timeMs: number;
  value: number;
  /** Bucket counts of the interval (histograms). */
  counts?: number[];
  bounds?: number[];
}

interface Series {
  labels: Record<string, string>;
  samples: Sample[];
}

/** OTLP aggregation temporality DELTA. */
const TEMPORALITY_DELTA = 1;

/** Per-point values of one series (step 2 above); points are in time order. */
function sampleSeries(points: MetricPointJson[], query: SeriesQuery): Sample[] {
  const samples: Sample[] = [];
  let previous: MetricPointJson | undefined;
  for (const point of points) {
    // flags bit 1: no recorded value.
    if ((point.flags & 1) === 1) continue;
    const timeMs = nsToMs(point.timeUnixNano);
    const delta = point.metric.aggregationTemporality === TEMPORALITY_DELTA;
    if (point.kind === 'number') {
      const value = toNumber(point.value);
      if (!query.rate) {
        samples.push({ timeMs, value });
      } else if (delta) {
        const seconds = Number(BigInt(point.timeUnixNano) - BigInt(point.startTimeUnixNano)) / 1e9;
        if (point.startTimeUnixNano !== '0' && seconds > 0) samples.push({ timeMs, value: value / seconds });
      } else if (previous?.kind === 'number') {
        const seconds = Number(BigInt(point.timeUnixNano) - BigInt(previous.timeUnixNano)) / 1e9;
        const before = toNumber(previous.value);
        const increase = value >= before ? value - before : value;
        if (seconds > 0) samples.push({ timeMs, value: increase / seconds });
      }
    } else if (point.kind === 'histogram') {
      const bounds = point.explicitBounds.map(toNumber);
      let counts = point.bucketCounts;
      if (!delta && previous?.kind === 'histogram' && sameNumbers(previous.explicitBounds.map(toNumber), bounds)) {
        const before = previous.bucketCounts;
        const diff = counts.map((c, i) => c - (before[i] ?? 0));
        // Any bucket going down is a reset: the new counts are the interval's.
        if (diff.every((d) => d >= 0)) counts = diff;
      }
      samples.push({ timeMs, value: Number.NaN, counts, bounds });
    }
    previous = point;
  }
  return samples;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * The `quantile` (0-1) of a histogram by linear interpolation inside the bucket that
 * holds the rank, as Prometheus' `histogram_quantile` does: bucket i holds values in
 * (bounds[i-1], bounds[i]]; the first bucket's lower edge is 0 when its upper bound is
 * positive (else the quantile is that bound); a rank in the overflow bucket (above the
 * last bound) gives the last bound. NaN when the histogram is empty.
 */
export function interpolateHistogramQuantile(quantile: number, bounds: readonly number[], counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0 || bounds.length === 0) return Number.NaN;
  const rank = quantile * total;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i];
    if (count > 0 && cumulative + count >= rank) {
      if (i >= bounds.length) return bounds[bounds.length - 1];
      const upper = bounds[i];
      const lower = i === 0 ? (upper > 0 ? 0 : upper) : bounds[i - 1];
      return lower + (upper - lower) * ((rank - cumulative) / count);
    }
    cumulative += count;
  }
  return bounds[bounds.length - 1];
}

/** The series' samples on the time grid (step 3): the last value per step, or summed histogram counts. */
function alignSamples(samples: Sample[], stepMs: number): Map<number, Sample> {
  const byStep = new Map<number, Sample>();
  for (const sample of samples) {
    const step = Math.floor(sample.timeMs / stepMs) * stepMs;
    const existing = byStep.get(step);
    if (existing?.counts !== undefined && sample.counts !== undefined && sameNumbers(existing.bounds ?? [], sample.bounds ?? [])) {
      byStep.set(step, { ...sample, counts: existing.counts.map((c, i) => c + (sample.counts?.[i] ?? 0)) });
    } else {
      byStep.set(step, sample);
    }
  }
  return byStep;
}

/** Combines the values of one step across a group's series (step 4). */
function combine(aggregation: NumberAggregation, values: number[]): number {
  switch (aggregation) {
    case 'sum':
    case 'none':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
  }
}

/** The legend name of each series when none are grouped: the labels that tell them apart. */
function distinctNames(series: Series[], metricName: string): string[] {
  const keys = [...new Set(series.flatMap((s) => Object.keys(s.labels)))].sort();
  const varying = keys.filter((k) => new Set(series.map((s) => s.labels[k] ?? '')).size > 1);
  return series.map((s) => (varying.length === 0 ? metricName : varying.map((k) => `${k}=${s.labels[k] ?? ''}`).join(', ')));
}

/** The label value that stands for a series without the `by` label. */
export const MISSING_LABEL_VALUE = '(none)';

/**
 * Computes the chart lines for `points` (one metric, in time order) under `query`,
 * keeping at most `maxLines` lines (in name order). See the pipeline at the top.
 */
export function buildChartLines(points: MetricPointJson[], query: SeriesQuery, maxLines: number): SeriesResult {
  const unsupported = points.find((p) => p.kind === 'exponential_histogram' || p.kind === 'summary');
  if (unsupported !== undefined) return { lines: [], omittedLineCount: 0, unsupportedKind: unsupported.kind };
  const seriesByKey = new Map<string, { labels: Record<string, string>; points: MetricPointJson[] }>();
  for (const point of points) {
    const key = seriesKey(point.labels);
    const entry = seriesByKey.get(key) ?? { labels: point.labels, points: [] };
    entry.points.push(point);
    seriesByKey.set(key, entry);
  }
  const series: Series[] = [...seriesByKey.values()].map((s) => ({ labels: s.labels, samples: sampleSeries(s.points, query) }));
  const isHistogram = points.some((p) => p.kind === 'histogram');

  const groups = new Map<string, Series[]>();
  if (query.aggregation === 'none' && !isHistogram) {
    const names = distinctNames(series, points[0]?.metric.name ?? '');
    series.forEach((s, i) => groups.set(names[i], [...(groups.get(names[i]) ?? []), s]));
  } else {
    const whole = isHistogram ? query.percentile : query.aggregation;
    for (const s of series) {
      const name = query.by === '' ? whole : (s.labels[query.by] ?? MISSING_LABEL_VALUE);
      groups.set(name, [...(groups.get(name) ?? []), s]);
    }
  }

  const lines: ChartLine[] = [];
  for (const [name, members] of groups) {
    const aligned = members.map((m) => alignSamples(m.samples, query.stepMs));
    const steps = [...new Set(aligned.flatMap((a) => [...a.keys()]))].sort((a, b) => a - b);
    const linePoints: ChartLine['points'] = [];
    for (const step of steps) {
      const samples = aligned.map((a) => a.get(step)).filter((s): s is Sample => s !== undefined);
      let value: number;
      if (isHistogram) {
        const first = samples.find((s) => s.counts !== undefined);
        if (first?.bounds === undefined || first.counts === undefined) continue;
        const bounds = first.bounds;
        const counts = first.counts.map(() => 0);
        for (const s of samples) if (s.counts !== undefined && sameNumbers(s.bounds ?? [], bounds)) s.counts.forEach((c, i) => (counts[i] += c));
        value = interpolateHistogramQuantile(QUANTILE_OF[query.percentile], bounds, counts);
      } else {
        const values = samples.map((s) => s.value).filter(Number.isFinite);
        if (values.length === 0) continue;
        value = combine(query.aggregation, values);
      }
      if (Number.isFinite(value)) linePoints.push({ timeMs: step, value });
    }
    lines.push({ name, points: linePoints });
  }
  lines.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { lines: lines.slice(0, maxLines), omittedLineCount: Math.max(0, lines.length - maxLines) };
}

/** A step for a time range: about `targetSteps` steps, at least a second, in whole seconds. */
export function chooseStepMs(rangeMs: number, targetSteps = 300): number {
  return Math.max(1000, Math.ceil(rangeMs / targetSteps / 1000) * 1000);
}
