/**
 * Runs out of and back into the playground: a CSV table (one row per run, for spreadsheets and
 * reports), a JSON file that holds everything, and the checked import of that JSON.
 */
import type { MetricName } from '../dpo/metric-names';
import * as v from 'valibot';
import { shorten } from '../messages';
import { problemsOf, shown } from '../validation';
import { CONTROLS, controlNamed, readSettings, settingText, type SettingName } from '../settings/controls';
import { isFinished, nextRunColour, paletteColour, RUN_STATUSES, type EvalPoint, type MetricPoint, type RunRecord } from './run-record';
import { EVAL_FIELDS, EVAL_KEYS, type EvalKey, type EvalRecord } from '../eval/eval-record';

export const RUNS_FILE_FORMAT = 'dpo-playground-runs';
/**
 * 2: settings under their names in code (`learningRate`), the flat evaluation record. Version 1
 * files (settings under their link keys, fewer scores) are read too: readSettings and the
 * evaluation reader take both, so no exported run is lost.
 */
export const RUNS_FILE_VERSION = 2;
const READABLE_VERSIONS: readonly unknown[] = [1, 2];

/** The training metrics whose latest value the CSV carries (TRL names). */
export const CSV_METRICS = ['loss', 'rewards/margins', 'rewards/accuracies', 'objective/kl'] as const satisfies readonly MetricName[];

/** Controls whose value differs between any of the runs, in CONTROLS order. */
export function configDiff(runs: readonly Pick<RunRecord, 'config'>[]): SettingName[] {
  const first = runs[0];
  if (!first) return [];
  return CONTROLS.map((c) => c.name).filter((name) => runs.some((r) => r.config[name] !== first.config[name]));
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
    // Settings under their URL keys (as links and flags name them): the columns stay as they were.
    ...CONTROLS.map((c) => c.url),
    ...EVAL_KEYS.map((k) => `final_${k}`),
    ...EVAL_KEYS.map((k) => `start_${k}`),
    // final_ prefix: a bare "loss" column would clash with the loss-types control.
    ...CSV_METRICS.map((m) => `final_${m}`),
    'seconds',
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
      ...CONTROLS.map((c) => settingText(c, run.config[c.name])),
      ...EVAL_KEYS.map((k) => final?.[k]),
      ...EVAL_KEYS.map((k) => start?.[k]),
      ...CSV_METRICS.map((m) => latestMetric(run.history, m)),
      run.seconds?.toFixed(1),
    ];
  });
  return [csvHeader(), ...rows].map((row) => row.map(csvField).join(',') + '\n').join('');
}

/**
 * The runs file: the page's export, `npm run train -- --json` (on one line) and a sweep's
 * results.json. `about` adds what made the runs (command, backend, checkpoint, a sweep's groups);
 * the importer reads the runs and ignores the rest.
 */
export function runsToJson(runs: readonly RunRecord[], about: Record<string, unknown> = {}, indent: number | undefined = 2): string {
  return JSON.stringify(
    { format: RUNS_FILE_FORMAT, version: RUNS_FILE_VERSION, exportedAt: new Date().toISOString(), ...about, runs },
    null,
    indent,
  );
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAX_STEPS = controlNamed('steps').max;

/** A step number: a whole number from 0 to the largest run the Steps control allows. */
const stepSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_STEPS));

/** JSON writes NaN and Infinity as null: read back as NaN, so the non-finite diagnosis still shows. */
const numberOrNull = v.pipe(
  v.nullable(v.number()),
  v.transform((n) => n ?? Number.NaN),
);

/** Every evaluation metric is a rate (NaN where nothing was counted). */
const rate = v.pipe(
  numberOrNull,
  v.check((n) => !(n < 0 || n > 1)),
);

const historyPointSchema = v.object({ step: stepSchema, metrics: v.record(v.string(), v.unknown()) });
const evalPointSchema = v.object({ step: stepSchema, summary: v.record(v.string(), v.unknown()) });

/**
 * What a run must have, each problem worded after "run N" (fields the app cannot stand in for: a
 * run without them is refused). Optional fields are in OPTIONAL_FIELDS.
 */
