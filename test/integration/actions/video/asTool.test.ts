import { SupplyDataContext } from 'n8n-core';

import { generateParameters, runAgainst, useSimulator } from '../../../harness/fixtures';

/**
 * The node as an AI agent's tool (`usableAsTool`): n8n-core's tool wrapper calls its
 * execute() with a tool context (isToolExecution() is true), and the agent receives JSON
 * only, so Download Video is skipped and no binary is made.
 */
const simulator = useSimulator();

const toolParameters = generateParameters({
	prompt: "={{ $fromAI('prompt', 'What to paint into the masked area', 'string') }}",
	runOptions: { downloadVideo: true },
});

describe('Wan VACE Inpaint as an AI agent tool', () => {
	it('generates from the arguments the agent passes and answers with the result as JSON, without downloading', async () => {
		const sim = simulator();

		const result = await runAgainst(sim, { parameters: toolParameters, asTool: { args: { prompt: 'a paper boat on the river' } } });

		expect(result.error).toBeUndefined();
		const answer = JSON.parse(String(result.items[0]?.json.answer)) as Array<Record<string, unknown>>;
		expect(answer).toHaveLength(1);
		const [generation] = sim.generations.values();
		expect(generation.body.prompt).toBe('a paper boat on the river');
		expect(answer[0]).toMatchObject({ generationId: generation.id, status: 'completed', videoUrl: expect.stringContaining(sim.baseUrl) });
		expect(sim.counters()).toMatchObject({ posts: 1, downloads: 0 });
		const toolOutput = result.toolRuns?.[0]?.data?.ai_tool?.[0] ?? [];
		expect(toolOutput).toHaveLength(1);
		expect(toolOutput[0].binary).toBeUndefined();
	});

	it('a failed generation reaches the agent as an error that carries the generation ID', async () => {
		const sim = simulator();
		sim.addFault({ route: 'poll', kind: 'jobError' });

		const result = await runAgainst(sim, { parameters: toolParameters, asTool: { args: { prompt: 'a paper boat on the river' } } });

		const [generation] = sim.generations.values();
		expect(result.error?.message).toContain(`Generation ${generation.id} failed`);
		expect(result.error?.message).not.toContain(sim.apiKey);
	});
});

/**
 * n8n 1.x runs the tool through the same wrapper (createNodeAsTool), but its tool context has
 * no isToolExecution(). Removing the method from n8n-core's SupplyDataContext for these tests
 * gives the node exactly the context 1.x gives it (checked in n8n-core 1.122's
 * supply-data-context.js): the node must still recognise the tool run.
 */
describe('Wan VACE Inpaint as an AI agent tool on n8n 1.x (no isToolExecution)', () => {
	const prototype = SupplyDataContext.prototype as { isToolExecution?: () => boolean };
	const isToolExecution = prototype.isToolExecution;

	beforeAll(() => {
		delete prototype.isToolExecution;
	});
	afterAll(() => {
		prototype.isToolExecution = isToolExecution;
	});

	it('still answers with JSON only, without downloading', async () => {
		const sim = simulator();
		expect(typeof prototype.isToolExecution).toBe('undefined');

		const result = await runAgainst(sim, { parameters: toolParameters, asTool: { args: { prompt: 'a paper boat on the river' } } });

		expect(result.error).toBeUndefined();
		const answer = JSON.parse(String(result.items[0]?.json.answer)) as Array<Record<string, unknown>>;
		const [generation] = sim.generations.values();
		expect(answer[0]).toMatchObject({ generationId: generation.id, status: 'completed' });
		expect(sim.counters()).toMatchObject({ posts: 1, downloads: 0 });
		expect(result.toolRuns?.[0]?.data?.ai_tool?.[0]?.[0]?.binary).toBeUndefined();
	});

	it('a main-input run still downloads the video', async () => {
		const sim = simulator();

		const result = await runAgainst(sim, { parameters: generateParameters({ runOptions: { downloadVideo: true } }) });

		expect(result.error).toBeUndefined();
		expect(sim.counters()).toMatchObject({ posts: 1, downloads: 1 });
		expect(result.items[0]?.binary?.data).toBeDefined();
	});
});
