import { zlibSync } from 'fflate';

/**
 * A minimal PNG encoder, so datasets can be exported without a canvas (works in workers and Node).
 * Images here are tiny, so no filtering heuristics: every row uses filter 0 and zlib does the rest.
 */

// CRC-32 (IEEE, reflected, polynomial 0xEDB88320) as PNG chunks require; the table makes it one
// lookup per byte.
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Length, type, data, then a CRC over type + data (not the length), all big-endian. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** RGB floats in [0,1], row-major [y][x][channel], to an 8-bit truecolour PNG. */
export function encodePng(rgb: Float32Array, width: number, height: number): Uint8Array {
  if (rgb.length !== width * height * 3) {
    throw new Error(`encodePng: expected ${width * height * 3} values for ${width}x${height} RGB, got ${rgb.length}`);
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour, no alpha
  // bytes 10..12 stay 0: deflate compression, adaptive filtering, no interlace

  // Each scanline is prefixed with its filter type byte (0 = none).
  const stride = width * 3;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1);
    for (let i = 0; i < stride; i++) {
      const v = Math.round(rgb[y * stride + i]! * 255);
      // NaN would otherwise become 0 silently through the typed array; make it explicit.
      raw[row + 1 + i] = Number.isNaN(v) ? 0 : Math.min(255, Math.max(0, v));
    }
  }

  const parts = [Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
