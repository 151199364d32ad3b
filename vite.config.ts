import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * Cross-origin isolation: with these two headers the page may use SharedArrayBuffer, so tfjs's
 * WASM backend loads its threaded SIMD build (the badge shows the thread count). Static hosts
 * need the same headers: public/_headers sets them on Netlify and Cloudflare Pages.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * tfjs-backend-wasm starts its threads from a Blob holding the Emscripten factory's source text
 * (`factory.toString()`). The factory checks `typeof _scriptDir !== "undefined"`, a variable of the
 * closure around it; the bundler knows that variable exists and folds the check away, so in the
 * thread's Blob, where the closure is gone, the name is undefined and every thread dies ("e is not
 * defined"). Threads never need the script directory (the page sends them the compiled module).
 */
function wasmThreadsSurviveBundling(): Plugin {
  return {
    name: 'tfjs-wasm-threads-survive-bundling',
    transform(code, id) {
      if (!id.includes('tfjs-backend-wasm-threaded-simd.js')) return undefined;
      const guard = 'typeof _scriptDir !== "undefined" && _scriptDir';
      if (!code.includes(guard)) throw new Error('tfjs-backend-wasm changed: revisit wasmThreadsSurviveBundling in vite.config.ts');
      return code.replace(guard, 'false');
    },
  };
}

export default defineConfig(({ command }) => ({
  plugins: [svelte(), wasmThreadsSurviveBundling()],
  // The engine's one tfjs import, slimmed for the built page (src/core/tfjs-lean.ts says why). Not
  // on the dev server: its dependency optimiser bundled tfjs-core twice from the deep imports
  // ("Cannot evaluate flag 'DEBUG'"), and there a few hundred ms of parsing matter less.
  resolve: {
    alias:
      command === 'build'
        ? [{ find: /^@tensorflow\/tfjs$/, replacement: fileURLToPath(new URL('./src/core/tfjs-lean.ts', import.meta.url)) }]
        : [],
  },
  worker: { format: 'es', plugins: () => [wasmThreadsSurviveBundling()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { headers: ISOLATION_HEADERS },
  preview: { port: 4173, headers: ISOLATION_HEADERS },
}));
