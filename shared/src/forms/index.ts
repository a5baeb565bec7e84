export * from './types';
export * from './school';
export * from './region';
export * from './validate';
export * from './expectations';
