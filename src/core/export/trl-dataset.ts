import { strToU8, zipSync, type Zippable } from 'fflate';
import type { PreferencePair } from '../dpo/pairs';
import { writtenText } from '../world/tokenizer';
import { encodePng } from './png';

/**
 * Export preference pairs as a Hugging Face TRL vision preference dataset: one row per pair with
 * `images`, `prompt`, `chosen`, `rejected` in conversational form, where the prompt holds an
 * `{type: 'image'}` placeholder that the processor fills from `images`. DOM-free, so it runs in
 * workers and tests alike.
 */

export type TrlUserContent = { type: 'image' } | { type: 'text'; text: string };
export interface TrlAssistantMessage {
  role: 'assistant';
  content: { type: 'text'; text: string }[];
}
export interface TrlRow {
  images: string[];
  prompt: { role: 'user'; content: TrlUserContent[] }[];
  chosen: TrlAssistantMessage[];
  rejected: TrlAssistantMessage[];
}

/** The three Python lines that load the unzipped folder (run from inside it). */
export const TRL_LOAD_SNIPPET = [
  'from datasets import load_dataset, Sequence, Image',
  'ds = load_dataset("json", data_files="data.jsonl", split="train")',
  'ds = ds.cast_column("images", Sequence(Image()))',
].join('\n');

/** Relative path of the image of row `index` inside the zip (and as written in data.jsonl). */
export function trlImagePath(index: number): string {
  return `images/${String(index).padStart(5, '0')}.png`;
}

function assistant(text: string): TrlAssistantMessage[] {
  return [{ role: 'assistant', content: [{ type: 'text', text: writtenText(text) }] }];
}

/**
 * One row per pair. Every text goes through the one detokenizer (writtenText): a chosen caption
 * from the world's text ("... star .") and a rejected one decoded from a model ("... star.") must
 * not differ in spacing, or a trainer learns the spacing instead of the hallucination.
 */
export function trlRows(pairs: readonly Pick<PreferencePair, 'prompt' | 'chosen' | 'rejected'>[]): TrlRow[] {
  return pairs.map((p, i) => ({
    images: [trlImagePath(i)],
    prompt: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: writtenText(p.prompt) }] }],
    chosen: assistant(p.chosen),
    rejected: assistant(p.rejected),
  }));
}

function defaultReadme(count: number, imageSize: number): string {
  return `# DPO preference pairs (vision)

${count} preference pair${count === 1 ? '' : 's'} exported from the DPO playground, in the format of
Hugging Face TRL's vision preference datasets (\`DPOTrainer\` with a vision-language model).

## Files

- \`data.jsonl\`: one JSON object per line, one line per pair.
- \`images/NNNNN.png\`: the ${imageSize}x${imageSize} RGB image of each pair, referenced by relative path.

## Columns

- \`images\`: a list with one image (a relative path to a PNG in \`images/\`).
- \`prompt\`: the question, conversational: \`[{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": ...}]}]\`.
  The \`{"type": "image"}\` entry marks where the image goes.
- \`chosen\`: the preferred answer: \`[{"role": "assistant", "content": [{"type": "text", "text": ...}]}]\`.
- \`rejected\`: the dispreferred answer, same shape as \`chosen\`.

## Loading

Unzip, then run this **from inside the unzipped folder** (the image paths are relative and resolve
against the current working directory):

\`\`\`python
${TRL_LOAD_SNIPPET}
\`\`\`
`;
}

export function trlDatasetZip(
  pairs: readonly Pick<PreferencePair, 'image' | 'prompt' | 'chosen' | 'rejected'>[],
  imageSize: number,
  readme?: string,
): Uint8Array {
  if (pairs.length === 0) {
    throw new Error('there are no preference pairs to export yet: build some pairs first, then export them.');
  }
  const rows = trlRows(pairs);
  const files: Zippable = {
    'data.jsonl': strToU8(rows.map((r) => JSON.stringify(r)).join('\n') + '\n'),
    'README.md': strToU8(readme ?? defaultReadme(pairs.length, imageSize)),
  };
  pairs.forEach((p, i) => {
    // PNG data is already deflated; storing it avoids compressing twice for nothing.
    files[trlImagePath(i)] = [encodePng(p.image, imageSize, imageSize), { level: 0 }];
  });
  return zipSync(files);
}
