/** `npm run test:browser`: the tests that drive a real Chromium (test/browser), apart from `npm test`. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config, as jest reads it
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  roots: ['<rootDir>/test/browser'],
};
