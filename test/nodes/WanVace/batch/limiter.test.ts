import { Limiter } from '../../../../nodes/WanVace/batch/limiter';
import { setImmediate } from '../../../support/node';

/** Lets every pending promise callback run. */
const flush = async () => await new Promise<void>((resolve) => setImmediate(resolve));

describe('Limiter', () => {
	it('runs at most `limit` tasks at once, the others in the order they asked', async () => {
		const limiter = new Limiter(2);
		let running = 0;
		let most = 0;
		const started: number[] = [];
		const releases: Array<() => void> = [];
		const tasks = [0, 1, 2, 3, 4].map((index) =>
			limiter.run(async () => {
				started.push(index);
				running++;
				most = Math.max(most, running);
				await new Promise<void>((resolve) => releases.push(resolve));
				running--;
				return index;
			}),
		);
		await flush();
		expect(started).toEqual([0, 1]);
		expect(limiter.free).toBe(0);
		// Each finishing task lets exactly one waiting task start.
		for (let finished = 0; finished < 5; finished++) {
			releases.shift()?.();
			await flush();
			expect(running).toBe(Math.min(2, 4 - finished));
		}
		expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
		expect(started).toEqual([0, 1, 2, 3, 4]);
		expect(most).toBe(2);
		expect(limiter.free).toBe(2);
	});

	it('frees the slot of a task that throws', async () => {
		const limiter = new Limiter(1);
		await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		expect(limiter.free).toBe(1);
		expect(await limiter.run(async () => 'next')).toBe('next');
	});
});
