/** Entry point: mounts the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The global base first: every panel's own CSS (imported by its components) comes after it.
import './styles.css';
import { App } from './components/shell/App';
import { bootPage } from './app/boot';
import { preferSoftware2dCanvas } from './scene/software-canvas';
import { appStore } from './store';

preferSoftware2dCanvas();

// The link's settings apply before the first render and before the worker starts (backend).
const firstView = bootPage(appStore);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App firstView={firstView} />
  </StrictMode>,
);
