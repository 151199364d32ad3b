/**
 * The page's entry, kept tiny: the training worker starts first, so its script loads and its
 * backend starts while the page's own code (Svelte, Chart.js, the controls) loads and draws.
 */
import { connectWorker } from './ui/worker-client';

const worker = connectWorker();
void worker.api.prepare(new URLSearchParams(location.search).get('backend'));
const { startPage } = await import('./ui/start-page');
startPage(worker);
