import * as zlib from 'node:zlib';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng } from '../../src/core/export/png';
import { TRL_LOAD_SNIPPET, trlDatasetZip, trlRows } from '../../src/core/export/trl-dataset';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface Chunk {
  type: string;
  data: Uint8Array;
  /** type + data, the bytes the CRC covers */
  crcInput: Uint8Array;
  crc: number;
}

/** Walk the chunks of a PNG independently of the encoder. */
function parseChunks(png: Uint8Array): Chunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    chunks.push({
      type,
      data: png.subarray(offset + 8, offset + 8 + length),
      crcInput: png.subarray(offset + 4, offset + 8 + length),
      crc: view.getUint32(offset + 8 + length),
    });
    offset += 12 + length;
  }
  return chunks;
}

/** Decode an 8-bit RGB, filter-0 PNG back to its pixel bytes. */
function decodePixels(png: Uint8Array): { width: number; height: number; pixels: number[] } {
  const chunks = parseChunks(png);
  const ihdr = chunks.find((c) => c.type === 'IHDR')!;
  const view = new DataView(ihdr.data.buffer, ihdr.data.byteOffset, ihdr.data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const raw = zlib.inflateSync(idat);
  const stride = width * 3;
  expect(raw.length).toBe(height * (stride + 1));
  const pixels: number[] = [];
  for (let y = 0; y < height; y++) {
    expect(raw[y * (stride + 1)]).toBe(0); // filter byte
    pixels.push(...raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
  }
  return { width, height, pixels };
}

describe('encodePng', () => {
  const png = encodePng(new Float32Array([1, 0, 0, 0, 0, 1]), 2, 1); // [red, blue]

  it('writes the signature and an 8-bit truecolour IHDR with a correct CRC', () => {
    expect([...png.subarray(0, 8)]).toEqual(SIGNATURE);
    const chunks = parseChunks(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = chunks[0]!;
    expect([...ihdr.data]).toEqual([0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
    // Verified independently with Python's zlib.crc32 over "IHDR" + the 13 data bytes.
    expect(ihdr.crc).toBe(0x7b40e8dd);
    // Every chunk's CRC also agrees with Node's zlib (Node >= 20.15), when it is there.
    const nodeCrc = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
    for (const c of chunks) {
      if (nodeCrc) expect(c.crc).toBe(nodeCrc(c.crcInput));
      expect(c.crc).toBe(crc32(c.crcInput));
    }
    // IEND's CRC is a well-known constant.
    expect(chunks[2]!.crc).toBe(0xae426082);
  });

  it('stores filter 0 then the rounded pixel bytes', () => {
    const idat = parseChunks(png)[1]!;
    expect([...zlib.inflateSync(idat.data)]).toEqual([0, 255, 0, 0, 0, 0, 255]);
  });

  it('rounds and clamps out-of-range values', () => {
    const { pixels } = decodePixels(encodePng(new Float32Array([-0.5, 1.5, 0.5, 0.2, 0.002, 0.998]), 2, 1));
    expect(pixels).toEqual([0, 255, 128, 51, 1, 254]);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => encodePng(new Float32Array(5), 2, 1)).toThrow(/expected 6/);
  });
});

describe('TRL vision preference dataset', () => {
  const size = 4;
  // Distinct, exactly representable byte values per pixel and channel: v/255.
  const byteImage = (seed: number) => Array.from({ length: size * size * 3 }, (_, i) => (seed * 37 + i * 5) % 256);
  const bytesA = byteImage(1);
  const bytesB = byteImage(2);
  // The world writes "circle ." and a decoded model "square.": the rows write both alike.
  const pairs = [
    {
      image: Float32Array.from(bytesA, (b) => b / 255),
      prompt: 'describe the image .',
      chosen: 'a red circle .',
      rejected: 'a red  circle and a blue square.',
    },
    { image: Float32Array.from(bytesB, (b) => b / 255), prompt: 'is there a star ?', chosen: 'no .', rejected: 'yes .' },
  ];

  it('builds conversational rows with padded image paths', () => {
    expect(trlRows(pairs).map((r) => r.images)).toEqual([['images/00000.png'], ['images/00001.png']]);
  });

  it('zips data.jsonl, the PNGs and a README that loads it', () => {
    const files = unzipSync(trlDatasetZip(pairs, size));
    expect(Object.keys(files).sort()).toEqual(['README.md', 'data.jsonl', 'images/00000.png', 'images/00001.png']);

    const jsonl = new TextDecoder().decode(files['data.jsonl']);
    expect(jsonl.endsWith('\n')).toBe(true);
    const lines = jsonl.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const rows = lines.map((l) => JSON.parse(l) as unknown);
    expect(rows[0]).toEqual({
      images: ['images/00000.png'],
      prompt: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'describe the image.' }] }],
      chosen: [{ role: 'assistant', content: [{ type: 'text', text: 'a red circle.' }] }],
      rejected: [{ role: 'assistant', content: [{ type: 'text', text: 'a red circle and a blue square.' }] }],
    });
    expect(rows[1]).toEqual({
      images: ['images/00001.png'],
      prompt: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'is there a star?' }] }],
      chosen: [{ role: 'assistant', content: [{ type: 'text', text: 'no.' }] }],
      rejected: [{ role: 'assistant', content: [{ type: 'text', text: 'yes.' }] }],
    });

    const expected = [bytesA, bytesB];
    rows.forEach((row, i) => {
      const path = (row as { images: string[] }).images[0]!;
      const png = files[path];
      expect(png, path).toBeDefined();
      expect([...png!.subarray(0, 8)]).toEqual(SIGNATURE);
      const decoded = decodePixels(png!);
      expect(decoded.width).toBe(size);
      expect(decoded.height).toBe(size);
      expect(decoded.pixels).toEqual(expected[i]);
    });

    const readme = new TextDecoder().decode(files['README.md']);
    expect(readme).toContain('load_dataset');
    expect(readme).toContain(TRL_LOAD_SNIPPET);
  });

  it('uses a given README verbatim', () => {
    const files = unzipSync(trlDatasetZip(pairs, size, '# custom\n'));
    expect(new TextDecoder().decode(files['README.md'])).toBe('# custom\n');
  });

  it('exposes exactly the three loading lines', () => {
    expect(TRL_LOAD_SNIPPET.split('\n')).toEqual([
      'from datasets import load_dataset, Sequence, Image',
      'ds = load_dataset("json", data_files="data.jsonl", split="train")',
      'ds = ds.cast_column("images", Sequence(Image()))',
    ]);
  });

  it('refuses to export nothing', () => {
    expect(() => trlDatasetZip([], size)).toThrow(/no preference pairs/);
  });
});
