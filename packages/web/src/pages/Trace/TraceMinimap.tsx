import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { formatDurationNs } from '../../model/format';
import { useShownTheme } from '../../model/theme';
import { FULL_ZOOM, MIN_ZOOM_WIDTH, clampZoom, isFullZoom, panZoom, scaleZoom, type ZoomWindow } from '../../model/trace-zoom';
import type { Waterfall } from '../../model/trace-tree';

const MINIMAP_HEIGHT_PX = 56;
/** A drag shorter than this (fraction of the width) is a click. */
const CLICK_FRACTION = 0.004;

type DragMode = 'new' | 'move' | 'start' | 'end';

/**
 * An overview of the whole trace (every span, drawn on a canvas) with the window the
 * waterfall shows: drag on it to select a window, drag the window to move it, drag its
 * edges to resize it, click outside it to centre it there. By keyboard the window is a
 * focusable slider (arrows move it, Shift+arrows resize it, +/- zoom, 0 resets) and the
 * buttons beside it do the same.
 */
export function TraceMinimap({ waterfall, colors, zoom, onZoomChange }: { waterfall: Waterfall; colors: Map<string, string>; zoom: ZoomWindow; onZoomChange: (zoom: ZoomWindow, commit: boolean) => void }) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [widthPx, setWidthPx] = useState(0);
  const drag = useRef<{ mode: DragMode; originFraction: number; startZoom: ZoomWindow; moved: boolean } | null>(null);

  useEffect(() => {
    const wrap = wrapRef.current;
    if (wrap === null) return;
    setWidthPx(wrap.clientWidth);
    const observer = new ResizeObserver(() => setWidthPx(wrap.clientWidth));
    observer.observe(wrap);
    return () => observer.disconnect();
  }, []);

  // The canvas reads the error colour from CSS when drawn: a theme switch draws it again.
  const theme = useShownTheme();
  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null || widthPx === 0) return;
    drawMinimap(canvas, waterfall, colors, widthPx);
  }, [waterfall, colors, widthPx, theme]);

  const fractionAt = (clientX: number) => {
    const rect = wrapRef.current?.getBoundingClientRect();
    if (rect === undefined || rect.width === 0) return 0;
    return Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    let mode = ((event.target as HTMLElement).dataset.drag as DragMode | undefined) ?? 'new';
    // Unzoomed, the window covers everything: dragging across it selects rather than moves.
    if (mode === 'move' && isFullZoom(zoom)) mode = 'new';
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { mode, originFraction: fractionAt(event.clientX), startZoom: zoom, moved: false };
  };
  const windowFor = (clientX: number): ZoomWindow | undefined => {
    const d = drag.current;
    if (d === null) return undefined;
    const f = fractionAt(clientX);
    if (Math.abs(f - d.originFraction) >= CLICK_FRACTION) d.moved = true;
    if (!d.moved) return undefined;
    const { startFraction, endFraction } = d.startZoom;
    switch (d.mode) {
      case 'new':
        return clampZoom({ startFraction: Math.min(d.originFraction, f), endFraction: Math.max(d.originFraction, f) });
      case 'move':
        return panZoom(d.startZoom, f - d.originFraction);
      case 'start':
        return clampZoom({ startFraction: Math.min(f, endFraction - MIN_ZOOM_WIDTH), endFraction });
      case 'end':
        return clampZoom({ startFraction, endFraction: Math.max(f, startFraction + MIN_ZOOM_WIDTH) });
    }
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const next = windowFor(event.clientX);
    if (next !== undefined) onZoomChange(next, false);
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (d === null) return;
    const next = windowFor(event.clientX);
    drag.current = null;
    if (next !== undefined) onZoomChange(next, true);
    else if (d.mode === 'new' && !isFullZoom(zoom)) {
      // A click outside the window centres the window there.
      const width = zoom.endFraction - zoom.startFraction;
      onZoomChange(panZoom(zoom, d.originFraction - width / 2 - zoom.startFraction), true);
    }
  };
  const onPointerCancel = () => {
    if (drag.current === null) return;
    onZoomChange(drag.current.startZoom, true);
    drag.current = null;
  };

  const width = zoom.endFraction - zoom.startFraction;
  const step = (deltaOfWidth: number) => onZoomChange(panZoom(zoom, deltaOfWidth * width), true);
  const onWindowKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const resize = event.shiftKey;
    switch (event.key) {
      case 'ArrowLeft':
        if (resize) onZoomChange(clampZoom({ startFraction: zoom.startFraction, endFraction: zoom.endFraction - width * 0.1 }), true);
        else step(-0.1);
        break;
      case 'ArrowRight':
        if (resize) onZoomChange(clampZoom({ startFraction: zoom.startFraction, endFraction: zoom.endFraction + width * 0.1 }), true);
        else step(0.1);
        break;
      case '+':
      case '=':
        onZoomChange(scaleZoom(zoom, 0.5), true);
        break;
      case '-':
        onZoomChange(scaleZoom(zoom, 2), true);
        break;
      case '0':
      case 'Escape':
        if (isFullZoom(zoom)) return;
        onZoomChange(FULL_ZOOM, true);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const duration = waterfall.traceDurationNs;
  const shown = `${formatDurationNs(Math.round(zoom.startFraction * duration))} to ${formatDurationNs(Math.round(zoom.endFraction * duration))}`;
  const full = isFullZoom(zoom);
  return (
    <div className="trace-minimap" role="group" aria-label="Trace overview and zoom">
      <div className="minimap-area" ref={wrapRef} style={{ height: MINIMAP_HEIGHT_PX }} onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onPointerCancel={onPointerCancel}>
        <canvas ref={canvasRef} className="minimap-canvas" aria-hidden="true" />
        <div className="minimap-shade" style={{ left: 0, width: `${zoom.startFraction * 100}%` }} />
        <div className="minimap-shade" style={{ left: `${zoom.endFraction * 100}%`, right: 0 }} />
        <div
          className={`minimap-window${full ? ' full' : ''}`}
          data-drag="move"
          role="slider"
          tabIndex={0}
          aria-label="Zoom window"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(zoom.startFraction * 100)}
          aria-valuetext={`Showing ${shown} of ${formatDurationNs(duration)}`}
          aria-keyshortcuts="ArrowLeft ArrowRight Shift+ArrowLeft Shift+ArrowRight + - 0"
          title="Drag to move; drag the edges to resize; arrows move, Shift+arrows resize, +/- zoom, 0 resets"
          style={{ left: `${zoom.startFraction * 100}%`, width: `${width * 100}%` }}
          onKeyDown={onWindowKeyDown}
        >
          <span className="minimap-handle start" data-drag="start" aria-hidden="true" />
          <span className="minimap-handle end" data-drag="end" aria-hidden="true" />
        </div>
      </div>
      <div className="minimap-controls">
        <span className="minimap-range" aria-live="polite">
          {full ? `Whole trace, ${formatDurationNs(duration)}` : `Showing ${shown} of ${formatDurationNs(duration)}`}
        </span>
        <button type="button" onClick={() => step(-0.5)} disabled={zoom.startFraction <= 0} aria-label="Show earlier">
          ◀
        </button>
        <button type="button" onClick={() => step(0.5)} disabled={zoom.endFraction >= 1} aria-label="Show later">
          ▶
        </button>
        <button type="button" onClick={() => onZoomChange(scaleZoom(zoom, 0.5), true)} disabled={width <= MIN_ZOOM_WIDTH * 1.001}>
          Zoom in
        </button>
        <button type="button" onClick={() => onZoomChange(scaleZoom(zoom, 2), true)} disabled={full}>
          Zoom out
        </button>
        <button type="button" onClick={() => onZoomChange(FULL_ZOOM, true)} disabled={full}>
          Reset zoom
        </button>
      </div>
    </div>
  );
}

