// Imported as '@berth/common/metrics' (not from the package index: pure libs import @berth/common without prom-client).
export * from './metrics-registry';
export * from './metrics-server';
export * from './metrics.module';
