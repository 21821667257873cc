/** Sample images of the clean run's training subset, one row per class, drawn with ImageData. */
import { useEffect, useMemo, useRef } from 'react';
import { selectCleanRun, useApp } from '../../store';
import type { SampleImages } from '../../core/experiment-types';

/** Pixels between images in a row. */
const GAP = 2;

/** One class: its name and a canvas holding its images side by side. */
function ClassRow({
  samples,
  name,
  indices,
}: {
  samples: SampleImages;
  name: string;
  indices: number[];
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { width: w, height: h, channels: c, images } = samples;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(w, h);
    const px = img.data;
    indices.forEach((idx, k) => {
      const base = idx * w * h * c;
      for (let p = 0; p < w * h; p++) {
        const r = images[base + p * c] ?? 0;
        px[4 * p] = r;
        px[4 * p + 1] = c === 3 ? (images[base + p * c + 1] ?? 0) : r;
        px[4 * p + 2] = c === 3 ? (images[base + p * c + 2] ?? 0) : r;
        px[4 * p + 3] = 255;
      }
      ctx.putImageData(img, k * (w + GAP), 0);
    });
  }, [images, indices, w, h, c]);
  return (
    <div className="sample-row">
      <span className="sample-name" title={name}>
        {name}
      </span>
      <canvas
        ref={ref}
        width={Math.max(1, indices.length * (w + GAP) - GAP)}
        height={h}
        style={{ height: `${h}px` }}
        aria-label={`${indices.length} training images of class ${name}`}
      />
    </div>
  );
}

export function SampleGrid() {
  const samples = useApp((s) => selectCleanRun(s)?.samples ?? null);
  const dataset = useApp((s) => selectCleanRun(s)?.config.dataset ?? null);
  const byClass = useMemo(() => {
    if (!samples) return [];
    const groups = samples.classNames.map(() => [] as number[]);
    for (let i = 0; i < samples.count; i++) groups[samples.labels[i] ?? 0]?.push(i);
    return groups;
  }, [samples]);

  return (
    <section className="card samples" data-testid="sample-grid" aria-labelledby="samples-h">
      <h2 id="samples-h">
        Training images{' '}
        <span className="muted small">
          {samples
            ? `${dataset}, ${samples.width}×${samples.height} px; toggle a poison on the left to see poisoned images`
            : ''}
        </span>
      </h2>
      {samples ? (
        <div className="sample-rows sample-cols">
          {byClass.map((indices, c) => (
            <ClassRow
              key={c}
              samples={samples}
              name={samples.classNames[c] ?? String(c)}
              indices={indices}
            />
          ))}
        </div>
      ) : (
        <p className="muted">A few images per class appear when a run has loaded its data.</p>
      )}
    </section>
  );
}
