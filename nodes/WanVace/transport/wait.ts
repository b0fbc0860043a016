import { sleep } from 'n8n-workflow';

/** Longest single sleep, so that a cancelled execution is noticed promptly. */
export const SLEEP_SLICE_MS = 250;

export function isCancelled(signal: AbortSignal | undefined): boolean {
	return signal?.aborted === true;
}

/**
 * Sleeps until `untilMs` (epoch ms) in slices of at most SLEEP_SLICE_MS.
 * Returns false as soon as the execution is cancelled, true otherwise.
 */
export async function sleepUntil(untilMs: number, signal: AbortSignal | undefined): Promise<boolean> {
	for (;;) {
		if (isCancelled(signal)) return false;
		const remaining = untilMs - Date.now();
		if (remaining <= 0) return true;
		await sleep(Math.min(remaining, SLEEP_SLICE_MS));
	}
}
