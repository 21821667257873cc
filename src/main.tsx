/** Entry point: mounts the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { bootSharing } from './persist/boot';
import { appStore } from './store';
import './styles.css';

// The link's settings apply before the first render and before the worker starts (backend).
bootSharing(appStore);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
