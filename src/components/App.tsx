/** The first screen: top bar; settings left; status and charts centre; backend and samples right. */
import { useEffect } from 'react';
import { appStore } from '../store';
import { LabClient } from '../workers/client';
import { BackendDetails } from './BackendDetails';
import { ConfigPanel } from './ConfigPanel';
import { RunStatus } from './RunStatus';
import { SampleGrid } from './SampleGrid';
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
      <main className="layout">
        <aside className="col left">
          <ConfigPanel />
        </aside>
        <section className="col centre" aria-label="Training">
          <RunStatus />
          <TrainingCharts />
        </section>
        <aside className="col right">
          <BackendDetails />
          <SampleGrid />
        </aside>
      </main>
    </div>
  );
}
