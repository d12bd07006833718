import { buildValueTicks } from '../../model/chart-scale';
import { buildLogTicks, countDecades } from '../../model/log-scale';

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
  const logMin = Math.floor(Math.log10(smallestNs));
  // At least one decade, so that equal durations still have an axis.
  const decades = Math.max(1, countDecades(smallestNs, largestNs));
  const logMax = logMin + decades;
  // Few decades leave room for 2 and 5 (or 3) between the powers of ten.
  const mantissas = decades <= 2 ? [1, 2, 5] : decades <= 4 ? [1, 3] : [1];
  return {
    kind: 'log',
    minNs: 10 ** logMin,
    maxNs: 10 ** logMax,
    ticksNs: buildLogTicks(10 ** logMin, 10 ** logMax, mantissas),
    toFraction: (d) => clamp01((Math.log10(Math.max(d, 10 ** logMin)) - logMin) / (logMax - logMin)),
    fromFraction: (f) => 10 ** (logMin + clamp01(f) * (logMax - logMin)),
  };
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
