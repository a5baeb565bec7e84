export * from './domain';
export * from './regions';
