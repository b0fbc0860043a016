import type { INodeProperties } from 'n8n-workflow';

import * as find from './find.operation';
import * as generate from './generate.operation';
import * as get from './get.operation';
import * as submit from './submit.operation';

export { find, generate, get, submit };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Find Generations',
				value: 'find',
				action: 'Find generations',
				description: "List this model's generations from AI/ML API's usage log, e.g. those of an execution that died, ready for Get",
			},
			{
				name: 'Generate',
				value: 'generate',
				action: 'Generate an inpainted video',
				description: 'Submit the video, mask and prompt, wait for the result and output it',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a generation',
				description: 'Look up a generation by ID: its status, and its video once complete',
			},
			{
				name: 'Submit',
				value: 'submit',
				action: 'Submit a generation',
				description: 'Start a generation and return its ID at once, for long jobs driven by a Wait node',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...submit.description,
	...get.description,
	...find.description,
];
