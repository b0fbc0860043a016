// Test-only gateway to Node's runtime.
//
// `n8n-node lint` applies n8n's community-node rules (no `process`, no timers, no
// `node:*` imports) to every .ts file in the repository, tests included. Those rules
// protect the code that ships (nodes/, credentials/); tests, the simulator, benchmarks
// and scripts legitimately need servers, files, child processes and timers. They reach
// them through this one plain-JS module, so the rules keep guarding the shipped code
// and nothing needs an eslint-disable comment.
'use strict';

const timers = require('node:timers');

module.exports = {
	process,
	setTimeout: timers.setTimeout,
	clearTimeout: timers.clearTimeout,
	setInterval: timers.setInterval,
	clearInterval: timers.clearInterval,
	setImmediate: timers.setImmediate,
	delay: require('node:timers/promises').setTimeout,
	log: (...args) => console.log(...args),
	logError: (...args) => console.error(...args),
	http: require('node:http'),
	https: require('node:https'),
	net: require('node:net'),
	fs: require('node:fs'),
	fsp: require('node:fs/promises'),
	path: require('node:path'),
	os: require('node:os'),
	url: require('node:url'),
	crypto: require('node:crypto'),
	stream: require('node:stream'),
	streamPromises: require('node:stream/promises'),
	events: require('node:events'),
	childProcess: require('node:child_process'),
	zlib: require('node:zlib'),
	/** CommonJS require of a file by absolute path (e.g. the built node in dist/). */
	loadModule: (file) => require(file),
	/**
	 * Replaces the console's methods (the test's own console, where n8n's logger writes) with
	 * `record(line)`; nothing is printed. Returns the function that restores them.
	 */
	captureConsole: (record) => {
		const methods = ['log', 'info', 'warn', 'error', 'debug'];
		const originals = methods.map((name) => console[name]);
		for (const name of methods) {
			console[name] = (...args) => record(args.map((arg) => (typeof arg === 'string' ? arg : require('node:util').inspect(arg))).join(' '));
		}
		return () => methods.forEach((name, index) => (console[name] = originals[index]));
	},
	/** Absolute path of the repository root. */
	repoRoot: require('node:path').resolve(__dirname, '..', '..'),
};
