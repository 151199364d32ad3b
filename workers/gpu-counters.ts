/**
 * Counts WebGPU work from inside the worker by wrapping two prototype methods: compute dispatches
 * (GPUComputePassEncoder.dispatchWorkgroups) and blocking readbacks (GPUBuffer.mapAsync for
 * reading, with the mapped buffer's size). Installed once, on demand (the cost report).
 */
import type { DeviceCounters } from '../src/core/checks/step-cost';

const counters: DeviceCounters = { dispatches: 0, readbacks: 0, bytesRead: 0 };
let installed = false;

export function gpuCounters(): DeviceCounters {
  if (!installed && typeof GPUComputePassEncoder !== 'undefined') {
    installed = true;
    // The originals are kept unbound on purpose: each wrapper calls its original with its own `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- see above
    const dispatch = GPUComputePassEncoder.prototype.dispatchWorkgroups;
    GPUComputePassEncoder.prototype.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args: Parameters<typeof dispatch>) {
      counters.dispatches++;
      return dispatch.apply(this, args);
    };
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the wrapper's `this`, as above
    const mapAsync = GPUBuffer.prototype.mapAsync;
    GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, mode: GPUMapModeFlags, offset?: number, size?: number) {
      if (mode & GPUMapMode.READ) {
        counters.readbacks++;
        counters.bytesRead += size ?? this.size - (offset ?? 0);
      }
      return mapAsync.call(this, mode, offset, size);
    };
  }
  return { ...counters };
}
