/**
 * The runs a lesson asks for (its own and, when it has one, the contrast run) and their verdicts:
 * what `npm run lesson` trains per seed and what the lesson panel checks for the run on screen.
 */
import { CONTROLS, type PlaygroundConfig, type SettingName } from '../settings/controls';
import { lessonConfig, type Lesson } from './lessons';
import { checkClaims, type Claim, type ClaimResult, type ClaimRun } from './claims';

export interface LessonVariant {
  /** 'lesson', or the contrast's label. */
  label: string;
  overrides: Partial<PlaygroundConfig>;
  claims: readonly Claim[];
}

const variantsOf = new WeakMap<Lesson, readonly LessonVariant[]>();

/** The lesson's run, then its contrast run if any (the same objects on every call, so they compare with ===). */
export function lessonVariants(lesson: Lesson): readonly LessonVariant[] {
  let variants = variantsOf.get(lesson);
  if (!variants) {
    const main: LessonVariant = { label: 'lesson', overrides: {}, claims: lesson.claims };
    variants = lesson.contrast ? [main, { ...lesson.contrast }] : [main];
    variantsOf.set(lesson, variants);
  }
  return variants;
}

/** The settings of a lesson variant's run (the lesson's settings with the contrast's changes). */
export function variantConfig(lesson: Lesson, variant: LessonVariant, changes: Partial<PlaygroundConfig> = {}): PlaygroundConfig {
  return { ...lessonConfig(lesson), ...variant.overrides, ...changes };
}

/** Settings that make a run longer, shorter or measured elsewhere, not a different story: its claims still apply. */
const RUN_LENGTH_KEYS: ReadonlySet<SettingName> = new Set(['steps', 'seed', 'evalEvery', 'evalScenes', 'evalSeed'] as const);

/**
 * The variant a run with these settings belongs to: the contrast when the run has every one of its
 * changes, the lesson's own run when it has the lesson's values for those keys, else none (the
 * student changed something the lesson does not speak of).
 */
export function variantOf(lesson: Lesson, config: PlaygroundConfig): LessonVariant | undefined {
  const variants = lessonVariants(lesson);
  const contrast = variants[1];
  const changed = (overrides: Partial<PlaygroundConfig>) => CONTROLS.map((c) => c.name).filter((name) => overrides[name] !== undefined);
  if (contrast && changed(contrast.overrides).every((name) => config[name] === contrast.overrides[name])) return contrast;
  const base = lessonConfig(lesson);
  const names = ['method' as const, ...changed({ ...lesson.overrides, ...(contrast?.overrides ?? {}) })].filter(
    (name) => !RUN_LENGTH_KEYS.has(name),
  );
  return names.every((name) => config[name] === base[name]) ? variants[0] : undefined;
}

export function checkLessonRun(variant: LessonVariant, run: ClaimRun): ClaimResult[] {
  return checkClaims(variant.claims, run);
}
