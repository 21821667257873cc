/**
 * The main screen: top bar; settings and poisons left; experiment status, training charts and
 * the poisoned-image gallery centre; learnability (UD cards, SAL heatmaps, per-filter SAL) right.
 */
import './shell.css';
import { useEffect, useState } from 'react';
import { ConfigPanel } from '../training/ConfigPanel';
import { CrossTaskPanel } from '../crosstask/CrossTaskPanel';
import { ExperimentStatus } from './ExperimentStatus';
import { LandscapePanel } from '../landscape/LandscapePanel';
import { LessonPanel } from '../lessons/LessonPanel';
import { LearnabilityPanel } from '../learnability/LearnabilityPanel';
import { PoisonGallery } from '../poisons/PoisonGallery';
import { RunsPanel } from '../runs/RunsPanel';
import { ShareNotices } from './ShareNotices';
import { TopBar } from './TopBar';
import { TrainingCharts } from '../training/TrainingCharts';

interface Props {
  /** Resolves once the first view (a link's demo, if any) is drawn. */
  firstView: Promise<void>;
}

export function App({ firstView }: Props) {
  // The training charts, the gallery and the cross-task card mount once the first view (a
  // demo's landscape, heatmaps and UD) is drawn: on a 2-core machine their charts and canvases
  // delay it by ~150 ms, and they are below or beside what a demo link is opened for.
  const [rest, setRest] = useState(false);
  useEffect(() => {
    let live = true;
    void firstView.then(() => live && setRest(true));
    return () => {
      live = false;
    };
  }, [firstView]);

  return (
    <div className="app">
      <TopBar />
      <ShareNotices />
      <main className="layout">
        <aside className="col left" aria-label="Data and poison">
          <ConfigPanel />
          <RunsPanel />
        </aside>
        <section className="col centre" aria-label="Training">
          <ExperimentStatus />
          <LandscapePanel />
          {rest && (
            <>
              <TrainingCharts />
              <PoisonGallery />
              <CrossTaskPanel />
            </>
          )}
        </section>
        <aside className="col right" aria-label="Learnability">
          <LearnabilityPanel />
        </aside>
      </main>
      <LessonPanel />
    </div>
  );
}
