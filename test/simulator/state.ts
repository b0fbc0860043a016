/** Everything a running simulator remembers, shared by the API and control routes. */
import { clearTimeout, events, setTimeout } from '../support/node';

import { FaultEngine } from './faults';
import { GenerationStore } from './generations';
import { resetLogsRate } from './usageLog';
import type { InputLogEntry } from './inputHost';
import type { RequestLogEntry, ResolvedSimulatorOptions, SimulatorCounters } from './types';

type Timer = ReturnType<typeof setTimeout>;

function emptyCounters(): SimulatorCounters {
	return { posts: 0, acceptedPosts: 0, gets: 0, getsByGeneration: {}, downloads: 0, billing: 0, catalogue: 0, logs: 0 };
}

export class SimulatorState {
	readonly faults: FaultEngine;
	readonly generations: GenerationStore;
	readonly log: RequestLogEntry[] = [];
	/** Requests to the input hosts under /inputs/. */
	readonly inputLog: InputLogEntry[] = [];
	readonly events = new events.EventEmitter();
	counters: SimulatorCounters = emptyCounters();
	/** The port actually listened on (options.port may be 0). */
	port = 0;
	private readonly timers = new Set<Timer>();

	constructor(readonly options: ResolvedSimulatorOptions) {
		this.faults = new FaultEngine(options.seed);
		this.generations = new GenerationStore((id, atMs) => this.events.emit('completed', id, atMs));
	}

	get baseUrl(): string {
		const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
		return `http://${host}:${this.port}`;
	}

	/** A timer that close() cancels; it does not keep the process alive. */
	schedule(ms: number, callback: () => void): () => void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			callback();
		}, ms);
		timer.unref();
		this.timers.add(timer);
		return () => {
			clearTimeout(timer);
			this.timers.delete(timer);
		};
	}

	/** Clears the log, counters, faults and generations, and reseeds the fault RNG. */
	reset(): void {
		this.log.length = 0;
		this.inputLog.length = 0;
		this.counters = emptyCounters();
		this.faults.clear();
		this.faults.reseed(this.options.seed);
		resetLogsRate(this);
		this.generations.clear();
	}

	dispose(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.generations.clear();
		this.events.removeAllListeners();
	}
}
