/**
 * Ticks for logarithmic axes: round multiples of powers of ten (1, 2, 5 × 10^k and the like),
 * shared by the latency histogram's and the trace scatter plot's duration axes.
 */

/** Whole decades (powers of ten) from the one at or below `min` to the one at or above `max`; both > 0. */
export function countDecades(min: number, max: number): number {
  return Math.ceil(Math.log10(max)) - Math.floor(Math.log10(min));
}

/**
 * Every `m × 10^k` (m from `mantissas`, ascending, each in [1, 10)) within [min, max], ascending;
 * `min` and `max` > 0. Values are rounded to 12 significant digits, so `3 × 10^-1` is `0.3`.
 */
export function buildLogTicks(min: number, max: number, mantissas: readonly number[]): number[] {
  const ticks: number[] = [];
  const slack = 1e-9;
  for (let decade = Math.floor(Math.log10(min)); decade <= Math.ceil(Math.log10(max)); decade++) {
    for (const m of mantissas) {
      const tick = Number((m * 10 ** decade).toPrecision(12));
      if (tick >= min * (1 - slack) && tick <= max * (1 + slack)) ticks.push(tick);
    }
  }
  return ticks;
}
