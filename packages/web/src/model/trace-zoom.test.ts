import { describe, expect, it } from 'vitest';
import { FULL_ZOOM, MIN_ZOOM_WIDTH, clampZoom, formatZoomParam, isFullZoom, panZoom, parseZoomParam, scaleZoom, zoomToRange } from './trace-zoom';

describe('trace zoom', () => {
  it('round-trips through the URL, the whole trace being no parameter', () => {
    expect(parseZoomParam('0.25-0.5')).toEqual({ startFraction: 0.25, endFraction: 0.5 });
    expect(formatZoomParam({ startFraction: 0.25, endFraction: 0.5 })).toBe('0.25-0.5');
    expect(formatZoomParam({ startFraction: 1 / 3, endFraction: 2 / 3 })).toBe('0.33333-0.66667');
    expect(formatZoomParam(FULL_ZOOM)).toBeUndefined();
    expect(parseZoomParam(null)).toEqual(FULL_ZOOM);
    for (const bad of ['', 'abc', '0.5', '-0.1-0.5', '0.1-0.5-0.7']) expect(parseZoomParam(bad)).toEqual(FULL_ZOOM);
  });

  it('clamps windows into [0, 1], swaps reversed ones, widens too-narrow ones', () => {
    expect(parseZoomParam('0.6-0.2')).toEqual({ startFraction: 0.2, endFraction: 0.6 });
    expect(clampZoom({ startFraction: 0.9, endFraction: 1.3 })).toEqual({ startFraction: 0.6, endFraction: 1 });
    const narrow = clampZoom({ startFraction: 0.5, endFraction: 0.5 });
    expect(narrow.endFraction - narrow.startFraction).toBeCloseTo(MIN_ZOOM_WIDTH);
    expect((narrow.startFraction + narrow.endFraction) / 2).toBeCloseTo(0.5);
    expect(isFullZoom(clampZoom({ startFraction: -1, endFraction: 5 }))).toBe(true);
  });

  it('zooms around a point and pans without leaving the trace', () => {
    expect(scaleZoom(FULL_ZOOM, 0.5)).toEqual({ startFraction: 0.25, endFraction: 0.75 });
    const atLeft = scaleZoom(FULL_ZOOM, 0.5, 0);
    expect(atLeft).toEqual({ startFraction: 0, endFraction: 0.5 });
    expect(scaleZoom(atLeft, 4)).toEqual(FULL_ZOOM);
    const panned = panZoom({ startFraction: 0.2, endFraction: 0.4 }, 0.1);
    expect(panned.startFraction).toBeCloseTo(0.3);
    expect(panned.endFraction).toBeCloseTo(0.5);
    expect(panZoom({ startFraction: 0.25, endFraction: 0.5 }, 5)).toEqual({ startFraction: 0.75, endFraction: 1 });
    expect(panZoom({ startFraction: 0.2, endFraction: 0.4 }, -5)).toEqual({ startFraction: 0, endFraction: 0.2 });
  });

  it('zooms to a span with a margin', () => {
    const zoom = zoomToRange(40, 60, 100, 0.1);
    expect(zoom.startFraction).toBeCloseTo(0.38);
    expect(zoom.endFraction).toBeCloseTo(0.62);
    expect(zoomToRange(0, 10, 0)).toEqual(FULL_ZOOM);
  });
});
