// The watchdog of a test process: a tiny detached Node process that outlives the test
// process it watches, so that servers a test started (n8n, workers, PostgreSQL, Redis,
// Chromium: each in a process group of its own) die with the test run however it ends,
// SIGKILL included.
//
//   node watchdog.js <registry folder> <pid>:<start time>[,<pid>:<start time>…]
//
// The test process (process-guard.js) writes one small JSON file per process group and per
// temp folder into the registry folder, synchronously, right after it starts the server, and
// removes it once the group is gone. Every 500 ms the watchdog checks the watched processes
// (the test process, and the jest parent of a jest worker). As soon as one is gone (or a
// zombie, or its PID was reused: the start time differs), it sends every registered group its
// signal (SIGTERM; SIGQUIT for PostgreSQL, its immediate shutdown, which also removes its
// shared memory), waits for the group's grace period, SIGKILLs what is left, waits until no
// member remains, removes the registered folders and the registry, and exits.
//
// Plain JS on Node's built-ins only; also required as a module for its /proc helpers.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const timers = require('node:timers');

const POLL_MS = 500;
const DEFAULT_GRACE_MS = 5000;
const KILL_WAIT_MS = 5000;

/** /proc/<pid>/stat of a process: its state, parent, process group and start time; undefined when gone. */
function procStat(pid) {
	let text;
	try {
		text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return undefined;
	}
	// "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
	//  cutime cstime priority nice threads itrealvalue starttime …": comm may hold spaces and ')'.
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
	return {
		pid: Number(pid),
		comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')),
		state: fields[0],
		ppid: Number(fields[1]),
		pgrp: Number(fields[2]),
		startTime: fields[19],
	};
}

/** Every live (not zombie) process on the machine, from /proc. */
function processTable() {
	const table = [];
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const stat = procStat(name);
		if (stat && stat.state !== 'Z' && stat.state !== 'X') table.push(stat);
	}
	return table;
}

/** Live members of process group `pgid`. */
function groupMembers(pgid) {
	return processTable().filter((stat) => stat.pgrp === pgid);
}

/** True while the process `pid` started at `startTime` runs (a zombie or a reused PID is gone). */
function isAlive(pid, startTime) {
	const stat = procStat(pid);
	return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X' && (startTime === undefined || stat.startTime === startTime);
}

function signalGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
	} catch {
		// gone already
	}
}

const sleep = (ms) => new Promise((resolve) => timers.setTimeout(resolve, ms));

async function waitUntilEmpty(pgid, ms) {
	const deadline = Date.now() + ms;
	while (groupMembers(pgid).length > 0) {
		if (Date.now() > deadline) return false;
		await sleep(100);
	}
	return true;
}

function readEntries(registry) {
	let names = [];
	try {
		names = fs.readdirSync(registry);
	} catch {
		return [];
	}
	const entries = [];
	for (const name of names) {
		try {
			entries.push(JSON.parse(fs.readFileSync(path.join(registry, name), 'utf8')));
		} catch {
			// half-written or removed meanwhile
		}
	}
	return entries;
}

/** Stops every registered group (all at once, each with its own grace), then removes the folders. */
async function cleanUp(registry) {
	const entries = readEntries(registry);
	const groups = entries.filter((entry) => entry.kind === 'group');
	await Promise.all(
		groups.map(async (entry) => {
			signalGroup(entry.pgid, entry.signal || 'SIGTERM');
			if (await waitUntilEmpty(entry.pgid, entry.graceMs ?? DEFAULT_GRACE_MS)) return;
			signalGroup(entry.pgid, 'SIGKILL');
			await waitUntilEmpty(entry.pgid, KILL_WAIT_MS);
		}),
	);
	for (const entry of entries) {
		if (entry.kind !== 'path') continue;
		try {
			fs.rmSync(entry.path, { recursive: true, force: true, maxRetries: 3 });
		} catch {
			// nothing more to do
		}
	}
	fs.rmSync(registry, { recursive: true, force: true });
}

async function main(argv) {
	const [registry, watchedList] = argv;
	const watched = (watchedList || '')
		.split(',')
		.filter(Boolean)
		.map((item) => {
			const [pid, startTime] = item.split(':');
			return { pid: Number(pid), startTime: startTime || undefined };
		});
	if (!registry || watched.length === 0) throw new Error('usage: watchdog.js <registry folder> <pid>:<start time>[,…]');
	for (;;) {
		if (!fs.existsSync(registry)) return; // the test process ended and cleaned up itself
		if (!watched.every((proc) => isAlive(proc.pid, proc.startTime))) break;
		await sleep(POLL_MS);
	}
	await cleanUp(registry);
}

if (require.main === module) {
	// Signals of the terminal (Ctrl-C) reach the test run's process group, not this one; these
	// would only come from someone stopping the watchdog on purpose: clean up first.
	process.on('SIGINT', () => undefined);
	process.on('SIGHUP', () => undefined);
	main(process.argv.slice(2)).then(
		() => process.exit(0),
		(error) => {
			process.stderr.write(`watchdog: ${error && error.stack ? error.stack : String(error)}\n`);
			process.exit(1);
		},
	);
}

module.exports = { procStat, processTable, groupMembers, isAlive, POLL_MS };
