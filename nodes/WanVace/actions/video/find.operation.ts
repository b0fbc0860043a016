import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readUsageLog } from '../../batch/usageLog';
import { MODEL_ID } from '../../descriptions/apiParameters';
import { readRunSettings, runOptionsCollection } from '../../descriptions/runOptions';
import { operationError } from '../../errors';
import { generationsFromRows } from '../../request/logRows';
import { createTransport } from '../../transport';

const displayOptions: IDisplayOptions = { show: { resource: ['video'], operation: ['find'] } };
const show = (conditions: IDataObject): IDisplayOptions => ({ show: conditions as IDisplayOptions['show'] });

/** The longest window the usage log accepts. */
export const MAX_WINDOW_DAYS = 92;

const properties: INodeProperties[] = [
	{
		displayName: 'Window',
		name: 'window',
		type: 'options',
		options: [
			{ name: 'Last Hours', value: 'lastHours' },
			{ name: 'Start and End', value: 'range' },
		],
		default: 'lastHours',
		description: "Which requests of AI/ML API's usage log to look through (at most 92 days)",
	},
	{
		displayName: 'Last Hours',
		name: 'lastHours',
		type: 'number',
		default: 24,
		placeholder: '24',
		typeOptions: { minValue: 1, maxValue: MAX_WINDOW_DAYS * 24, numberPrecision: 0 },
		description: 'How many hours back from now',
		displayOptions: show({ window: ['lastHours'] }),
	},
	{ displayName: 'Start', name: 'start', type: 'dateTime', default: '', required: true, placeholder: '2026-07-01T00:00:00Z', description: 'Window start (UTC unless an offset is given)', displayOptions: show({ window: ['range'] }) },
	{ displayName: 'End', name: 'end', type: 'dateTime', default: '', required: true, placeholder: '2026-07-02T00:00:00Z', description: 'Window end, at most 92 days after Start', displayOptions: show({ window: ['range'] }) },
	{
		displayName: 'Made By',
		name: 'madeBy',
		type: 'options',
		options: [
			{ name: 'Any Request', value: 'any', description: "Every generation of this model with this key, this node's or not" },
			{ name: 'One Workflow', value: 'workflow', description: 'Generations submitted by one workflow (this one unless you change Workflow ID)' },
			{ name: 'One Execution', value: 'execution', description: 'Generations submitted by one execution, e.g. the failed one an Error Trigger names' },
		],
		default: 'execution',
		description: 'Whose generations to list. The last two match on the client request ID this node sends with each submission; rows without one never match.',
	},
	{
		displayName: 'Workflow ID',
		name: 'workflowId',
		type: 'string',
		default: '={{ $workflow.id }}',
		required: true,
		placeholder: 'e.g. Ab12Cd34Ef56Gh78',
		description: 'The workflow whose generations to list: this one by default, or the ID of the workflow to recover (from its URL)',
		displayOptions: show({ madeBy: ['workflow'] }),
	},
	{
		displayName: 'Execution ID',
		name: 'executionId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1234',
		description: "The execution whose generations to list. After an Error Trigger, map the failed execution's ID from its output.",
		displayOptions: show({ madeBy: ['execution'] }),
	},
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: [
			{ name: 'Any', value: 'any' },
			{ name: 'Succeeded', value: 'succeeded' },
			{ name: 'Failed', value: 'failed' },
		],
		default: 'any',
		description: "The request's outcome in the usage log (a failed one cost nothing)",
	},
	runOptionsCollection('find'),
];

export const description = updateDisplayOptions(displayOptions, properties);

function windowQuery(ctx: IExecuteFunctions): IDataObject {
	if (ctx.getNodeParameter('window', 0, 'lastHours') === 'lastHours') {
		const hours = Number(ctx.getNodeParameter('lastHours', 0, 24));
		if (!Number.isInteger(hours) || hours < 1 || hours > MAX_WINDOW_DAYS * 24) {
			throw operationError(ctx.getNode(), `Last Hours must be a whole number from 1 to ${MAX_WINDOW_DAYS * 24}, got ${JSON.stringify(hours)}`, { itemIndex: 0 });
		}
		return { period: `${hours}h` };
	}
	const start = new Date(String(ctx.getNodeParameter('start', 0, '')));
	const end = new Date(String(ctx.getNodeParameter('end', 0, '')));
	if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end < start || end.getTime() - start.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
		throw operationError(ctx.getNode(), `Start and End must be dates, End not before Start, at most ${MAX_WINDOW_DAYS} days apart`, {
			itemIndex: 0,
			description: 'The usage log (GET /v2/logs) accepts windows of up to 92 days.',
		});
	}
	return { start: start.toISOString(), end: end.toISOString() };
}

/** Lists this model's generations from AI/ML API's usage log (GET /v2/logs): one item each, ready for Get. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readRunSettings(this);
	const transport = await createTransport(this);
	const status = this.getNodeParameter('status', 0, 'any') as string;
	const madeBy = this.getNodeParameter('madeBy', 0, 'execution') as string;
	const executionId = madeBy === 'execution' ? String(this.getNodeParameter('executionId', 0, '') ?? '').trim() : undefined;
	if (madeBy === 'execution' && !executionId) {
		throw operationError(this.getNode(), 'Execution ID is empty', { itemIndex: 0, description: 'Enter the execution whose generations to list, or set Made By to One Workflow or Any Request.' });
	}
	const query = { ...windowQuery(this), model: MODEL_ID, ...(status === 'any' ? {} : { status }) };
	const rows = await readUsageLog(this.getNode(), transport, query, { timeoutMs: settings.requestTimeoutMs, signal: this.getExecutionCancelSignal() });
	const workflowId = madeBy === 'workflow' ? String(this.getNodeParameter('workflowId', 0, '') ?? '').trim() || this.getWorkflow().id : undefined;
	const generations = generationsFromRows(rows, { workflowId, executionId });
	return generations.map((json) => ({ json, pairedItem: { item: 0 } }));
}
