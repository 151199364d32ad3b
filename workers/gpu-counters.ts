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
    const dispatch = GPUComputePassEncoder.prototype.dispatchWorkgroups;
    GPUComputePassEncoder.prototype.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args: Parameters<typeof dispatch>) {
      counters.dispatches++;
      return dispatch.apply(this, args);
    };
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
