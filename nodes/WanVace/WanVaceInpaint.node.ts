import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import * as video from './actions/video';

export class WanVaceInpaint implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Wan VACE Inpaint',
		name: 'wanVaceInpaint',
		icon: { light: 'file:wanVace.svg', dark: 'file:wanVace.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			"Repaint the masked area of a video from a text prompt with AI/ML API's Wan 2.2 VACE Fun Inpainting model",
		defaults: { name: 'Wan VACE Inpaint' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'aimlApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Video', value: 'video' }],
				default: 'video',
			},
			...video.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