/** Draws every span as a thin bar (row order top to bottom, time left to right), errors on top in the error colour. */
function drawMinimap(canvas: HTMLCanvasElement, waterfall: Waterfall, colors: Map<string, string>, widthPx: number): void {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(widthPx * ratio);
  canvas.height = Math.round(MINIMAP_HEIGHT_PX * ratio);
  canvas.style.width = `${widthPx}px`;
  canvas.style.height = `${MINIMAP_HEIGHT_PX}px`;
  const context = canvas.getContext('2d');
  if (context === null) return;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, widthPx, MINIMAP_HEIGHT_PX);
  const { rows } = waterfall;
  if (rows.length === 0) return;
  const total = Math.max(1, waterfall.traceDurationNs);
  const pitch = Math.min(8, (MINIMAP_HEIGHT_PX - 4) / rows.length);
  const barHeight = Math.max(1, pitch * 0.75);
  const drawRow = (i: number) => {
    const row = rows[i];
    const x = (row.offsetNs / total) * widthPx;
    context.fillRect(x, 2 + i * pitch, Math.max(1, (row.durationNs / total) * widthPx), barHeight);
  };
  let fill = '';
  for (let i = 0; i < rows.length; i++) {
    const color = colors.get(rows[i].serviceName) ?? 'gray';
    if (color !== fill) context.fillStyle = fill = color;
    drawRow(i);
  }
  context.fillStyle = getComputedStyle(canvas).getPropertyValue('--error').trim() || '#c62828';
  for (let i = 0; i < rows.length; i++) if (rows[i].isError) drawRow(i);
}
