/**
 * A heatmap in the page: owns a HeatmapCanvas (Canvas 2D), follows its box size, redraws only when
 * the data or the size changes, and turns pointer positions into cells for hover and click.
 */
import './common.css';
import { useEffect, useRef, useState } from 'react';
import type { ColorScale } from '../../scene/colormap';
import { cellAt, cellRect } from '../../scene/heatmap-data';
import { HeatmapCanvas } from '../../scene/heatmap-canvas';

/** Width of the hover tip in pixels (it is fixed-positioned, so it never gets clipped). */
const TIP_WIDTH = 260;

export interface Cell {
  col: number;
  row: number;
}

interface Props {
  cols: number;
  rows: number;
  values: Float32Array;
  mask: Uint8Array;
  scale: ColorScale;
  /** Hover text of a cell. */
  describe: (cell: Cell) => string;
  onPick?: (cell: Cell) => void;
  /** A cell drawn with a selection frame (the open drill-down). */
  selected?: Cell | null;
  label: string;
  testId?: string;
}

export function HeatmapView(p: Props) {
  const box = useRef<HTMLDivElement>(null);
  const scene = useRef<HeatmapCanvas | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [hover, setHover] = useState<{ cell: Cell; cx: number; cy: number } | null>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });

  useEffect(() => {
    const b = box.current;
    if (!b) return;
    const c = document.createElement('canvas');
    c.className = 'heatmap-canvas';
    b.prepend(c);
    let s: HeatmapCanvas;
    try {
      s = new HeatmapCanvas(c);
    } catch (e) {
      c.remove();
      // The renderer needs the mounted canvas, so a failure is only known here.
      // eslint-disable-next-line react-hooks/set-state-in-effect
      setFailed(`This browser cannot draw the heatmap (${(e as Error).message}).`);
      return;
    }
    scene.current = s;
    const ro = new ResizeObserver(() => {
      s.resize(b.clientWidth, b.clientHeight);
      setSize({ width: b.clientWidth, height: b.clientHeight });
    });
    ro.observe(b);
    s.resize(b.clientWidth, b.clientHeight);
    return () => {
      ro.disconnect();
      s.dispose();
      c.remove();
      scene.current = null;
    };
  }, []);

  // A scrolled column moves the cells away from the pointer: drop the stale hover.
  useEffect(() => {
    if (!hover) return;
    const clear = () => setHover(null);
    window.addEventListener('scroll', clear, { capture: true, passive: true });
    return () => window.removeEventListener('scroll', clear, { capture: true });
  }, [hover]);

  const { cols, rows, values, mask, scale } = p;
  useEffect(() => {
    scene.current?.setData({ cols, rows, values, mask, scale });
  }, [cols, rows, values, mask, scale]);

  const grid = { cols, rows, width: size.width, height: size.height, gap: 2 };
  const pick = (e: React.PointerEvent<HTMLDivElement>) => {
    const b = box.current;
    if (!b) return null;
    const r = b.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const cell = cellAt({ ...grid, width: b.clientWidth, height: b.clientHeight }, x, y);
    return cell ? { cell, cx: e.clientX, cy: e.clientY } : null;
  };
  const frame = (cell: Cell | null | undefined, cls: string) => {
    if (!cell || size.width === 0 || cell.col >= cols || cell.row >= rows) return null;
    const [x0, y0, x1, y1] = cellRect(grid, cell.col, cell.row);
    return <div className={cls} style={{ left: x0, top: y0, width: x1 - x0, height: y1 - y0 }} />;
  };

  return (
    <div
      ref={box}
      className={`heatmap-box ${p.onPick ? 'pickable' : ''}`}
      data-testid={p.testId}
      role="img"
      aria-label={`${p.label}. Arrow keys move between cells${p.onPick ? ', Enter opens one' : ''}.`}
      tabIndex={0}
      onKeyDown={(e) => {
        const moves: Record<string, [number, number]> = {
          ArrowLeft: [-1, 0],
          ArrowRight: [1, 0],
          ArrowUp: [0, -1],
          ArrowDown: [0, 1],
        };
        const cur = hover?.cell ?? p.selected ?? { col: 0, row: 0 };
        if ((e.key === 'Enter' || e.key === ' ') && hover && p.onPick) {
          e.preventDefault();
          p.onPick(hover.cell);
          return;
        }
        const m = moves[e.key];
        const b = box.current;
        if (!m || !b || cols === 0 || rows === 0) return;
        e.preventDefault();
        const cell = {
          col: hover ? Math.min(cols - 1, Math.max(0, cur.col + m[0])) : cur.col,
          row: hover ? Math.min(rows - 1, Math.max(0, cur.row + m[1])) : cur.row,
        };
        const r = b.getBoundingClientRect();
        const [x0, y0, x1, y1] = cellRect(grid, cell.col, cell.row);
        setHover({ cell, cx: r.left + (x0 + x1) / 2, cy: r.top + (y0 + y1) / 2 });
      }}
      onBlur={() => setHover(null)}
      onPointerMove={(e) => setHover(pick(e))}
      onPointerLeave={() => setHover(null)}
      onClick={(e) => {
        const h = pick(e as unknown as React.PointerEvent<HTMLDivElement>);
        if (h && p.onPick) p.onPick(h.cell);
      }}
    >
      {failed && <p className="error small heatmap-failed">{failed}</p>}
      {frame(p.selected, 'cell-frame selected')}
      {hover && frame(hover.cell, 'cell-frame hover')}
      {hover && (
        <div
          className="heatmap-tip"
          role="tooltip"
          aria-live="polite"
          style={{
            left: Math.max(4, Math.min(hover.cx + 12, window.innerWidth - TIP_WIDTH - 8)),
            // Below the pointer in the upper half of the window, above it in the lower half.
            ...(hover.cy < window.innerHeight / 2
              ? { top: hover.cy + 16 }
              : { bottom: window.innerHeight - hover.cy + 12 }),
            width: TIP_WIDTH,
          }}
        >
          {p.describe(hover.cell)}
        </div>
      )}
    </div>
  );
}
