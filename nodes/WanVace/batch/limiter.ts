/**
 * The batch's one concurrency limit (Max Concurrent Requests): input checks, submissions,
 * status checks and downloads all take a slot from it. A finishing task hands its slot to
 * the next waiting one.
 */
export class Limiter {
	private active = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(readonly limit: number) {}

	/** Slots not taken right now. */
	get free(): number {
		return Math.max(0, this.limit - this.active);
	}

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
		else this.active++;
		try {
			return await task();
		} finally {
			const next = this.waiting.shift();
			if (next) next();
			else this.active--;
		}
	}
}
