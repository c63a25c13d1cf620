export * from './env.schema';
export * from './berth-config';
export * from './config.module';
