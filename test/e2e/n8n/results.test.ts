import { hasFinalRunData, toExecutionResult } from './results';

const meta = { via: 'server' as const, storageDir: '/nonexistent', durationMs: 0, stdout: '', stderr: '' };

describe('reading an execution record', () => {
	it('waits for run data: n8n 1.x on SQLite writes "success" before the data of the run', () => {
		// What such a record holds between the two writes: the data it was created with.
		const asCreated = { startData: {}, resultData: { runData: {} }, executionData: { nodeExecutionStack: [] } };
		expect(hasFinalRunData(asCreated)).toBe(false);
		expect(hasFinalRunData({})).toBe(false);
		expect(hasFinalRunData(undefined)).toBe(false);
		expect(hasFinalRunData({ resultData: { runData: { Code: [{}] } } })).toBe(true);
		expect(hasFinalRunData({ resultData: { runData: {}, error: { message: 'Workflow could not be started' } } })).toBe(true);
	});

	it('does not call a record without a status a success unless it says it finished', () => {
		expect(toExecutionResult({ data: { resultData: { runData: {} } } }, meta).status).toBe('unknown');
		expect(toExecutionResult({ finished: true, data: { resultData: { runData: {} } } }, meta).status).toBe('success');
		expect(toExecutionResult({ data: { resultData: { error: { message: 'x' } } } }, meta).status).toBe('error');
		expect(toExecutionResult({ status: 'waiting', data: {} }, meta).status).toBe('waiting');
	});
});
