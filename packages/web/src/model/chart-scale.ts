/** Axis ticks and labels for charts; times in Unix milliseconds. */

const TIME_STEPS_MS = [1, 2, 5, 10, 15, 30].map((s) => s * 1000).concat([1, 2, 5, 10, 15, 30].map((m) => m * 60_000), [1, 2, 3, 6, 12, 24].map((h) => h * 3_600_000));

/** Round-numbered time ticks inside [fromMs, toMs]: about `target` of them, on whole steps of local time. */
export function buildTimeTicks(fromMs: number, toMs: number, target = 6): { stepMs: number; ticksMs: number[] } {
  const span = Math.max(1, toMs - fromMs);
  const stepMs = TIME_STEPS_MS.find((s) => span / s <= target) ?? TIME_STEPS_MS[TIME_STEPS_MS.length - 1];
  // Align to the local time zone so that minute and hour ticks fall on :00.
  const offsetMs = new Date(fromMs).getTimezoneOffset() * 60_000;
  const ticksMs: number[] = [];
  for (let t = Math.ceil((fromMs - offsetMs) / stepMs) * stepMs + offsetMs; t <= toMs; t += stepMs) ticksMs.push(t);
  return { stepMs, ticksMs };
}

/** A tick's time label: `14:05:30` for steps under a minute, else `14:05`. */
export function formatTimeTick(timeMs: number, stepMs: number): string {
  const date = new Date(timeMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hm = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return stepMs < 60_000 ? `${hm}:${pad(date.getSeconds())}` : hm;
}

/** Nice value ticks (1, 2, 5 × 10^k apart) covering [min, max], about `target` of them. */
export function buildValueTicks(min: number, max: number, target = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return buildValueTicks(min - pad, max + pad, target);
  }
  const raw = (max - min) / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => raw <= s) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/**
 * An OpenTelemetry unit (UCUM) for display: `1` and `{request}` annotations become
 * '' and `request`; `By` is `B`. Rates append `/s`.
 */
export function formatUnit(unit: string, perSecond = false): string {
  let text = unit === '1' ? '' : unit === 'By' ? 'B' : unit.replace(/^\{(.*)\}$/, '$1');
  if (perSecond) text = text === '' ? '/s' : `${text}/s`;
  return text;
}

/** A value with an SI suffix and up to 3 significant digits, then the unit: `1.25k req/s`, `95 ms`, `0.042`. */
export function formatValue(value: number, unitText = ''): string {
  const abs = Math.abs(value);
  const suffixes: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  const [scale, suffix] = suffixes.find(([s]) => abs >= s) ?? [1, ''];
  const scaled = value / scale;
  const text = scaled === 0 ? '0' : String(Number(scaled.toPrecision(3)));
  const unit = unitText === '' ? '' : unitText.startsWith('/') ? unitText : ` ${unitText}`;
  return `${text}${suffix}${unit}`;
}
