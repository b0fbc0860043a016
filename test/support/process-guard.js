// Servers die with their tests. Every process group a test starts (n8n main and workers,
// `n8n execute`, PostgreSQL, Redis, Chromium) and the temp folders they use are registered
// here; they are stopped when the test process ends in any way:
//  - it exits (normal end, a failing suite, process.exit): an 'exit' handler signals every
//    group still registered, synchronously;
//  - SIGTERM / SIGINT: the same, then the signal's default action (death) goes on;
//  - it dies without running anything (SIGKILL, or the jest parent of a worker is killed):
//    the watchdog (watchdog.js), a detached process started on the first registration, sees
//    the watched PIDs gone and stops the groups (SIGTERM, SIGKILL after the grace period),
//    then removes the folders.
//
//   const release = guardGroup(child.pid, { label: 'n8n start' }); // right after spawn
//   …stop the server, wait until its group is gone…
//   release();
//
// jest runs test files in a sandbox whose `process` is a copy: listeners added to it never
// fire. The handlers go on the real process, reached through a function made in the outer
// realm (the constructor of a core module's function is the outer `Function`).
'use strict';

const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const events = require('node:events');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const watchdog = require('./watchdog');

const WATCHDOG_FILE = path.join(__dirname, 'watchdog.js');

/** The process object of the Node process itself (not jest's sandbox copy). */
const realProcess = (() => {
	try {
		const outer = events.EventEmitter.constructor('return typeof process === "object" ? process : undefined')();
		return outer && typeof outer.on === 'function' ? outer : process;
	} catch {
		return process;
	}
})();

/** One state per real process, shared by every jest module registry that loads this file. */
const STATE_KEY = Symbol.for('wan-vace.process-guard');
const state =
	realProcess[STATE_KEY] ||
	(realProcess[STATE_KEY] = {
		registry: undefined,
		watchdogPid: undefined,
		entries: new Map(),
		handlersInstalled: false,
	});

/**
 * The PIDs the watchdog watches: this process, and its parent when this is a jest worker
 * (a child with an IPC channel: when jest dies, the orphaned worker would keep its servers).
 */
function watchedProcesses() {
	const own = realProcess.pid;
	const watched = [own];
	if (realProcess.connected === true && realProcess.ppid > 1) watched.push(realProcess.ppid);
	return watched.map((pid) => `${pid}:${watchdog.procStat(pid)?.startTime ?? ''}`).join(',');
}

function ensureWatchdog() {
	if (state.registry && fs.existsSync(state.registry)) return;
	const registry = fs.mkdtempSync(path.join(os.tmpdir(), 'wan-vace-guard-'));
	state.registry = registry;
	const child = childProcess.spawn(realProcess.execPath, [WATCHDOG_FILE, registry, watchedProcesses()], {
		detached: true,
		stdio: 'ignore',
		env: { PATH: realProcess.env.PATH || '/usr/bin:/bin' },
	});
	child.unref();
	state.watchdogPid = child.pid;
	installHandlers();
}

function killGroup(pgid, signal) {
	try {
		realProcess.kill(-pgid, signal);
	} catch {
		// gone already
	}
}

/** Signals every registered group now (each with its exit signal); synchronous. */
function killGuardedGroups() {
	for (const entry of state.entries.values()) {
		if (entry.kind === 'group') killGroup(entry.pgid, entry.exitSignal);
	}
}

function onExit() {
	killGuardedGroups();
	// Nothing left to do for the watchdog: let it end now (it would after the next poll).
	if (state.registry && state.entries.size === 0) fs.rmSync(state.registry, { recursive: true, force: true });
}

function onSignal(signal) {
	killGuardedGroups();
	// Only our listener: the signal's default action (termination) must go on.
	if (realProcess.listenerCount(signal) === 1) {
		realProcess.removeListener(signal, onSignal);
		realProcess.kill(realProcess.pid, signal);
	}
}

function installHandlers() {
	if (state.handlersInstalled) return;
	state.handlersInstalled = true;
	realProcess.on('exit', onExit);
	realProcess.on('SIGTERM', onSignal);
	realProcess.on('SIGINT', onSignal);
	// A jest worker whose parent died: stop the servers now rather than after the next poll.
	realProcess.on('disconnect', killGuardedGroups);
}

function register(entry) {
	ensureWatchdog();
	const id = `${entry.kind}-${crypto.randomUUID()}`;
	const file = path.join(state.registry, `${id}.json`);
	fs.writeFileSync(file, JSON.stringify(entry));
	state.entries.set(id, entry);
	return () => {
		state.entries.delete(id);
		fs.rmSync(file, { force: true });
	};
}

/**
 * Registers the process group `pgid` (a child spawned with `detached: true` leads its own).
 * `signal` is what the watchdog sends first (then SIGKILL after `graceMs`); `exitSignal` what
 * the exiting test process sends, as it cannot wait (PostgreSQL: SIGQUIT for both, its
 * immediate shutdown). Returns the function that unregisters it (call it once the group is gone).
 */
/**
 * @param {number} pgid
 * @param {{ label?: string, signal?: string, exitSignal?: string, graceMs?: number }} [opts]
 * @returns {() => void}
 */
function guardGroup(pgid, opts = {}) {
	if (!Number.isInteger(pgid) || pgid <= 1) return () => undefined;
	return register({
		kind: 'group',
		pgid,
		label: opts.label || '',
		signal: opts.signal || 'SIGTERM',
		exitSignal: opts.exitSignal || 'SIGKILL',
		graceMs: opts.graceMs ?? 5000,
	});
}

/** Registers a temp folder the watchdog removes once the groups are stopped. Returns the unregister function. */
/**
 * @param {string} folder
 * @returns {() => void}
 */
function guardPath(folder) {
	return register({ kind: 'path', path: folder });
}

/**
 * Process groups led by children of this process that appeared after `before` (a set of PIDs
 * from childPids()) and whose command line `match`es: what a library (Playwright) spawned
 * detached without telling us its PID.
 */
/** @returns {Set<number>} */
function childPids() {
	return new Set(watchdog.processTable().filter((stat) => stat.ppid === realProcess.pid).map((stat) => stat.pid));
}

/**
 * @param {Set<number>} before
 * @param {(cmdline: string[]) => boolean} match
 * @returns {Array<{ pid: number, cmdline: string[] }>}
 */
function newChildGroups(before, match) {
	const found = [];
	for (const stat of watchdog.processTable()) {
		if (stat.ppid !== realProcess.pid || before.has(stat.pid) || stat.pgrp !== stat.pid) continue;
		let cmdline = [];
		try {
			cmdline = fs.readFileSync(`/proc/${stat.pid}/cmdline`, 'utf8').split('\0');
		} catch {
			continue;
		}
		if (match(cmdline)) found.push({ pid: stat.pid, cmdline });
	}
	return found;
}

module.exports = {
	guardGroup,
	guardPath,
	childPids,
	newChildGroups,
	killGuardedGroups,
	/** The watchdog's PID and registry (for the cleanup test). */
	watchdogInfo: () => ({ pid: state.watchdogPid, registry: state.registry }),
};
