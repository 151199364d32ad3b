/** Mount the page on a training worker that is already starting (main.ts). */
import { mount } from 'svelte';
import App from './App.svelte';
import { configState } from './state/config.svelte';
import { runsState } from './state/runs.svelte';
import { trainer } from './state/trainer.svelte';
import type { connectWorker } from './worker-client';
import './global.css';

export function startPage(worker: ReturnType<typeof connectWorker>): void {
  trainer.adoptWorker(worker);
  mount(App, { target: document.getElementById('app')! });
  // The page's state, for the browser console (and for tests that need to reach the worker).
  (window as unknown as { dpoPlayground: object }).dpoPlayground = { trainer, runs: runsState, config: configState };
}
