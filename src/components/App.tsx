/**
 * The main screen: top bar; settings and poisons left; experiment status, training charts and
 * the poisoned-image gallery centre; learnability (UD cards, SAL heatmaps, per-filter SAL) right.
 */
import { useEffect } from 'react';
import { appStore } from '../store';
import { LabClient } from '../workers/client';
import { ConfigPanel } from './ConfigPanel';
import { CrossTaskPanel } from './crosstask/CrossTaskPanel';
import { ExperimentStatus } from './ExperimentStatus';
import { LandscapePanel } from './landscape/LandscapePanel';
import { LessonPanel } from './LessonPanel';
import { LearnabilityPanel } from './LearnabilityPanel';
import { PoisonGallery } from './PoisonGallery';
import { RunsPanel } from './RunsPanel';
import { ShareNotices } from './ShareNotices';
import { TopBar } from './TopBar';
import { TrainingCharts } from './TrainingCharts';

export function App() {
  // One worker for the page; the store routes its messages to the runs.
  useEffect(() => {
    const { backendReady, workerError, connectLab, disconnectLab } = appStore.getState();
    const client = new LabClient({
      onReady: (msg) => backendReady(msg.backend),
      onError: (message) => workerError(message),
    });
    connectLab(client, new URL('data', document.baseURI).href);
    return () => {
      disconnectLab();
      client.terminate();
    };
  }, []);

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
          <TrainingCharts />
          <PoisonGallery />
          <CrossTaskPanel />
        </section>
        <aside className="col right" aria-label="Learnability">
          <LearnabilityPanel />
        </aside>
      </main>
      <LessonPanel />
    </div>
  );
}
