export * from './domain';
export * from './regions';
export * from './masking';
export * from './calendar';
export * from './forms';
export * from './suspected-issues';
export * from './training-stats';
export * from './indicators';
