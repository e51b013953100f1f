// Shared jest settings: ESM + ts-jest (see ../shared/TOOLCHAIN.md). Each package's
// jest.config.js spreads this; workspace imports resolve to sources, so tests need no build.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: {
    '^@profconv/([a-z0-9-]+)$': '<rootDir>/../$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
}
