import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { runOptionsCollection } from '../../descriptions/runOptions';
import { GenerationBatch } from '../../batch/scheduler';
import { validateGenerationId } from '../../request/generationId';

const displayOptions: IDisplayOptions = { show: { resource: ['video'], operation: ['get'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Generation ID',
		name: 'generationId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 3f1c2b6e-...:alibaba/wan2.2-vace-fun-a14b-inpainting',
		description: 'The generationId returned by the Submit or Generate operation',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description:
			'Whether to keep polling until the generation has finished (as Generate does). Off: return the current status at once.',
	},
	runOptionsCollection('get'),
];

export const description = updateDisplayOptions(displayOptions, properties);

/** Looks generations up by ID: their status, and the result when complete. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const batch = await GenerationBatch.start(this);
	await batch.prepare(async (itemIndex) => ({
		generationId: validateGenerationId(this, itemIndex, this.getNodeParameter('generationId', itemIndex)),
	}));
	const wait = this.getNodeParameter('waitForCompletion', 0, false) === true;
	await batch.run(wait ? 'untilFinished' : 'lookUpOnce');
	return batch.outputItems();
}
