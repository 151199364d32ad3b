/**
 * The page's side of the training worker: starts it, loads the shipped model, starts and controls
 * runs, folds their batched updates into the runs state, asks the user for human-judge choices,
 * runs sweep queues one run after another, and recovers from a crashed worker or a lost GPU.
 */
import * as Comlink from 'comlink';
import { measurementClass, type BackendName } from '../../../workers/backend-names';
import type { BackendInfo, MeasuredChoice } from '../../../workers/backends';
import type { ModelSummary, PlaygroundApi } from '../../../workers/playground.worker';
import type { RunListener } from '../../../workers/run-control';
import type { PlaygroundConfig } from '../../core/settings/controls';
import type { ComparedCaption, InspectedPair } from '../../core/session/run-session';
import { isFinished } from '../../core/runs/run-record';
import type { RunUpdate } from '../../core/session/training-loop';
import { runUpdateProblems } from '../../core/runs/run-update-schema';
import { connectWorker } from '../worker-client';
import { defaultRunsAtOnce, RunPool } from './run-pool.svelte';
import { configState } from './config.svelte';
import { runsState } from './runs.svelte';

export interface HumanChoice {
  rgba: Uint8ClampedArray;
  size: number;
  prompt: string;
  responses: string[];
  resolve: (index: number) => void;
  /** Counts the choices asked in this page, so each dialog is told apart from the next. */
  id: number;
}

interface Live {
  status: RunUpdate['status'] | 'idle';
  step: number;
  totalSteps: number;
  stepsPerSecond: number;
  activity: string;
}

/** A sweep's run waiting for a worker. */
interface QueuedRun {
  config: PlaygroundConfig;
  name: string;
  sweepId: string;
}

const IDLE: Live = { status: 'idle', step: 0, totalSteps: 0, stepsPerSecond: 0, activity: '' };

class TrainerState {
  backend = $state<BackendInfo | null>(null);
  /** The background measurement of the backends: waiting for the page to be idle, running, or none needed. */
  measuring = $state<'waiting' | 'running' | 'off'>('off');
  model = $state<ModelSummary | null>(null);
  error = $state<string | null>(null);
  activeRunId = $state<string | null>(null);
  live = $state<Live>({ ...IDLE });
  pairs = $state.raw<InspectedPair[]>([]);
  gallery = $state.raw<ComparedCaption[]>([]);
  humanChoice = $state.raw<HumanChoice | null>(null);
  private choicesAsked = 0;
  /** Set when the worker died mid-run: the run can resume from its last evaluation. */
  crashed = $state<{ runId: string; message: string } | null>(null);
  queue = $state<QueuedRun[]>([]);
  /** Bumped when the trained policy changes, so views that ask the worker refresh. */
  policyVersion = $state(0);
  /** A sweep's runs trained at once: the page's worker plus extra workers (run-pool.svelte.ts). */
  runsAtOnce = $state(
    defaultRunsAtOnce(navigator.hardwareConcurrency || 1, (navigator as Navigator & { deviceMemory?: number }).deviceMemory),
  );
  private pool = new RunPool({
    update: (runId, update) => runsState.apply(runId, update),
    ended: (runId, outcome) => {
      if (outcome?.failure) runsState.update(runId, { status: 'failed', error: outcome.failure });
      if (outcome?.stopped) runsState.update(runId, { status: 'stopped' });
      void runsState.flush();
      this.fillSlots();
    },
  });

  /** Some run trains, in the page's worker or in a sweep worker. */
  get anyRunning(): boolean {
    return this.busy || this.pool.running.length > 0;
  }

  /**
   * The worker's API. The Comlink proxy stays out of reactive state: Svelte's dev mode probes
   * state values for a symbol-named method, and the proxy forwards any call to the worker, which
   * threw there (`npm start` showed "reading 'apply'"). Reading `api` depends on `#generation`, so
   * views that need the worker appear once it exists and follow a restart.
   */
  get api(): Comlink.Remote<PlaygroundApi> {
    void this.#generation;
    return this.#remote as Comlink.Remote<PlaygroundApi>;
  }
  #remote?: Comlink.Remote<PlaygroundApi>;
  #generation = $state(0);
  private worker?: Worker;
  private preferred?: BackendName;
  /** The second worker measuring the backends while the page is idle. */
  private probe?: { worker: Worker; settingsClass: string };
  /** A measurement that finished during a run: adopted once the run ends. */
  private measuredChoice?: MeasuredChoice;
  /** Settings classes whose measurement failed: not tried again in this page. */
  private unmeasurable = new Set<string>();

  get busy(): boolean {
    return this.activeRunId !== null;
  }

  /** A worker started before the page's code loaded (main.ts): the first boot uses it. */
  #early?: ReturnType<typeof connectWorker>;
  adoptWorker(early: ReturnType<typeof connectWorker>): void {
    this.#early = early;
  }

  async start(preferred?: BackendName): Promise<void> {
    this.preferred = preferred;
    await this.boot();
  }

