import { describe, expect, it } from 'vitest';
import { UNK_ID, VOCABULARY, decode, encode } from '../../src/core/world/tokenizer';
import { encodeText } from '../../src/core/model/sequence';
import { TEXT_LENGTH } from '../../src/core/model/config';

describe('tokenizer', () => {
  it('round-trips every caption-like sentence', () => {
    for (const text of ['red circle top-left and blue square center.', 'is there a star?', 'yes.', 'how many shapes?', 'three.']) {
      expect(decode(encode(text))).toBe(text);
    }
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
