/**
 * Runs `task` for every entry with at most `limit` tasks in flight. Stops starting new
 * tasks once `shouldStop()` returns true; tasks already running are awaited.
 */
export async function forEachWithConcurrency<T>(
	entries: readonly T[],
	limit: number,
	task: (entry: T) => Promise<void>,
	shouldStop: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < entries.length && !shouldStop()) {
			const entry = entries[next++];
			await task(entry);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(limit, entries.length)) }, worker);
	await Promise.all(workers);
}
