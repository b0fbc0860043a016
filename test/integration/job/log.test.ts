import { capturedOutput } from '../reliability/log-capture';

import { VIDEO_URL, generateParameters, runAgainst, useSimulator } from '../../harness/fixtures';

/** The log lines that let a user find the generations of an execution that died. */
const simulator = useSimulator({ generationMs: 300 });

const items = ['one', 'two', 'three'].map((prompt) => ({ json: { prompt } }));
const parameters = generateParameters({ prompt: '={{ $json.prompt }}' });
const linesWith = (text: string) => capturedOutput.join('\n').split('\n').filter((line) => line.includes(text));

describe("generation log lines (n8n's logger)", () => {
	it('names every generation created, with its item, execution, workflow and node; never the key or the body', async () => {
		const sim = simulator();
		const result = await runAgainst(sim, { parameters, items });
		expect(sim.generations.size).toBe(3);
		[...sim.generations.values()].forEach((generation) => {
			const [line] = linesWith(`Wan VACE: submitted generation ${generation.id}`);
			const itemIndex = items.findIndex((item) => item.json.prompt === generation.body.prompt);
			expect(line).toMatch(new RegExp(`\\(item ${itemIndex}, execution test-\\d+, workflow "test" \\(wf-test\\), node "Wan VACE Inpaint", client request id n8n:wf-test:test-\\d+:[0-9a-f]{8}:${itemIndex}:1\\)$`));
			expect(line).toContain(`client request id ${generation.clientRequestId}`);
			expect(line).not.toContain(VIDEO_URL);
		});
		expect(result.error).toBeUndefined();
		expect(capturedOutput.join('\n')).not.toContain(sim.apiKey);
	});

	it('says when Retry On Fail reuses a generation instead of submitting it again', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'jobError', times: 1, match: ({ body }) => body?.prompt === 'two' });
		await runAgainst(sim, { parameters, items, retryOnFail: { maxTries: 2 } });
		const reusedIds = [...sim.generations.values()].filter((g) => g.body.prompt !== 'two').map((g) => g.id);
		for (const id of reusedIds) expect(linesWith(`Wan VACE: Retry On Fail reuses generation ${id}`)).toHaveLength(1);
		expect(linesWith('submitted generation').filter((line) => reusedIds.some((id) => line.includes(id)))).toHaveLength(2);
	});
});
