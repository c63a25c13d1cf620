export * from './forms';
export * from './hooks';
export * from './widgets';