  /** A fresh worker (replacing any old one) with the backend started and the shipped model loaded. */
  private async boot(): Promise<void> {
    this.worker?.terminate();
    this.stopMeasuring();
    this.pool.close();
    const { api, worker } = this.#early ?? connectWorker();
    this.#early = undefined;
    this.#remote = api;
    this.#generation++;
    this.worker = worker;
    worker.addEventListener('error', (event) => this.fatal(`the training worker crashed (${event.message || 'no details'})`));
    this.backend = null;
    this.backend = await api.init(
      this.preferred,
      $state.snapshot<PlaygroundConfig>(configState.values),
      Comlink.proxy((message: string) => this.fatal(message)),
    );
    this.model = await api.loadShippedModel(configState.values.modelSize);
    this.measuring = this.backend.basis === 'self-check' ? 'waiting' : 'off';
  }

  /**
   * While idle, make sure the backend was measured for these settings: adopt a measurement that
   * finished during a run, or an earlier visit's for this settings class, else measure all
   * backends in a second worker (stopped when a run starts, so the run has the machine) and switch
   * if another is faster. Never with a backend forced by the address or menu.
   */
  async measureWhileIdle(config: PlaygroundConfig): Promise<void> {
    if (this.preferred || !this.backend || !this.model || this.anyRunning || this.probe || this.#adopting) return;
    const settingsClass = measurementClass(config);
    if (this.backend.measuredFor === settingsClass || this.unmeasurable.has(settingsClass)) return void (this.measuring = 'off');
    const choice =
      this.measuredChoice?.measuredFor === settingsClass
        ? this.measuredChoice
        : await this.api.recallBackend(config).catch(() => undefined);
    if (choice) return this.adopt(choice, config);
    const { api, worker } = connectWorker('measure backends');
    this.probe = { worker, settingsClass };
    this.measuring = 'running';
    try {
      const info = await api.measureBackends(config);
      if (this.probe?.worker !== worker) return;
      this.measuredChoice = info;
      if (!this.anyRunning) await this.adopt(info, config);
    } catch (error) {
      // A terminated probe (a run started) rejects nothing here: its promise never settles.
      this.unmeasurable.add(settingsClass);
      console.warn(`measuring the backends failed: ${(error as Error).message}`);
    } finally {
      if (this.probe?.worker === worker) this.stopMeasuring();
    }
  }

  #adopting = false;
  private async adopt(choice: MeasuredChoice, config: PlaygroundConfig): Promise<void> {
    this.#adopting = true;
    // Sweep workers run the old backend: the next sweep starts fresh ones.
    this.pool.close();
    try {
      this.backend = await this.api.adoptBackend($state.snapshot<MeasuredChoice>(choice), $state.snapshot<PlaygroundConfig>(config));
      this.measuredChoice = undefined;
    } catch (error) {
      if (choice.measuredFor) this.unmeasurable.add(choice.measuredFor);
      console.warn(`could not switch to the measured backend: ${(error as Error).message}`);
    } finally {
      this.#adopting = false;
      this.measuring = this.backend?.measuredFor === measurementClass(config) ? 'off' : 'waiting';
    }
  }

  /** Stop a background measurement (a run is starting): it starts again when the page is idle. */
  private stopMeasuring(): void {
    if (!this.probe) return;
    this.probe.worker.terminate();
    this.probe = undefined;
    if (this.measuring === 'running') this.measuring = 'waiting';
  }

  /**
   * While idle, have the worker evaluate the starting model for these settings (a run's step-0
   * baseline), so Train does not wait for it. Not on a software GPU, where an evaluation takes long
   * enough to delay a run started with other settings.
   */
  warmBaseline(config: PlaygroundConfig): void {
    if (!this.model || this.anyRunning || !this.#remote || this.backend?.software !== false) return;
    this.#remote.warmBaseline(config).catch(() => undefined);
  }

  /** A new starting model (shipped or uploaded): its captions replace the live gallery's. */
  modelLoaded(summary: ModelSummary): void {
    this.pool.close();
    this.model = summary;
    this.gallery = [];
  }

  /** The human-judge dialog has answered (or skipped) the pending choice. */
  choiceAnswered(): void {
    this.humanChoice = null;
  }

  private fatal(message: string): void {
    const runId = this.activeRunId;
    this.humanChoice = null;
    if (runId) {
      runsState.update(runId, { status: 'failed', error: message });
      this.crashed = { runId, message };
      this.activeRunId = null;
      this.live = { ...IDLE };
    } else this.error = `${message}. Reload the page to start again.`;
  }

  private listener(runId: string): RunListener {
    return Comlink.proxy({
      update: (update: RunUpdate) => this.onUpdate(runId, update),
      chooseBest: (choice) => new Promise<number>((resolve) => (this.humanChoice = { ...choice, resolve, id: ++this.choicesAsked })),
    } satisfies RunListener);
  }

  private onUpdate(runId: string, update: RunUpdate): void {
    const problems = runUpdateProblems(update);
    if (problems.length > 0) {
      // Nothing of a malformed message reaches the saved run; the run stops with the reason.
      runsState.update(runId, { status: 'failed', error: `the trainer sent a malformed update (${problems.join('; ')})` });
      if (runId === this.activeRunId) {
        this.api.stopRun().catch(() => undefined);
        this.activeRunId = null;
        this.humanChoice = null;
        this.live = { ...IDLE };
        this.fillSlots();
      }
      return;
    }
    runsState.apply(runId, update);
    if (runId !== this.activeRunId) return;
    this.live = {
      status: update.status,
      step: update.step,
      totalSteps: update.totalSteps,
      stepsPerSecond: update.stepsPerSecond,
      activity: update.activity ?? '',
    };
    if (update.pairs) this.pairs = update.pairs;
    if (update.gallery) {
      this.gallery = update.gallery;
      this.policyVersion++;
    }
    if (isFinished(update.status)) {
      this.activeRunId = null;
      this.humanChoice = null;
      void runsState.flush();
      this.fillSlots();
    }
  }

  /** Start a new run; throws (with the reason) if the worker refuses the configuration. */
  async train(config: PlaygroundConfig, name: string, options: { sweepId?: string; startPaused?: boolean } = {}): Promise<string> {
    if (this.activeRunId) throw new Error('a run is already in progress');
    this.stopMeasuring();
    const run = runsState.create(config, name, options.sweepId);
    this.activeRunId = run.id;
    this.live = { ...IDLE, status: 'preparing', totalSteps: config.steps, activity: 'starting' };
    try {
      await this.api.startRun(run.id, $state.snapshot<PlaygroundConfig>(config), this.listener(run.id), {
        startPaused: options.startPaused,
      });
    } catch (error) {
      runsState.update(run.id, { status: 'failed', error: (error as Error).message });
      this.activeRunId = null;
      this.live = { ...IDLE };
      throw error;
    }
    return run.id;
  }

  pause = async (): Promise<void> => {
    await Promise.all([this.api.pauseRun(), this.pool.pause()]);
  };
  resume = async (): Promise<void> => {
    await Promise.all([this.api.resumeRun(), this.pool.resume()]);
  };
  step = () => this.api.stepRun();

  // Arrow functions: the top bar passes these as callbacks.
  stop = async (): Promise<void> => {
    this.queue = [];
    await Promise.all([this.api.stopRun(), this.pool.stop()]);
  };

  /** Stop everything and go back to the starting model. */
  reset = async (): Promise<void> => {
    await this.stop();
    await this.api.resetRun();
    this.pairs = [];
    this.gallery = [];
    this.live = { ...IDLE };
    this.policyVersion++;
  };

  setLive(name: 'learningRate' | 'beta', value: number): Promise<void> {
    return name === 'learningRate' ? this.api.setLearningRate(value) : this.api.setBeta(value);
  }

  /** Continue a crashed or interrupted run from its recovery checkpoint, in a fresh worker if needed. */
  async resumeRun(runId: string): Promise<void> {
    const run = runsState.get(runId);
    if (!run) throw new Error('that run no longer exists');
    if (this.activeRunId) throw new Error('stop the run in progress first');
    this.stopMeasuring();
    if (this.crashed) {
      this.crashed = null;
      await this.boot();
    }
    this.activeRunId = runId;
    try {
      const step = await this.api.startRun(runId, $state.snapshot<PlaygroundConfig>(run.config), this.listener(runId), { resume: true });
      runsState.rewind(runId, step);
      runsState.update(runId, { status: 'running' });
    } catch (error) {
      this.activeRunId = null;
      runsState.update(runId, { status: 'failed', error: (error as Error).message });
      throw error;
    }
  }

  /** Queue runs (a sweep) and start as many as run at once. */
  enqueue(items: QueuedRun[]): void {
    this.queue.push(...items);
    this.fillSlots();
  }

  /**
   * Start queued runs while there is room: the page's worker first (its run drives the live views),
   * then up to runsAtOnce - 1 sweep workers. A human-judge run waits for the page's worker, where
   * the dialog is.
   */
  private fillSlots(): void {
    while (this.queue.length > 0) {
      if (!this.activeRunId) {
        void this.startOnPage(this.queue.shift()!);
        continue;
      }
      const extra = this.runsAtOnce - 1;
      const index = this.queue.findIndex((q) => q.config.judge !== 'human');
      if (extra < 1 || index < 0 || !this.backend || !this.pool.hasRoom(extra)) return;
      const [next] = this.queue.splice(index, 1);
      void this.startInPool(next!, extra, this.backend.name);
    }
  }

  private async startOnPage(next: QueuedRun): Promise<void> {
    try {
      await this.train(next.config, next.name, { sweepId: next.sweepId });
    } catch {
      this.fillSlots();
    }
  }

  private async startInPool(next: QueuedRun, extra: number, backend: BackendName): Promise<void> {
    const run = runsState.create(next.config, next.name, next.sweepId);
    try {
      await this.pool.train(run.id, $state.snapshot<PlaygroundConfig>(next.config), {
        extra,
        backend,
        start: () => this.api.exportStartingModel(),
      });
    } catch (error) {
      runsState.update(run.id, { status: 'failed', error: (error as Error).message });
      this.fillSlots();
    }
  }
}

export const trainer = new TrainerState();
