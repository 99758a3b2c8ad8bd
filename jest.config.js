/**
 * jest in ESM mode (`npm test` starts Node with --experimental-vm-modules). @swc/jest strips the types, file by
 * file and fast; `npm run lint` type-checks the same files with tsc.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  // src/ too, so coverage counts the files no test loads.
  roots: ['<rootDir>/__tests__', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript' },
          target: 'es2022',
          experimental: { keepImportAttributes: true }
        },
        module: { type: 'es6' }
      }
    ]
  },
  // Sources import each other as `./x.js`, the way Node resolves the compiled files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/test/jest/global-setup.mjs',
  setupFilesAfterEnv: ['<rootDir>/test/jest/file-snapshot.ts'],
  reporters: ['default', '<rootDir>/test/jest/count-line-reporter.mjs'],
  testTimeout: 30_000,
  // Integration suites start servers and child processes; two cores are what CI has.
  maxWorkers: 2,

  // `npm test -- --coverage` (CI runs it so): V8's own counters, mapped back to the TypeScript sources.
  coverageProvider: 'v8',
  // Modules of types only hold no code to run; V8 would count their lines as never run.
  collectCoverageFrom: ['src/**/*.ts', '!src/**/types.ts', '!src/render/template/ast.ts'],
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
  // The pure modules' coverage when the suite moved to jest, rounded down: a change may not lower it.
  coverageThreshold: {
    './src/render/': { lines: 89, statements: 89, functions: 95, branches: 81 },
    './src/config/': { lines: 86, statements: 86, functions: 100, branches: 76 },
    './src/definitions/': { lines: 94, statements: 94, functions: 100, branches: 82 },
    './src/diff/': { lines: 97, statements: 97, functions: 100, branches: 76 }
  }
}
