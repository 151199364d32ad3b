/**
 * What the page's bundles get for '@tensorflow/tfjs' (vite.config.ts aliases it here): tfjs-core
 * with its gradients and chained ops, and the cpu backend, the reference every other backend is
 * checked against. The umbrella package also bundles tfjs-layers, -converter, -data and the WebGL
 * backend, which the engine never uses (WebGL is imported when tried): they were half of the
 * worker's script, parsed before the page could train. Node keeps the umbrella package, whose CommonJS
 * build carries the gradients for tfjs-core's CommonJS build.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
