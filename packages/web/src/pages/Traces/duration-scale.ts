import { buildValueTicks } from '../../model/chart-scale';

/**
 * The scatter plot's duration axis: linear from 0 when the durations are alike, logarithmic
 * (by decades) when the longest is more than LOG_SCALE_RATIO times the shortest, so that a
 * 5 ms trace and a 5 s one are both readable.
 */
export interface DurationScale {
  kind: 'linear' | 'log';
  /** Domain in ns: what the bottom and top of the axis stand for. */
  minNs: number;
  maxNs: number;
  /** Tick positions in ns, bottom to top. */
  ticksNs: number[];
  /** Where `durationNs` falls, 0 (bottom) to 1 (top); clamped to the domain. */
  toFraction(durationNs: number): number;
  /** The duration (ns) at `fraction` (0 bottom, 1 top) of the axis. */
  fromFraction(fraction: number): number;
}

/** Above this ratio of longest to shortest duration the axis is logarithmic. */
export const LOG_SCALE_RATIO = 20;

/** A duration scale covering every duration in `durationsNs` (ns); a default 0-1 ms when empty. */
export function buildDurationScale(durationsNs: readonly number[]): DurationScale {
  const positive = durationsNs.filter((d) => d > 0);
  const maxNs = Math.max(1_000_000, ...durationsNs);
  const smallestNs = positive.length > 0 ? Math.min(...positive) : maxNs;
  if (positive.length >= 2 && maxNs / smallestNs > LOG_SCALE_RATIO) return buildLogScale(smallestNs, maxNs);
  const ticksNs = buildValueTicks(0, maxNs, 4);
  const topNs = ticksNs[ticksNs.length - 1];
  return {
    kind: 'linear',
    minNs: 0,
    maxNs: topNs,
    ticksNs,
    toFraction: (d) => clamp01(d / topNs),
    fromFraction: (f) => clamp01(f) * topNs,
  };
}

function buildLogScale(smallestNs: number, largestNs: number): DurationScale {
  const lowDecade = Math.floor(Math.log10(smallestNs));
  const highDecade = Math.ceil(Math.log10(largestNs));
  const top = highDecade === lowDecade ? highDecade + 1 : highDecade;
  const decades = top - lowDecade;
  // Few decades leave room for 2 and 5 between the powers of ten.
  const multiples = decades <= 2 ? [1, 2, 5] : decades <= 4 ? [1, 3] : [1];
  const ticksNs: number[] = [];
  for (let decade = lowDecade; decade <= top; decade++) {
    for (const m of multiples) {
      const tick = m * 10 ** decade;
      if (tick <= 10 ** top) ticksNs.push(tick);
    }
  }
  const logMin = lowDecade;
  const logMax = top;
  return {
    kind: 'log',
    minNs: 10 ** logMin,
    maxNs: 10 ** logMax,
    ticksNs,
    toFraction: (d) => clamp01((Math.log10(Math.max(d, 10 ** logMin)) - logMin) / (logMax - logMin)),
    fromFraction: (f) => 10 ** (logMin + clamp01(f) * (logMax - logMin)),
  };
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** An axis label for a duration: the largest unit it reaches, trailing zeros dropped: `500µs`, `2.5ms`, `1s`, `1.5min`. */
export function formatDurationTick(durationNs: number): string {
  const units: Array<[number, string]> = [
    [3_600e9, 'h'],
    [60e9, 'min'],
    [1e9, 's'],
    [1e6, 'ms'],
    [1e3, 'µs'],
  ];
  if (durationNs === 0) return '0';
  const [scale, unit] = units.find(([s]) => durationNs >= s) ?? [1, 'ns'];
  return `${Number((durationNs / scale).toPrecision(3))}${unit}`;
}
