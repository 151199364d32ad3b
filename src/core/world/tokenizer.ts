import { COLOURS, NUMBER_WORDS, POSITIONS, RELATIONS, SHAPES, SIGN_ORDER } from './vocabulary';

/** Special tokens: padding, begin, end, the image placeholder, prompt/response separator, unknown. */
export const PAD = '<pad>';
export const BOS = '<bos>';
export const EOS = '<eos>';
export const IMAGE = '<image>';
export const SEP = '<sep>';
export const UNK = '<unk>';

const SPECIALS = [PAD, BOS, EOS, IMAGE, SEP, UNK] as const;
const WORDS = [
  'describe',
  'the',
  'image',
  'is',
  'there',
  'a',
  'what',
  'colour',
  'how',
  'many',
  'shapes',
  '?',
  '.',
  'and',
  'yes',
  'no',
  'of',
  'are',
  'more',
  'than',
  SIGN_ORDER,
  ...RELATIONS,
  ...NUMBER_WORDS,
  ...SHAPES,
  ...COLOURS,
  ...POSITIONS,
] as const;

/** The fixed vocabulary, in id order. Changing it invalidates every checkpoint. */
export const VOCABULARY: readonly string[] = [...SPECIALS, ...WORDS];
const ID_OF = new Map(VOCABULARY.map((word, id) => [word, id]));

export const PAD_ID = ID_OF.get(PAD)!;
export const BOS_ID = ID_OF.get(BOS)!;
export const EOS_ID = ID_OF.get(EOS)!;
export const SEP_ID = ID_OF.get(SEP)!;
export const UNK_ID = ID_OF.get(UNK)!;
export const VOCAB_SIZE = VOCABULARY.length;

/** Split text into words: lower-case, '?' '.' ',' as their own words, anything else on spaces. */
export function splitWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/([?.,!;:])/g, ' $1 ')
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

export function encode(text: string): number[] {
  return splitWords(text).map((w) => ID_OF.get(w) ?? UNK_ID);
}

/** Punctuation a person writes against the word before it ("star." not "star ."). */
const ATTACHED_PUNCTUATION = new Set(['?', '.', ',', '!', ';', ':']);

/** Does this word follow the one before it without a space? (A caption display lays words out by it.) */
export function attachesToPrevious(word: string): boolean {
  return ATTACHED_PUNCTUATION.has(word);
}

/**
 * The one detokenizer: words as a person writes them, one space between words and punctuation
 * against the word before it: "top-left red circle and center blue star.". Everything shown or
 * written out (the page's captions and pairs, the TRL export) goes through it, whether the words
 * came from the world's own text ("... star .", the spacing the training data is written in) or
 * from a model's tokens, so two texts differ only in their words. encode() reads it back to the
 * same ids.
 */
export function detokenize(words: readonly string[]): string {
  let text = '';
  for (const word of words) text += text === '' || attachesToPrevious(word) ? word : ` ${word}`;
  return text;
}

/** Any text (the world's "star ." or a model's "star.") written as detokenize() writes its words. */
export function writtenText(text: string): string {
  return detokenize(splitWords(text));
}

/** Ids back to text; stops at the end token, skips padding and other specials except <unk>. */
export function decode(ids: ArrayLike<number>): string {
  const words: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === EOS_ID) break;
    if (id === PAD_ID || id === BOS_ID || id === SEP_ID || VOCABULARY[id] === IMAGE) continue;
    words.push(VOCABULARY[id] ?? UNK);
  }
  return detokenize(words);
}

export function tokenId(word: string): number {
  const id = ID_OF.get(word);
  if (id === undefined) throw new Error(`"${word}" is not in the vocabulary`);
  return id;
}
