export * from './fields';
export * from './admin-form';
export * from './forms';
export * from './hooks';
export * from './rows';
export * from './widgets';
export * from './tenant-fields';
