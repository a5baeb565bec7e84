export * from './domain';
export * from './regions';
export * from './masking';
