import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const node = { setupFiles: ['tests/setup-node-backend.ts'] };

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], testTimeout: 120_000, ...node } },
      { test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000, ...node } },
      // Svelte components mounted in a simulated DOM (happy-dom), with their real state modules.
      {
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: { name: 'component', include: ['tests/component/**/*.test.ts'], environment: 'happy-dom' },
      },
      // One browser at a time: SwiftShader WebGPU is CPU-bound.
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 300_000, fileParallelism: false } },
    ],
  },
});
