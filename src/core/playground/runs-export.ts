/**
 * Runs out of and back into the playground: a CSV table (one row per run, for spreadsheets and
 * reports), a JSON file that holds everything, and the checked import of that JSON.
 */
import type { MetricName } from '../dpo/metric-names';
import { shorten } from '../messages';
import { CONTROLS, controlProblem, type ControlKey, type PlaygroundConfig } from './controls';
import {
  EVAL_KEYS,
  isFinished,
  nextRunColour,
  paletteColour,
  RUN_STATUSES,
  type EvalPoint,
  type EvalSummary,
  type MetricPoint,
  type RunRecord,
  type RunStatus,
} from './runs';

export const RUNS_FILE_FORMAT = 'dpo-playground-runs';
export const RUNS_FILE_VERSION = 1;

/** The training metrics whose latest value the CSV carries (TRL names). */
export const CSV_METRICS = ['loss', 'rewards/margins', 'rewards/accuracies'] as const satisfies readonly MetricName[];

/** Controls whose value differs between any of the runs, in CONTROLS order. */
export function configDiff(runs: readonly Pick<RunRecord, 'config'>[]): ControlKey[] {
  const first = runs[0];
  if (!first) return [];
  return CONTROLS.map((c) => c.key).filter((key) => runs.some((r) => r.config[key] !== first.config[key]));
}

/** RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes. */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function latestMetric(history: readonly MetricPoint[], name: MetricName): number | undefined {
  // Not every point logs every metric, so take the latest one that has it.
  return history.findLast((p) => p.metrics[name] !== undefined)?.metrics[name];
}

export function csvHeader(): string[] {
  return [
    'id',
    'name',
    'status',
    'step',
    ...CONTROLS.map((c) => c.key),
    ...EVAL_KEYS.map((k) => `final_${k}`),
    ...EVAL_KEYS.map((k) => `start_${k}`),
    // final_ prefix: a bare "loss" column would clash with the loss-types control.
    ...CSV_METRICS.map((m) => `final_${m}`),
  ];
}

export function runsToCsv(runs: readonly RunRecord[]): string {
  const rows = runs.map((run) => {
    const final = run.evals.at(-1)?.summary;
    const start = run.evals[0]?.summary;
    return [
      run.id,
      run.name,
      run.status,
      run.step,
      ...CONTROLS.map((c) => run.config[c.key]),
      ...EVAL_KEYS.map((k) => final?.[k]),
      ...EVAL_KEYS.map((k) => start?.[k]),
      ...CSV_METRICS.map((m) => latestMetric(run.history, m)),
    ];
  });
  return [csvHeader(), ...rows].map((row) => row.map(csvField).join(',') + '\n').join('');
}

