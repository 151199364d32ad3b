export * from './vocabulary';
export * from './config';
export * from './scene';
export * from './render';
export * from './tokenizer';
export * from './tasks';
export * from './claims';
