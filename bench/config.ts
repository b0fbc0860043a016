/** What `npm run bench` measures, and the targets it checks (issue 4). */

export const MiB = 1024 * 1024;

export interface RateLimitSettings {
	/** Share of API calls answered 429. */
	probability: number;
	retryAfterSeconds: number;
	/** Seed of the simulator's fault RNG. */
	seed: number;
	/**
	 * A second, longer generation time to repeat the rate-limited run with: the time lost to
	 * Retry-After is about constant, so its share shrinks as T approaches real generation times.
	 */
	longerGenerationMs?: number;
}

export interface BenchConfig {
	mode: 'full' | 'quick';
	/** The node's Run Options > Poll Interval, for ours and the baselines alike. */
	pollSeconds: number;
	/** T: how long each simulated generation takes. */
	generationMs: number;
	/** N of the head-to-head comparison with the sequential loop (and of the rate-limit run). */
	batchSize: number;
	/** Batch sizes timed for ours; the loop is timed up to batchSize and extrapolated beyond. */
	batchSizes: number[];
	/** Single-item runs whose completion falls at evenly spread points of the poll cycle. */
	latencyPhases: number;
	/** Generation time of the single-item latency runs (before the phase offset). */
	latencyGenerationMs: number;
	downloadSizes: number[];
	rateLimit: RateLimitSettings;
	/** Sequential / ours wall time at batchSize must reach this. */
	speedupTarget: number;
	memoryLimitBytes: number;
	/** Extra completion latency allowed over one poll interval. */
	latencySlackMs: number;
	/** Rate-limited wall time / no-fault wall time must stay at or under this. */
	rateLimitSlowdownLimit: number;
	/** Section 6: n8n in queue mode (PostgreSQL, Redis, main + workers). */
	queue: { jobs: number; generationMs: number; downloadBytes: number };
}

export const FULL: BenchConfig = {
	mode: 'full',
	pollSeconds: 1,
	generationMs: 3000,
	batchSize: 50,
	batchSizes: [1, 10, 50, 200],
	latencyPhases: 10,
	latencyGenerationMs: 2000,
	downloadSizes: [200 * MiB, 1024 * MiB],
	rateLimit: { probability: 0.3, retryAfterSeconds: 1, seed: 1, longerGenerationMs: 15000 },
	speedupTarget: 20,
	memoryLimitBytes: 64 * MiB,
	latencySlackMs: 100,
	rateLimitSlowdownLimit: 2,
	queue: { jobs: 100, generationMs: 10_000, downloadBytes: 200 * MiB },
};

/** A fast smoke run: same measurements, smaller numbers (speedup target scaled to 0.4 × N). */
export const QUICK: BenchConfig = {
	...FULL,
	mode: 'quick',
	pollSeconds: 0.5,
	generationMs: 1000,
	batchSize: 10,
	batchSizes: [1, 10],
	latencyPhases: 4,
	latencyGenerationMs: 1000,
	downloadSizes: [20 * MiB, 100 * MiB],
	rateLimit: { ...FULL.rateLimit, longerGenerationMs: undefined },
	speedupTarget: 4,
	queue: { jobs: 20, generationMs: 2000, downloadBytes: 50 * MiB },
};

/** The node's default Run Options > Max Concurrent Requests. */
export const NODE_DEFAULT_MAX_CONCURRENT_REQUESTS = 10;

export const pollMs = (config: BenchConfig): number => config.pollSeconds * 1000;

/** Target for one batch: about as long as the slowest generation plus one poll. */
export const wallTimeLimitMs = (config: BenchConfig): number => 1.3 * config.generationMs + pollMs(config);

/** Most status checks one generation should need: T / poll interval, plus the first and last. */
export const getsPerGenerationLimit = (config: BenchConfig): number => Math.floor(config.generationMs / pollMs(config)) + 2;

export const latencyLimitMs = (config: BenchConfig): number => pollMs(config) + config.latencySlackMs;
