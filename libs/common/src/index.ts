export * from './errors';
export * from './etag';
export * from './names';
export * from './pagination';
export * from './quantity';
export * from './validators';
export * from './validation-pipe';
export * from './all-exceptions.filter';
