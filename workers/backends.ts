/**
 * Backend selection inside the worker: WebGPU, else WebGL, else WASM, else CPU; each loaded only
 * when tried. Reports what really runs (tf.getBackend()) and whether the adapter is software.
 */
import * as tf from '../src/core/tf';

import { BACKEND_ORDER, type BackendName } from './backend-names';

export interface BackendInfo {
  name: BackendName;
  /** e.g. "google swiftshader" or "ANGLE (Intel...)"; empty when unknown. */
  adapter: string;
  /** A software rasteriser (SwiftShader, llvmpipe...) stands in for a GPU: slow. */
  software: boolean;
  /** Backends tried before this one and why they failed. */
  skipped: string[];
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|basic render|microsoft basic/i;

async function webgpuAdapter(): Promise<{ adapter: string; software: boolean } | string> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return 'WebGPU is not available in this browser';
  const adapter = await gpu.requestAdapter();
  if (!adapter) return 'no WebGPU adapter';
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  return { adapter: text, software: info.isFallbackAdapter === true || SOFTWARE.test(text) };
}

function webglAdapter(): { adapter: string; software: boolean } {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    const renderer = gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : '';
    return { adapter: renderer, software: SOFTWARE.test(renderer) };
  } catch {
    return { adapter: '', software: false };
  }
}

async function register(name: BackendName): Promise<void> {
  if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const { default: simd } = await import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url');
    const { default: plain } = await import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url');
    const { default: threaded } = await import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url');
    wasm.setWasmPaths({ 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threaded });
  }
}

/** Try `preferred` (or the best available) and fall down the list; never lies about the result. */
export async function startBackend(preferred?: BackendName): Promise<BackendInfo> {
  const order = preferred ? [preferred, ...BACKEND_ORDER.filter((b) => b !== preferred)] : [...BACKEND_ORDER];
  const skipped: string[] = [];
  for (const name of order) {
    try {
      let details = { adapter: '', software: false };
      if (name === 'webgpu') {
        const probe = await webgpuAdapter();
        if (typeof probe === 'string') throw new Error(probe);
        details = probe;
      }
      await register(name);
      if (!(await tf.setBackend(name))) throw new Error('failed to initialise');
      await tf.ready();
      if (tf.getBackend() !== name) throw new Error(`tfjs is running ${tf.getBackend()} instead`);
      if (name === 'webgl') details = webglAdapter();
      if (name === 'wasm') details = { adapter: 'WebAssembly SIMD on the CPU', software: false };
      if (name === 'cpu') details = { adapter: 'plain JavaScript on the CPU', software: false };
      return { name, ...details, skipped };
    } catch (error) {
      skipped.push(`${name}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (${skipped.join('; ')})`);
}
