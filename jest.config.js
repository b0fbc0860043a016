/**
 * Test tiers as jest projects, cheapest first (CONTRIBUTING.md):
 * - unit: pure modules imported from source through ts-jest; no build, no servers, no installs.
 * - integration: the built node in n8n-core's real engine against the simulator, in process;
 *   the simulator itself, the scanner, the bench smoke run.
 * - e2e: real n8n (2.x and 1.x), queue mode with PostgreSQL and Redis.
 * - browser: the real editor in Chromium.
 * `npm test` runs them all (scripts/test.sh); `npm run test:unit` only the first.
 */
const shared = {
	testEnvironment: 'node',
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
	},
	moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
	testTimeout: 60000,
	globalSetup: '<rootDir>/test/support/global-setup.js',
	globalTeardown: '<rootDir>/test/support/global-teardown.js',
	projects: [
		{
			...shared,
			displayName: 'unit',
			testMatch: [
				'<rootDir>/test/nodes/**/*.test.ts',
				'<rootDir>/test/docs/**/*.test.ts',
				'<rootDir>/test/verification/layers.test.ts',
				'<rootDir>/test/verification/workflows.test.ts',
			],
		},
		{
			...shared,
			displayName: 'integration',
			testMatch: [
				'<rootDir>/test/integration/**/*.test.ts',
				'<rootDir>/test/credentials/**/*.test.ts',
				'<rootDir>/test/simulator/**/*.test.ts',
				'<rootDir>/test/verification/scanner.test.ts',
				'<rootDir>/test/bench/**/*.test.ts',
			],
		},
		{ ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
		{ ...shared, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
	],
};
