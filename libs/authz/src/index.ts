export * from './principal';
export * from './ability.factory';
export * from './decorators';
export * from './policies.guard';
