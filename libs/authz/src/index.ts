export * from './principal';
export * from './ability.factory';
export * from './decorators';
export * from './authz-subjects';
export * from './policies.guard';
