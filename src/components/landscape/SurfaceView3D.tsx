/**
 * A three.js loss surface in the page: owns a SurfaceScene, follows its box size, redraws when
 * the data changes; arrow keys turn the view (the mouse orbits, drags and zooms).
 */
import { useEffect, useRef, useState } from 'react';
import { SurfaceScene, type SurfaceSceneInput } from '../../scene/surface-scene';

interface Props {
  input: SurfaceSceneInput;
  label: string;
  /** Called with the scene (for glTF export) and with null when it goes. */
  onScene?: (scene: SurfaceScene | null) => void;
  testId?: string;
}

const STEP = Math.PI / 24;

export function SurfaceView3D({ input, label, onScene, testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const scene = useRef<SurfaceScene | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    const b = box.current;
    if (!b) return;
    // A fresh canvas per mount: a disposed renderer loses its canvas's context for good.
    const c = document.createElement('canvas');
    c.className = 'surface-canvas';
    b.prepend(c);
    let s: SurfaceScene;
    try {
      s = new SurfaceScene(c);
    } catch (e) {
      c.remove();
      // The renderer needs the mounted canvas, so a failure is only known here.
      // eslint-disable-next-line react-hooks/set-state-in-effect
      setFailed(
        `WebGL is not available here, so the 3D view cannot be drawn (${(e as Error).message}).`,
      );
      return;
    }
    scene.current = s;
    onScene?.(s);
    const ro = new ResizeObserver(() => s.resize(b.clientWidth, b.clientHeight));
    ro.observe(b);
    s.resize(b.clientWidth, b.clientHeight);
    return () => {
      ro.disconnect();
      onScene?.(null);
      s.dispose();
      c.remove();
      scene.current = null;
    };
    // onScene is a stable callback of the parent.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    scene.current?.setData(input);
  }, [input]);

  if (failed) return <p className="error">{failed}</p>;
  return (
    <div
      ref={box}
      className="surface-box"
      role="img"
      aria-label={label}
      tabIndex={0}
      data-testid={testId}
      title="Drag to turn, scroll to zoom; arrow keys turn the view"
      onKeyDown={(e) => {
        const d: Record<string, [number, number]> = {
          ArrowLeft: [-STEP, 0],
          ArrowRight: [STEP, 0],
          ArrowUp: [0, STEP],
          ArrowDown: [0, -STEP],
        };
        const m = d[e.key];
        if (!m) return;
        e.preventDefault();
        scene.current?.rotate(m[0], m[1]);
      }}
    />
  );
}
