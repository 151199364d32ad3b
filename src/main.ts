import { mount } from 'svelte';
import App from './ui/App.svelte';
import { configState } from './ui/state/config.svelte';
import { runsState } from './ui/state/runs.svelte';
import { trainer } from './ui/state/trainer.svelte';
import './ui/global.css';

mount(App, { target: document.getElementById('app')! });

// The page's state, for the browser console (and for tests that need to reach the worker).
(window as unknown as { dpoPlayground: object }).dpoPlayground = { trainer, runs: runsState, config: configState };