export function runsToJson(runs: readonly RunRecord[]): string {
  return JSON.stringify({ format: RUNS_FILE_FORMAT, version: RUNS_FILE_VERSION, exportedAt: new Date().toISOString(), runs }, null, 2);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON writes NaN and Infinity as null; read them back as NaN so the non-finite diagnosis still shows. */
function readNumber(value: unknown): number | undefined {
  if (value === null) return Number.NaN;
  return typeof value === 'number' ? value : undefined;
}

function readConfig(raw: Json, where: string, notes: string[]): PlaygroundConfig {
  const config: Record<string, string | number> = {};
  const known = new Set<string>(CONTROLS.map((c) => c.key));
  for (const key of Object.keys(raw)) if (!known.has(key)) notes.push(`${where}: unknown setting "${shorten(key)}" ignored`);
  for (const control of CONTROLS) {
    const value = raw[control.key];
    if (value === undefined) {
      // Files from before a control existed: it ran with the default.
      config[control.key] = control.default;
      notes.push(`${where}: no ${control.label} setting; taken as the default, ${control.default}`);
      continue;
    }
    const numeric = control.kind === 'number' || control.kind === 'int';
    if (numeric ? typeof value !== 'number' && typeof value !== 'string' : typeof value !== 'string') {
      throw new Error(`${where}: ${control.label} has a value of the wrong type (${JSON.stringify(value)})`);
    }
    const problem = controlProblem(control, String(value));
    if (problem) throw new Error(`${where}: ${problem}`);
    config[control.key] = numeric ? Number(value) : String(value);
  }
  return config as PlaygroundConfig;
}

/** A step number: a whole number from 0 to the largest run the Steps control allows. */
function isStep(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_STEPS;
}
const MAX_STEPS = CONTROLS.find((c) => c.key === 'steps')!.max;

function readHistory(raw: unknown, where: string): MetricPoint[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error(`${where}: history is not a list`);
  return raw.map((point: unknown, i) => {
    if (!isObject(point) || !isStep(point.step) || !isObject(point.metrics))
      throw new Error(`${where}: history point ${i + 1} is malformed (needs a whole-number step from 0 to ${MAX_STEPS} and metrics)`);
    const metrics: Record<string, number> = {};
    for (const [name, value] of Object.entries(point.metrics)) {
      const n = readNumber(value);
      if (n === undefined) throw new Error(`${where}: metric "${name}" at step ${point.step} is not a number`);
      metrics[name] = n;
    }
    return { step: point.step, metrics };
  });
}

function readEvals(raw: unknown, where: string): EvalPoint[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error(`${where}: evals is not a list`);
  return raw.map((point: unknown, i) => {
    if (!isObject(point) || !isStep(point.step) || !isObject(point.summary))
      throw new Error(`${where}: evaluation ${i + 1} is malformed (needs a whole-number step from 0 to ${MAX_STEPS} and a summary)`);
    const summary = {} as EvalSummary;
    for (const key of EVAL_KEYS) {
      const n = readNumber(point.summary[key]);
      if (n === undefined) throw new Error(`${where}: evaluation ${i + 1} has no ${key}`);
      // Every evaluation metric is a rate (NaN where nothing was counted).
      if (n < 0 || n > 1) throw new Error(`${where}: evaluation ${i + 1} has ${key} = ${shorten(String(n))}, outside 0..1`);
      summary[key] = n;
    }
    return { step: point.step, summary };
  });
}

/**
 * Reads a file written by runsToJson; throws a message fit to show the student on anything else.
 * Whatever it fills in or replaces (a missing setting, a colour outside the palette, a run that was
 * still training) is described in `notes`, for the page to show.
 */
export function parseRunsJson(text: string, notes: string[] = []): RunRecord[] {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    throw new Error('not a DPO Playground runs file (it is not valid JSON)');
  }
  if (!isObject(file) || file.format !== RUNS_FILE_FORMAT) throw new Error('not a DPO Playground runs file');
  if (file.version !== RUNS_FILE_VERSION) {
    throw new Error(
      typeof file.version === 'number' && file.version > RUNS_FILE_VERSION
        ? `this runs file is from a newer playground (version ${file.version}); this one reads version ${RUNS_FILE_VERSION}`
        : `unsupported runs file version ${JSON.stringify(file.version)}`,
    );
  }
  if (!Array.isArray(file.runs)) throw new Error('the runs file has no list of runs');

  const runs: RunRecord[] = [];
  const seen = new Map<string, number>();
  file.runs.forEach((raw: unknown, i) => {
    const where = `run ${i + 1}`;
    if (!isObject(raw)) throw new Error(`${where} is not a run`);
    if (typeof raw.id !== 'string' || raw.id === '') throw new Error(`${where} has no id`);
    const twin = seen.get(raw.id);
    if (twin !== undefined) throw new Error(`${where} has the same id as run ${twin}`);
    seen.set(raw.id, i + 1);
    if (!isObject(raw.config)) throw new Error(`${where} has no config`);
    const config = readConfig(raw.config, where, notes);
    if (raw.status !== undefined && !(RUN_STATUSES as readonly string[]).includes(raw.status as string))
      throw new Error(`${where} has an unknown status ${JSON.stringify(raw.status)}`);
    const status = raw.status as RunStatus | undefined;
    const history = readHistory(raw.history, where);
    const evals = readEvals(raw.evals, where);
    const run: RunRecord = {
      id: raw.id,
      name: typeof raw.name === 'string' ? raw.name : raw.id,
      colour: paletteColour(raw.colour) ?? nextRunColour(runs),
      config,
      // An imported run has no trainer behind it, so one that was in progress is now stopped.
      status: status && isFinished(status) ? status : 'stopped',
      createdAt: typeof raw.createdAt === 'number' && Number.isFinite(raw.createdAt) ? raw.createdAt : Date.now(),
      step: isStep(raw.step) ? raw.step : (history.at(-1)?.step ?? 0),
      history,
      evals,
      events: Array.isArray(raw.events) ? raw.events.filter((e): e is string => typeof e === 'string') : [],
      visible: typeof raw.visible === 'boolean' ? raw.visible : true,
    };
    if (raw.step !== undefined && !isStep(raw.step))
      notes.push(`${where}: step ${shorten(JSON.stringify(raw.step) ?? '')} is not a step; taken as ${run.step}, its last logged step`);
    if (raw.colour !== undefined && paletteColour(raw.colour) === undefined)
      notes.push(`${where}: colour ${shorten(JSON.stringify(raw.colour))} is not one of the playground's; shown as ${run.colour}`);
    if (status && !isFinished(status)) notes.push(`${where} was ${status} when exported; imported as stopped`);
    if (typeof raw.sweepId === 'string') run.sweepId = raw.sweepId;
    if (typeof raw.error === 'string') run.error = raw.error;
    runs.push(run);
  });
  return runs;
}
