/**
 * The experiment in the address: "#v=1&seed=0&beta=0.05&hide=beta,lr". Only non-default values are
 * written (plus the version and the seed), so a link stays short and readable. A tampered or old
 * link never throws: each bad part is dropped with a message and the rest is kept.
 */
import {
  CONTROLS,
  controlAtUrl,
  controlNamed,
  defaultConfig,
  parseSetting,
  settingText,
  withSetting,
  type PlaygroundConfig,
  type SettingName,
} from './controls';
import { findLesson, lessonConfig, LESSONS } from '../lessons/lessons';
import { shorten } from '../messages';

export const HASH_VERSION = 1;

export interface DecodedHash {
  config: PlaygroundConfig;
  /** Controls an instructor hid from students (the link names them by URL key). */
  hidden: SettingName[];
  /** One plain-words message per ignored part of the link. */
  problems: string[];
  /** The lesson the link opens, if any. */
  lesson?: string;
  /** present=1: the presentation view (light, large, the lesson's charts and gallery only). */
  present: boolean;
}

/** Values are written when they differ from the base: the lesson's configuration, else the defaults. */
export function encodeHash(config: PlaygroundConfig, hidden: readonly SettingName[] = [], lessonId?: string, present = false): string {
  const params = new URLSearchParams({ v: String(HASH_VERSION) });
  const lesson = lessonId ? findLesson(lessonId) : undefined;
  if (lesson) params.set('lesson', lesson.id);
  params.set('seed', String(config.seed));
  const base = lesson ? lessonConfig(lesson) : defaultConfig();
  for (const control of CONTROLS) {
    const value = config[control.name];
    if (control.name !== 'seed' && value !== base[control.name]) params.set(control.url, settingText(control, value));
  }
  if (hidden.length > 0) params.set('hide', hidden.map((name) => controlNamed(name).url).join(','));
  if (present) params.set('present', '1');
  return `#${params.toString()}`;
}

export function decodeHash(hash: string): DecodedHash {
  let config = defaultConfig();
  const problems: string[] = [];
  const hidden: SettingName[] = [];
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  let lesson: string | undefined;
  let present = false;
  // A key given twice: the first value counts, and the link says so (nothing overrides silently).
  const repeated = [...new Set([...params.keys()].filter((key, i, keys) => keys.indexOf(key) !== i))];
  for (const key of repeated)
    problems.push(
      `"${shorten(key)}" appears ${params.getAll(key).length} times in the link; the first value, "${shorten(params.get(key)!)}", was used`,
    );
  const lessonId = params.get('lesson');
  if (lessonId !== null) {
    const found = findLesson(lessonId);
    if (found) {
      lesson = found.id;
      config = lessonConfig(found);
    } else
      problems.push(
        `unknown lesson "${shorten(lessonId)}" (known: ${LESSONS.map((l) => l.id).join(', ')}); the default settings were used`,
      );
  }
  if (params.size === 0) return { config, hidden, problems, present };
  const version = params.get('v');
  if (version !== String(HASH_VERSION)) {
    problems.push(
      version === null
        ? 'the link has no version (v=…); its settings were read as version 1'
        : `the link is from version ${shorten(version)} of the playground; this is version ${HASH_VERSION}, so its settings were read as well as possible`,
    );
  }
  // Each key once, with its first value (repeats were reported above).
  for (const key of new Set(params.keys())) {
    if (key === 'v' || key === 'lesson') continue;
    const raw = params.get(key)!;
    if (key === 'present') {
      if (raw === '1' || raw === '0') present = raw === '1';
      else problems.push(`present must be 1 (presentation view) or 0 (got "${shorten(raw)}"); the normal view was used`);
      continue;
    }
    if (key === 'hide') {
      for (const name of raw.split(',').filter(Boolean)) {
        const control = controlAtUrl(name);
        if (control) hidden.push(control.name);
        else problems.push(`cannot hide unknown control "${shorten(name)}"`);
      }
      continue;
    }
    const control = controlAtUrl(key);
    if (!control) {
      problems.push(`unknown setting "${shorten(key)}" in the link was ignored`);
      continue;
    }
    const read = parseSetting(control, raw);
    if (read.problem !== undefined) {
      problems.push(`${read.problem}; using ${settingText(control, config[control.name])} instead`);
      continue;
    }
    config = withSetting(config, control.name, read.value);
  }
  return { config, hidden, problems, lesson, present };
}
