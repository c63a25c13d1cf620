export * from './prisma.service';
export * from './prisma.module';
export * from './project-root';
export * from './migrate';
export * from './embedded-postgres';
export * from './tenant-lock';
export * from './outbox-queue';
export * from './advisory-lock';