const runSchema = v.looseObject(
  {
    id: v.pipe(v.string(' has no id'), v.minLength(1, ' has no id')),
    config: v.record(v.string(), v.unknown(), ' has no config'),
    status: v.optional(v.picklist(RUN_STATUSES, (issue) => ` has an unknown status ${shown(issue.input)}`)),
    history: v.optional(v.array(v.unknown(), ': history is not a list')),
    evals: v.optional(v.array(v.unknown(), ': evals is not a list')),
  },
  // A required field that is missing: the object reports it, naming the key (a string) in the issue's path.
  (issue) => {
    const key = issue.path?.[0]?.key;
    return ` has no ${typeof key === 'string' ? key : 'fields'}`;
  },
);

/** Optional fields: one present but not of its schema is replaced, and a note names it. */
const OPTIONAL_FIELDS = {
  name: v.string(),
  createdAt: v.pipe(v.number(), v.finite()),
  events: v.array(v.string()),
  visible: v.boolean(),
  sweepId: v.string(),
  error: v.string(),
  seconds: v.pipe(v.number(), v.finite(), v.minValue(0)),
};

/** A point logged after the run's last step cannot be its own: the file was edited or is another run's. */
function pastTheEnd(where: string, what: string, step: number, steps: number): Error {
  return new Error(`${where}: ${what} is at step ${step}, past the run's ${steps} steps`);
}

function readHistory(raw: unknown[], where: string, steps: number): MetricPoint[] {
  return raw.map((point, i) => {
    if (!v.is(historyPointSchema, point))
      throw new Error(`${where}: history point ${i + 1} is malformed (needs a whole-number step from 0 to ${MAX_STEPS} and metrics)`);
    if (point.step > steps) throw pastTheEnd(where, `history point ${i + 1}`, point.step, steps);
    const metrics: Record<string, number> = {};
    for (const [name, value] of Object.entries(point.metrics)) {
      const read = v.safeParse(numberOrNull, value);
      if (!read.success) throw new Error(`${where}: metric "${shorten(name)}" at step ${point.step} is not a number`);
      metrics[name] = read.output;
    }
    return { step: point.step, metrics };
  });
}

function readEvals(raw: unknown[], where: string, steps: number, notes: string[]): EvalPoint[] {
  const lacking = new Set<EvalKey>();
  const points = raw.map((point, i) => {
    if (!v.is(evalPointSchema, point))
      throw new Error(`${where}: evaluation ${i + 1} is malformed (needs a whole-number step from 0 to ${MAX_STEPS} and a summary)`);
    if (point.step > steps) throw pastTheEnd(where, `evaluation ${i + 1}`, point.step, steps);
    const summary = {} as EvalRecord;
    for (const key of EVAL_KEYS) {
      // By name: a score added after the file was written is missing, never shifted.
      if (point.summary[key] === undefined && EVAL_FIELDS[key].olderFilesMayLack) {
        summary[key] = Number.NaN;
        lacking.add(key);
        continue;
      }
      if (!v.is(numberOrNull, point.summary[key])) throw new Error(`${where}: evaluation ${i + 1} has no ${key}`);
      const read = v.safeParse(rate, point.summary[key]);
      if (!read.success) throw new Error(`${where}: evaluation ${i + 1} has ${key} = ${shorten(String(point.summary[key]))}, outside 0..1`);
      summary[key] = read.output;
    }
    return { step: point.step, summary };
  });
  if (lacking.size > 0) {
    const names = [...lacking].map((key) => EVAL_FIELDS[key].label);
    const listed = names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
    notes.push(`${where}: saved before some scores existed (${listed}); those show as n/a`);
  }
  return points;
}

/**
 * One run as a file or the browser's storage holds it, checked and completed: what the app cannot
 * stand in for is refused with a message after `where` ("run 2 has no id"); what it fills in or
 * replaces (a missing setting, a colour outside the palette, a field of the wrong type) is said in
 * `notes`. `others` are the runs read so far (a replaced colour avoids theirs).
 */
