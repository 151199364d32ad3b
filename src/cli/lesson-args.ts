/**
 * `npm run lesson -- ID [flags]`: the lesson id (or `all`) comes first, the flags after it.
 * Parsed apart from running, so the README's printed commands can be checked without training.
 */
import { LESSONS, findLesson, type Lesson } from '../core/lessons/lessons';
import { UsageError, type Flags } from './args';
import { LESSON_FLAGS, parseCommandFlags } from './commands';

/** `--help` (nothing else read), or the lessons, seeds and flags to run. */
export type LessonArgs =
  | { help: true }
  | {
      help: false;
      lessons: Lesson[];
      seeds: number[];
      flags: Flags<typeof LESSON_FLAGS>;
    };

const lessonIds = () => LESSONS.map((l) => l.id).join(', ');

export function parseLessonArgs(argv: string[]): LessonArgs {
  const [first, ...rest] = argv;
  const id = first !== undefined && !first.startsWith('-') ? first : undefined;
  const flags = parseCommandFlags('lesson', id === undefined ? argv : rest);
  if (flags.help) return { help: true };
  if (id === undefined) throw new UsageError(`name a lesson first (or all): ${lessonIds()}`);
  const lesson = id === 'all' ? undefined : findLesson(id);
  if (id !== 'all' && !lesson) throw new UsageError(`no lesson "${id.slice(0, 60)}": one of ${lessonIds()}, or all`);
  return { help: false, lessons: lesson ? [lesson] : [...LESSONS], seeds: parseSeeds(flags.seeds), flags };
}

function parseSeeds(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length > 20) throw new UsageError(`--seeds: at most 20 seeds (got ${parts.length})`);
  const seeds = parts.map((part) => {
    if (!/^\d{1,10}$/.test(part) || Number(part) > 2 ** 31 - 1)
      throw new UsageError(`--seeds: "${part.slice(0, 20)}" is not a seed (whole numbers 0..2147483647, comma-separated)`);
    return Number(part);
  });
  if (new Set(seeds).size !== seeds.length) throw new UsageError('--seeds: a seed is given twice');
  return seeds;
}

export const LESSON_USAGE_HEAD = `npm run lesson -- ID|all [--seeds 0,1,2] [--evalseed N] [--json]\nlessons: ${lessonIds()}`;
