export * from './fleet-queue.service';
export * from './fleet-writer.service';
export * from './fleet-writer.module';
export * from './fleet-plan';
