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

/** Text of a chunk passed to a stream's write(): a string, or bytes as UTF-8. */
const chunkText = (chunk) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));

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
	util: require('node:util'),
	childProcess: require('node:child_process'),
	zlib: require('node:zlib'),
	chunkText,
	/** CommonJS require of a file by absolute path (e.g. the built node in dist/). */
	loadModule: (file) => require(file),
	/**
	 * Sends what is written to the console (the test's own console, where n8n's logger writes)
	 * to `record(line)` instead of printing it. Covers the console's methods and its private
	 * `_stdout`/`_stderr` streams: winston binds `console.log` when its transport is created and
	 * writes to `console._stdout` when there is one (jest's worker console has its own).
	 * Returns the function that restores the console.
	 */
	captureConsole: (record) => {
		const methods = ['log', 'info', 'warn', 'error', 'debug'];
		const originals = methods.map((name) => console[name]);
		for (const name of methods) {
			console[name] = (...args) => record(args.map((arg) => (typeof arg === 'string' ? arg : require('node:util').inspect(arg))).join(' '));
		}
		const streamKeys = ['_stdout', '_stderr'].filter((key) => console[key] && typeof console[key].write === 'function');
		const streams = streamKeys.map((key) => console[key]);
		const recorder = {
			write: (chunk, ...rest) => {
				record(chunkText(chunk));
				const callback = rest.find((arg) => typeof arg === 'function');
				if (callback) callback();
				return true;
			},
		};
		for (const key of streamKeys) console[key] = recorder;
		return () => {
			methods.forEach((name, index) => (console[name] = originals[index]));
			streamKeys.forEach((key, index) => (console[key] = streams[index]));
		};
	},
	/** Absolute path of the repository root. */
	repoRoot: require('node:path').resolve(__dirname, '..', '..'),
};
