import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointDir } from '../../src/cli/checkpoint-files';
import { PAIR_SOURCES } from '../../src/core/dpo/pairs';
import { disposeWeights } from '../../src/core/model/weights';
import type { Model } from '../../src/core/session/run-session';
import { trlDatasetForConfig } from '../../src/core/export/trl-export';
import { decodeHash } from '../../src/core/settings/url-hash';
import type { TrlRow } from '../../src/core/export/trl-dataset';

/**
 * The spacing and punctuation conventions of a text, stated here without the project's detokenizer:
 * the text with every word replaced by "w" ("w w w." for "a red star.", "w w w ." for "a red star .").
 * Two sides of a pair may differ in their words, never in how they are written.
 */
const convention = (text: string) => text.replace(/[^\s.?,!;:]+/g, 'w').replace(/(w )+w/g, 'w');

function problems(text: string, answer = true): string[] {
  const found: string[] = [];
  if (text !== text.trim()) found.push('space at an end');
  if (/\s{2}/.test(text)) found.push('double space');
  if (/\s[.?,!;:]/.test(text)) found.push('space before punctuation');
  if (answer && !/[a-z]\.$/.test(text)) found.push('does not end with a word and its full stop');
  return found;
}

const text = (side: TrlRow['chosen']) => side[0]!.content[0]!.text;

describe('TRL export: both sides of every pair written alike', () => {
  let start: Model;
  beforeAll(async () => {
    start = await loadCheckpointDir('models/sft-base');
  });
  afterAll(() => disposeWeights(start.weights));

  it.each(PAIR_SOURCES)('%s: no pair differs in spacing or punctuation, only in words', async (source) => {
    // The URL keys are the settings' stable names.
    const { config, problems: linkProblems } = decodeHash(`#v=1&seed=5&mode=offline&pairs=${source}&npairs=8`);
    expect(linkProblems).toEqual([]);
    const zip = unzipSync(await trlDatasetForConfig(start, config));
    const rows = strFromU8(zip['data.jsonl']!)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as TrlRow);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const prompt = (row.prompt[0]!.content.find((c) => c.type === 'text') as { text: string }).text;
      const [chosen, rejected] = [text(row.chosen), text(row.rejected)];
      const where = JSON.stringify({ prompt, chosen, rejected });
      expect({ prompt: problems(prompt, false), chosen: problems(chosen), rejected: problems(rejected) }, where).toEqual({
        prompt: [],
        chosen: [],
        rejected: [],
      });
      expect(convention(chosen), where).toBe(convention(rejected));
      expect(chosen, where).not.toBe(rejected);
    }
  });
});
