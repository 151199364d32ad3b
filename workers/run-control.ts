/**
 * The worker's one active run: starts a RunSession + TrainingLoop from the current model, relays
 * pause/resume/step/stop and mid-run lr/beta changes, forwards batched updates to the page's
 * proxied listener, and keeps recovery checkpoints for resuming after a crash.
 */
import { HumanPreferences } from '../src/core/dpo/human-preferences';
import { controlNamed, controlProblem, type PlaygroundConfig } from '../src/core/settings/controls';
import { GALLERY_SCENES, runConfigProblems, worldFromConfig } from '../src/core/settings/run-options';
import { evaluateOnHeldOut, RunSession, type Model, type SessionState } from '../src/core/session/run-session';
import { TrainingLoop, type RunUpdate } from '../src/core/session/training-loop';
import { isFinished } from '../src/core/runs/run-record';
import { type EvalRecord } from '../src/core/eval/eval-record';
import { disposeWeights } from '../src/core/model/weights';
import { weightsFromCheckpoint } from '../src/core/model/checkpoint';
import { toRgba } from '../src/core/world/render';
import { packWeights, readPacked } from './checkpoint-store';
import { loadRecovery, saveRecoveryLatest, saveRecoveryStart } from './recovery-store';

/** What the page passes (through Comlink.proxy) to hear from a run. */
export interface RunListener {
  update(update: RunUpdate): void;
  /** Human judge: show the captions, resolve with the index of the best one. */
  chooseBest(choice: { rgba: Uint8ClampedArray; size: number; prompt: string; responses: string[] }): Promise<number>;
}

export interface StartOptions {
  /** Continue this run from its recovery checkpoint instead of starting over. */
  resume?: boolean;
  startPaused?: boolean;
}

/** A mid-run change is checked against the same range as the control that sends it. */
function checkLive(name: 'learningRate' | 'beta', value: number): void {
  const problem = controlProblem(controlNamed(name), String(value));
  if (problem) throw new Error(problem);
}

export class RunControl {
  /** Every choice the person made as the human judge in this page, for the reward-human judges. */
  readonly humanPreferences = new HumanPreferences();

  private session?: RunSession;
  private loop?: TrainingLoop;
  private runId?: string;
  private finished?: Promise<void>;
  /** Starting-model scores by (model, world, eval size): sweeps and re-runs skip re-evaluating it. */
  private baselines = new Map<string, EvalRecord>();
  /** Baselines being computed ahead of a run (warmBaseline), by the same key. */
  private warming = new Map<string, Promise<void>>();
  /** Bumped when the starting model changes (a checkpoint was loaded). */
  modelVersion = 0;

  get active(): boolean {
    return this.loop !== undefined && !isFinished(this.loop.status);
  }

  /** The trained policy of the latest run (for the scene editor), if any. */
  get policy(): Model | undefined {
    return this.session?.model;
  }

  get reference(): Model | undefined {
    return this.session && { weights: this.session.reference, config: this.session.model.config };
  }

  get current(): RunSession | undefined {
    return this.session;
  }

  private baselineKey(config: PlaygroundConfig): string {
    return JSON.stringify([this.modelVersion, config.cooccurrenceBias, config.annotatorHallucination, config.evalScenes, config.evalSeed]);
  }

  /**
   * Evaluate the starting model for these settings while nothing runs (the page calls this when it
   * is idle), so a run's step-0 baseline is ready when Train is pressed. Failures are left to the
   * run, which evaluates again and reports them.
   */
  async warmBaseline(config: PlaygroundConfig, start: Model): Promise<void> {
    const key = this.baselineKey(config);
    if (this.active || this.baselines.has(key) || this.warming.has(key) || runConfigProblems(config).length > 0) return;
    const work = evaluateOnHeldOut(start, worldFromConfig(config, start.config), config)
      .then((summary) => void this.baselines.set(key, summary))
      .catch(() => undefined)
      .finally(() => this.warming.delete(key));
    this.warming.set(key, work);
    await work;
  }

  /** Settles when no baseline is being computed ahead of a run (before the backend changes). */
  async idle(): Promise<void> {
    await Promise.all(this.warming.values());
  }

  /** Returns the step the run starts from (0, or the recovery checkpoint's step). */
  async start(runId: string, config: PlaygroundConfig, start: Model, listener: RunListener, options: StartOptions): Promise<number> {
    const problems = runConfigProblems(config);
    if (problems.length > 0) throw new Error(problems.join('; '));
    if (this.active) throw new Error('a run is already in progress: stop it first');
    this.release();
    let startModel = start;
    let restored: { policy: ReturnType<typeof weightsFromCheckpoint>; step: number; state?: SessionState } | undefined;
    if (options.resume) {
      const point = await loadRecovery(runId);
      const base = readPacked(point.start, start.config);
      startModel = { weights: weightsFromCheckpoint(base), config: start.config };
      restored = { policy: weightsFromCheckpoint(readPacked(point.latest, start.config)), step: point.step, state: point.state };
    } else {
      await saveRecoveryStart(runId, await packWeights(start.weights, start.config, { runId }));
    }
    const session: RunSession = new RunSession(
      startModel,
      config,
      (choice) =>
        listener.chooseBest({
          rgba: toRgba(choice.image),
          size: session.world.imageSize,
          prompt: choice.prompt,
          responses: choice.responses,
        }),
      this.humanPreferences,
    );
    if (startModel !== start) disposeWeights(startModel.weights);
    if (restored) {
      session.restore(restored.policy, restored.step, restored.state);
      disposeWeights(restored.policy);
    }
    const baselineKey = this.baselineKey(config);
    // A baseline already being computed for these settings is nearly done: wait rather than redo it.
    await this.warming.get(baselineKey);
    const loop = new TrainingLoop(session, (update) => listener.update(update), {
      baseline: this.baselines.get(baselineKey),
      onBaseline: (summary) => this.baselines.set(baselineKey, summary),
      evalEvery: config.evalEvery,
      flushMs: 250,
      galleryCount: GALLERY_SCENES,
      afterEval: async (step) => {
        if (step > 0)
          await saveRecoveryLatest(
            runId,
            step,
            await packWeights(session.policy, session.model.config, { runId, step }),
            await session.saveState(),
          );
      },
    });
    this.session = session;
    this.loop = loop;
    this.runId = runId;
    this.finished = loop.run({ startPaused: options.startPaused, skipBaseline: options.resume });
    return restored?.step ?? 0;
  }

  pause(): void {
    this.loop?.pause();
  }

  resume(): void {
    this.loop?.resume();
  }

  async step(): Promise<void> {
    await this.loop?.stepOnce();
  }

  async stop(): Promise<void> {
    this.loop?.stop();
    await this.finished;
  }

  setLearningRate(lr: number): void {
    checkLive('learningRate', lr);
    this.session?.setLearningRate(lr);
  }

  setBeta(beta: number): void {
    checkLive('beta', beta);
    this.session?.setBeta(beta);
  }

  get currentRunId(): string | undefined {
    return this.runId;
  }

  /** Forget the finished run (and free its weights). */
  release(): void {
    if (this.active) return;
    this.session?.dispose();
    this.session = undefined;
    this.loop = undefined;
    this.runId = undefined;
  }
}
