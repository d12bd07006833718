import { useEffect, useState, type PointerEvent } from 'react';
import { useSetSearchParams } from './router';
import { absoluteRange, timeRangeQuery } from './time-range';

/** Where a chart's time axis lies in its SVG, in viewBox units, and the times at its ends (Unix ms). */
export interface TimeAxisGeometry {
  fromMs: number;
  toMs: number;
  /** The plot's left edge and width, and the whole viewBox's width (the SVG is scaled to its box). */
  plotLeft: number;
  plotWidth: number;
  viewWidth: number;
}

/** Pointer movement, in screen pixels, below which a press and release is a click and zooms nothing. */
const CLICK_SLOP_PX = 4;

interface Drag {
  pointerId: number;
  startX: number;
  currentX: number;
  startClientX: number;
  currentClientX: number;
}

/** What useDragZoom gives its chart: props for the <svg> and the band to draw while dragging. */
export interface DragZoom {
  svgProps: {
    className: string;
    onPointerDown: (event: PointerEvent<SVGSVGElement>) => void;
    onPointerMove: (event: PointerEvent<SVGSVGElement>) => void;
    onPointerUp: (event: PointerEvent<SVGSVGElement>) => void;
    onPointerCancel: () => void;
  };
  /** The selected span in viewBox units while a drag is under way, else undefined. */
  band: { x: number; width: number } | undefined;
}

/**
 * Zoom by dragging across a chart, as in Grafana: pressing on the plot and dragging sideways
 * selects a window (draw `band` as a shaded rect); releasing sets it as the absolute time
 * range in the URL (a history entry, so Back returns to the previous range). A click without a
 * drag does nothing, and Escape cancels a drag. The keyboard path is the header's Zoom out and
 * the time range picker.
 */
export function useDragZoom(axis: TimeAxisGeometry): DragZoom {
  const setSearch = useSetSearchParams();
  const [drag, setDrag] = useState<Drag | undefined>(undefined);
  const dragging = drag !== undefined;

  useEffect(() => {
    if (!dragging) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setDrag(undefined);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [dragging]);

  const plotRight = axis.plotLeft + axis.plotWidth;
  const toViewX = (event: PointerEvent<SVGSVGElement>): number => {
    const box = event.currentTarget.getBoundingClientRect();
    const x = box.width === 0 ? axis.plotLeft : ((event.clientX - box.left) / box.width) * axis.viewWidth;
    return Math.min(plotRight, Math.max(axis.plotLeft, x));
  };
  const toTimeMs = (x: number) => axis.fromMs + ((x - axis.plotLeft) / axis.plotWidth) * (axis.toMs - axis.fromMs);

  return {
    svgProps: {
      className: 'zoomable',
      onPointerDown: (event) => {
        if (event.button !== 0 || !event.isPrimary || axis.toMs <= axis.fromMs) return;
        // Capture, so that a drag ending outside the chart still ends here.
        event.currentTarget.setPointerCapture?.(event.pointerId);
        event.preventDefault();
        const x = toViewX(event);
        setDrag({ pointerId: event.pointerId, startX: x, currentX: x, startClientX: event.clientX, currentClientX: event.clientX });
      },
      onPointerMove: (event) => {
        if (drag === undefined || event.pointerId !== drag.pointerId) return;
        const x = toViewX(event);
        const clientX = event.clientX;
        setDrag((d) => (d === undefined ? d : { ...d, currentX: x, currentClientX: clientX }));
      },
      onPointerUp: (event) => {
        if (drag === undefined || event.pointerId !== drag.pointerId) return;
        setDrag(undefined);
        if (Math.abs(event.clientX - drag.startClientX) < CLICK_SLOP_PX) return;
        const range = absoluteRange(toTimeMs(drag.startX), toTimeMs(toViewX(event)));
        if (range !== undefined) setSearch(timeRangeQuery(range));
      },
      onPointerCancel: () => setDrag(undefined),
    },
    band: drag === undefined || Math.abs(drag.currentClientX - drag.startClientX) < CLICK_SLOP_PX ? undefined : { x: Math.min(drag.startX, drag.currentX), width: Math.abs(drag.currentX - drag.startX) },
  };
}
