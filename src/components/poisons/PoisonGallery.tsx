/**
 * The poisoned images of the selected experiment: one strip per poisoned run. Without a
 * poisoned run it shows the training images instead.
 */
import './poisons.css';
import { selectExperimentRuns, useApp } from '../../store';
import { GalleryStrip } from './GalleryStrip';
import { SampleGrid } from './SampleGrid';

export function PoisonGallery() {
  const runs = useApp(selectExperimentRuns);
  const poisoned = runs.filter((r) => r.method !== null);
  if (poisoned.length === 0) return <SampleGrid />;
  return (
    <section className="card gallery" data-testid="poison-gallery" aria-labelledby="gallery-h">
      <h2 id="gallery-h">
        Poisoned images{' '}
        <span className="muted small">
          per method, a few images per class: original, the change the poison made (amplified), and
          what the model trains on
        </span>
      </h2>
      {poisoned.map((r) => (
        <GalleryStrip key={r.id} run={r} />
      ))}
    </section>
  );
}
