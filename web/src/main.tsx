import 'antd/dist/reset.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadLang } from './session';

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
document.documentElement.lang = loadLang();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