export function readRun(raw: unknown, where: string, others: readonly RunRecord[], notes: string[]): RunRecord {
  if (!isObject(raw)) throw new Error(`${where} is not a run`);
  const problem = problemsOf(runSchema, raw)[0];
  if (problem) throw new Error(`${where}${problem}`);
  const fields = v.parse(runSchema, raw);
  const config = readSettings(fields.config, where, notes);
  const history = readHistory(fields.history ?? [], where, config.steps);
  const evals = readEvals(fields.evals ?? [], where, config.steps, notes);
  const optional = <K extends keyof typeof OPTIONAL_FIELDS, F>(key: K, fallback: F, shownAs: string) => {
    if (raw[key] === undefined) return fallback;
    const read = v.safeParse(OPTIONAL_FIELDS[key], raw[key]);
    if (read.success) return read.output as v.InferOutput<(typeof OPTIONAL_FIELDS)[K]>;
    notes.push(`${where}: ${key} ${shown(raw[key])} is not valid; ${shownAs}`);
    return fallback;
  };
  const run: RunRecord = {
    id: fields.id,
    name: optional('name', fields.id, `named ${shorten(fields.id)}`),
    colour: paletteColour(raw.colour) ?? nextRunColour(others),
    config,
    status: fields.status ?? 'stopped',
    createdAt: optional('createdAt', Date.now(), 'dated now'),
    step: v.is(stepSchema, raw.step) && raw.step <= config.steps ? raw.step : (history.at(-1)?.step ?? 0),
    history,
    evals,
    events: optional('events', [], 'no events kept'),
    visible: optional('visible', true, 'shown'),
  };
  if (raw.step !== undefined && !v.is(stepSchema, raw.step))
    notes.push(`${where}: step ${shown(raw.step)} is not a step; taken as ${run.step}, its last logged step`);
  else if (typeof raw.step === 'number' && raw.step > config.steps)
    notes.push(`${where}: step ${raw.step} is past its ${config.steps} steps; taken as ${run.step}, its last logged step`);
  if (raw.colour !== undefined && paletteColour(raw.colour) === undefined)
    notes.push(`${where}: colour ${shown(raw.colour)} is not one of the playground's; shown as ${run.colour}`);
  const sweepId = optional('sweepId', undefined, 'not part of a sweep');
  if (sweepId !== undefined) run.sweepId = sweepId;
  const error = optional('error', undefined, 'no error message kept');
  if (error !== undefined) run.error = error;
  const seconds = optional('seconds', undefined, 'no training time kept');
  if (seconds !== undefined) run.seconds = seconds;
  return run;
}

/**
 * Reads a file written by runsToJson; throws a message fit to show the student on anything else.
 * Whatever it fills in or replaces (a missing setting, a colour outside the palette, a run that was
 * still training, a field of the wrong type) is described in `notes`, for the page to show.
 */
export function parseRunsJson(text: string, notes: string[] = []): RunRecord[] {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    throw new Error('not a DPO Playground runs file (it is not valid JSON)');
  }
  if (!isObject(file) || file.format !== RUNS_FILE_FORMAT) throw new Error('not a DPO Playground runs file');
  if (!READABLE_VERSIONS.includes(file.version)) {
    throw new Error(
      typeof file.version === 'number' && file.version > RUNS_FILE_VERSION
        ? `this runs file is from a newer playground (version ${file.version}); this one reads version ${RUNS_FILE_VERSION}`
        : `unsupported runs file version ${shown(file.version)}`,
    );
  }
  if (!Array.isArray(file.runs)) throw new Error('the runs file has no list of runs');

  const runs: RunRecord[] = [];
  const seen = new Map<string, number>();
  file.runs.forEach((raw: unknown, i) => {
    const where = `run ${i + 1}`;
    const run = readRun(raw, where, runs, notes);
    const twin = seen.get(run.id);
    if (twin !== undefined) throw new Error(`${where} has the same id as run ${twin}`);
    seen.set(run.id, i + 1);
    // An imported run has no trainer behind it, so one that was in progress is now stopped.
    if (!isFinished(run.status)) {
      notes.push(`${where} was ${run.status} when exported; imported as stopped`);
      run.status = 'stopped';
    }
    runs.push(run);
  });
  return runs;
}
