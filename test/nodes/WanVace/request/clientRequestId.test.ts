import {
	VALID_CLIENT_REQUEST_ID,
	buildClientRequestId,
	manualExecutionId,
	nodeHash,
	parseClientRequestId,
	sanitizeIdPart,
} from '../../../../nodes/WanVace/request/clientRequestId';

const parts = { workflowId: 'Ab12Cd34Ef56Gh78', executionId: '4711', nodeName: 'Wan VACE Inpaint', itemIndex: 3, attempt: 1 };

describe('client request id', () => {
	it('is n8n:<workflow>:<execution>:<node hash>:<item>:<try>, and parses back', () => {
		const id = buildClientRequestId(parts);
		expect(id).toBe(`n8n:Ab12Cd34Ef56Gh78:4711:${nodeHash('Wan VACE Inpaint')}:3:1`);
		expect(nodeHash('Wan VACE Inpaint')).toMatch(/^[0-9a-f]{8}$/);
		expect(parseClientRequestId(id)).toEqual({ workflowId: 'Ab12Cd34Ef56Gh78', executionId: '4711', nodeHash: nodeHash('Wan VACE Inpaint'), itemIndex: 3, attempt: 1 });
	});

	it.each([
		['other scripts', 'Видео Ремонт 視頻修復', 'العربية'],
		['spaces and punctuation', 'my workflow / v2 (copy)', 'exec #12?&'],
		['emoji', '🎬🎥 workflow', '🔥'],
		['a colon (the separator)', 'wf:1', 'ex:2'],
		['empty', '', ''],
	])('stays in the header alphabet with %s', (_, workflowId, executionId) => {
		const id = buildClientRequestId({ ...parts, workflowId, executionId, nodeName: `${workflowId} ${executionId} 🎬` });
		expect(id).toMatch(VALID_CLIENT_REQUEST_ID);
		expect(parseClientRequestId(id)).toMatchObject({ itemIndex: 3, attempt: 1 });
	});

	it('stays within 128 characters with very long ids, and long ids that differ stay apart', () => {
		const long = 'w'.repeat(500);
		const a = buildClientRequestId({ ...parts, workflowId: long, executionId: `${'e'.repeat(300)}1`, itemIndex: 1_000_000, attempt: 99 });
		const b = buildClientRequestId({ ...parts, workflowId: long, executionId: `${'e'.repeat(300)}2`, itemIndex: 1_000_000, attempt: 99 });
		expect(a.length).toBeLessThanOrEqual(128);
		expect(a).toMatch(VALID_CLIENT_REQUEST_ID);
		expect(a).not.toBe(b);
		expect(parseClientRequestId(a)).toMatchObject({ itemIndex: 1_000_000, attempt: 99 });
	});

	it('differs by item, try and node, and never carries the node name itself', () => {
		const ids = new Set([
			buildClientRequestId(parts),
			buildClientRequestId({ ...parts, itemIndex: 4 }),
			buildClientRequestId({ ...parts, attempt: 2 }),
			buildClientRequestId({ ...parts, nodeName: 'Wan VACE Inpaint1' }),
		]);
		expect(ids.size).toBe(4);
		expect(buildClientRequestId({ ...parts, nodeName: 'secret-ish name' })).not.toContain('secret');
	});

	it('gives runs without an execution id a unique stand-in', () => {
		const a = manualExecutionId();
		const b = manualExecutionId();
		expect(a).not.toBe(b);
		expect(sanitizeIdPart(a)).toBe(a);
	});

	it('parses only ids this node made', () => {
		expect(parseClientRequestId(null)).toBeUndefined();
		expect(parseClientRequestId('customer-42')).toBeUndefined();
		expect(parseClientRequestId('n8n:wf:ex:XYZ:1:1')).toBeUndefined();
	});
});
