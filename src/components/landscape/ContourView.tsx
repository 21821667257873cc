/** A 2D contour view on a canvas that follows its box size (see scene/contour-canvas). */
import { useEffect, useRef, useState } from 'react';
import { drawContour, type ContourDrawInput } from '../../scene/contour-canvas';

interface Props {
  input: ContourDrawInput;
  label: string;
  testId?: string;
}

export function ContourView({ input, label, testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });

  useEffect(() => {
    const b = box.current;
    if (!b) return;
    const ro = new ResizeObserver(() => setSize({ width: b.clientWidth, height: b.clientHeight }));
    ro.observe(b);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const c = canvas.current;
    if (!c || size.width < 20 || size.height < 20) return;
    drawContour(c, size.width, size.height, input);
  }, [input, size]);

  return (
    <div ref={box} className="surface-box" data-testid={testId}>
      <canvas ref={canvas} className="surface-canvas" role="img" aria-label={label} />
    </div>
  );
}
