/**
 * The one TensorFlow.js entry of the engine. '@tensorflow/tfjs' registers gradients and chained
 * ops (and the cpu/webgl backends); each shell registers the other backends it wants.
 */
export * from '@tensorflow/tfjs';
