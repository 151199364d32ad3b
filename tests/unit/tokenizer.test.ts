import { describe, expect, it } from 'vitest';
import { UNK_ID, VOCABULARY, decode, detokenize, encode, writtenText } from '../../src/core/world/tokenizer';
import { encodeText } from '../../src/core/model/sequence';
import { TEXT_LENGTH } from '../../src/core/model/config';

describe('tokenizer', () => {
  it('round-trips every caption-like sentence', () => {
    for (const text of ['red circle top-left and blue square center.', 'is there a star?', 'yes.', 'how many shapes?', 'three.']) {
      expect(decode(encode(text))).toBe(text);
    }
  });

  it("writes the world's text and decoded ids alike, as a person writes, without changing the tokens", () => {
    expect(detokenize(['top-left', 'red', 'circle', 'and', 'center', 'blue', 'star', '.'])).toBe(
      'top-left red circle and center blue star.',
    );
    expect(detokenize([])).toBe('');
    const world = 'top-left red circle and center blue star .'; // how captions are made (and trained on)
    const written = 'top-left red circle and center blue star.';
    expect(writtenText(world)).toBe(written);
    expect(writtenText('  is there a star ?  ')).toBe('is there a star?');
    expect(writtenText('yes .')).toBe('yes.');
    expect(writtenText(written)).toBe(written);
    expect(decode(encode(world))).toBe(written);
    // The training format is untouched: the written text reads back to the same ids.
    for (const text of [world, 'is there a star ?', 'no .', 'how many red shapes ?'])
      expect(encode(writtenText(text))).toEqual(encode(text));
  });

  it('has unique words including the special tokens', () => {
    expect(new Set(VOCABULARY).size).toBe(VOCABULARY.length);
    for (const special of ['<pad>', '<bos>', '<eos>', '<image>', '<sep>', '<unk>']) expect(VOCABULARY).toContain(special);
  });

  it('maps unknown words to <unk> and keeps going', () => {
    expect(encode('a purple giraffe')).toEqual([encode('a')[0], encode('purple')[0], UNK_ID]);
    expect(decode(encode('a purple giraffe'))).toBe('a purple <unk>');
  });

  it('lays out <bos> prompt <sep> response <eos> and scores only the response', () => {
    const { tokens, targetMask, responseStart } = encodeText('is there a star ?', 'yes .');
    expect(tokens.length).toBe(TEXT_LENGTH);
    expect(decode(tokens.slice(0, responseStart))).toBe('is there a star?');
    expect(Array.from(targetMask.slice(responseStart, responseStart + 4))).toEqual([1, 1, 1, 0]);
    expect(targetMask.slice(0, responseStart).every((m) => m === 0)).toBe(true);
  });
});
