/**
 * The zoom of the trace view: the part of the trace's time the waterfall shows, as
 * fractions of the trace's duration, so that a shared link shows the same part.
 */

/** [startFraction, endFraction] of the trace's duration, 0 ≤ start < end ≤ 1. */
export interface ZoomWindow {
  startFraction: number;
  endFraction: number;
}

/** The whole trace. */
export const FULL_ZOOM: ZoomWindow = { startFraction: 0, endFraction: 1 };

/** The narrowest window: 1/2000 of the trace (1 ms of a 2 s trace). */
export const MIN_ZOOM_WIDTH = 0.0005;

/** Whether `zoom` shows the whole trace. */
export function isFullZoom(zoom: ZoomWindow): boolean {
  return zoom.startFraction <= 0 && zoom.endFraction >= 1;
}

/**
 * A window kept inside [0, 1] and at least MIN_ZOOM_WIDTH wide: a too-narrow window
 * grows around its middle, one that sticks out is moved back in (keeping its width).
 */
export function clampZoom(zoom: ZoomWindow): ZoomWindow {
  let start = Number.isFinite(zoom.startFraction) ? zoom.startFraction : 0;
  let end = Number.isFinite(zoom.endFraction) ? zoom.endFraction : 1;
  if (end < start) [start, end] = [end, start];
  let width = Math.min(1, Math.max(MIN_ZOOM_WIDTH, end - start));
  if (end - start < width) {
    const middle = (start + end) / 2;
    start = middle - width / 2;
  }
  start = Math.min(Math.max(0, start), 1 - width);
  width = Math.min(width, 1 - start);
  return { startFraction: start, endFraction: start + width };
}

/** The window in a `zoom=<start>-<end>` URL value (fractions); the whole trace when absent or malformed. */
export function parseZoomParam(value: string | null): ZoomWindow {
  const match = value === null ? null : /^(\d*\.?\d+)-(\d*\.?\d+)$/.exec(value);
  if (match === null) return FULL_ZOOM;
  return clampZoom({ startFraction: Number(match[1]), endFraction: Number(match[2]) });
}

/** The URL value for `zoom` (fractions to 5 decimals), undefined for the whole trace (no parameter). */
export function formatZoomParam(zoom: ZoomWindow): string | undefined {
  if (isFullZoom(zoom)) return undefined;
  const text = (f: number) => String(Number(f.toFixed(5)));
  return `${text(zoom.startFraction)}-${text(zoom.endFraction)}`;
}

/** The window scaled by `factor` (< 1 zooms in) around `centerFraction` (default its middle), clamped. */
export function scaleZoom(zoom: ZoomWindow, factor: number, centerFraction = (zoom.startFraction + zoom.endFraction) / 2): ZoomWindow {
  const width = (zoom.endFraction - zoom.startFraction) * factor;
  const ratio = zoom.endFraction === zoom.startFraction ? 0.5 : (centerFraction - zoom.startFraction) / (zoom.endFraction - zoom.startFraction);
  const start = centerFraction - width * ratio;
  return clampZoom({ startFraction: start, endFraction: start + width });
}

/** The window moved by `deltaFraction` of the trace, stopping at either end. */
export function panZoom(zoom: ZoomWindow, deltaFraction: number): ZoomWindow {
  const width = zoom.endFraction - zoom.startFraction;
  const start = Math.min(Math.max(0, zoom.startFraction + deltaFraction), 1 - width);
  return { startFraction: start, endFraction: start + width };
}

/** The window around [startNs, endNs] of a trace `traceDurationNs` long, with `marginFraction` of its width each side. */
export function zoomToRange(startNs: number, endNs: number, traceDurationNs: number, marginFraction = 0.05): ZoomWindow {
  if (traceDurationNs <= 0) return FULL_ZOOM;
  const width = Math.max(0, endNs - startNs);
  const margin = width * marginFraction;
  return clampZoom({ startFraction: (startNs - margin) / traceDurationNs, endFraction: (endNs + margin) / traceDurationNs });
}
