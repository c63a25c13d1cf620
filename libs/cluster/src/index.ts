export * from './errors';
export * from './revision';
export * from './resource-set';
export * from './list-watch';
export * from './cluster-client';
export * from './credentials';
