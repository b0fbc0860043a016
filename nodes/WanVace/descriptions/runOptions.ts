import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { operationError } from '../errors';

/** How the node talks to the API and waits: not sent to the API. */
export interface RunSettings {
	checkInputs: boolean;
	downloadVideo: boolean;
	binaryPropertyName: string;
	pollIntervalMs: number;
	maxWaitMs: number;
	maxConcurrentRequests: number;
	requestTimeoutMs: number;
	includeMaskInOutput: boolean;
	/** 0: unlimited. */
	maxGenerationsPerRun: number;
	/** USD; 0: unlimited. */
	maxCostPerRun: number;
	estimateOnly: boolean;
}

interface RunSetting {
	property: INodeProperties;
}

/** Valid range of a numeric setting (its minValue/maxValue), enforced at run time too: expressions bypass the UI. */
function rangeOf(property: INodeProperties): [number, number] | undefined {
	const { minValue, maxValue } = property.typeOptions ?? {};
	return property.type === 'number' && minValue !== undefined && maxValue !== undefined ? [minValue, maxValue] : undefined;
}

const RUN_SETTINGS: Record<keyof RunSettings, RunSetting> = {
	checkInputs: {
		property: {
			displayName: 'Check Inputs',
			name: 'checkInputs',
			type: 'boolean',
			default: true,
			description:
				'Whether to check every input before paying for a generation: n8n reads the first bytes of each URL (a ranged GET) and of each file, and refuses unreachable or private links, web pages, the wrong media type and broken files. Turn off for hosts that only AI/ML API can reach.',
		},
	},
	downloadVideo: {
		property: {
			displayName: 'Download Video',
			name: 'downloadVideo',
			type: 'boolean',
			default: false,
			description:
				'Whether to download the finished video into the binary data of the output item (streamed to n8n\'s binary storage), ready for S3, Google Drive, YouTube or an HTTP upload',
		},
	},
	binaryPropertyName: {
		property: {
			displayName: 'Put Video in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			placeholder: 'data',
			description: 'Binary property of the output item that receives the downloaded video (with Download Video)',
		},
	},
	includeMaskInOutput: {
		property: {
			displayName: 'Include Mask in Output',
			name: 'includeMaskInOutput',
			type: 'boolean',
			default: false,
			description:
				'Whether to put the mask the node drew (Mask Source: Regions) on the output item as binary property "mask", to open it beside the result',
		},
	},
	pollIntervalMs: {
		property: {
			displayName: 'Poll Interval (Seconds)',
			name: 'pollIntervalSeconds',
			type: 'number',
			placeholder: '10',
			default: 10,
			typeOptions: { minValue: 0.5, maxValue: 600, numberPrecision: 1 },
			description: 'How often to ask AI/ML API whether a generation has finished',
		},
	},
	maxWaitMs: {
		property: {
			displayName: 'Max Wait (Minutes)',
			name: 'maxWaitMinutes',
			type: 'number',
			placeholder: '30',
			default: 30,
			typeOptions: { minValue: 0.01, maxValue: 720, numberPrecision: 2 },
			description:
				'How long to wait for each generation before giving up (up to 12 hours). A generation that is still running keeps its ID in the error, so it can be fetched later with the Get operation.',
		},
	},
	maxConcurrentRequests: {
		property: {
			displayName: 'Max Concurrent Requests',
			name: 'maxConcurrentRequests',
			type: 'number',
			placeholder: '10',
			default: 10,
			typeOptions: { minValue: 1, maxValue: 100, numberPrecision: 0 },
			description: 'Most HTTP requests in flight at once when processing many items (to AI/ML API, and to input hosts while checking inputs)',
		},
	},
	requestTimeoutMs: {
		property: {
			displayName: 'Request Timeout (Seconds)',
			name: 'requestTimeoutSeconds',
			type: 'number',
			placeholder: '30',
			default: 30,
			typeOptions: { minValue: 1, maxValue: 600, numberPrecision: 0 },
			description:
				'Longest time a single HTTP call (submit, status check) may take. Downloads use it as the idle timeout.',
		},
	},
	maxGenerationsPerRun: {
		property: {
			displayName: 'Max Generations per Run',
			name: 'maxGenerationsPerRun',
			type: 'number',
			placeholder: '0',
			default: 0,
			typeOptions: { minValue: 0, maxValue: 1_000_000, numberPrecision: 0 },
			description:
				'Most generations this node may submit in one execution, Retry On Fail tries included (0: unlimited). Decided before the first submission, in item order: the items past it are not submitted and fail with an error.',
		},
	},
	maxCostPerRun: {
		property: {
			displayName: 'Max Cost per Run (USD)',
			name: 'maxCostPerRun',
			type: 'number',
			placeholder: '0',
			default: 0,
			typeOptions: { minValue: 0, maxValue: 1_000_000, numberPrecision: 2 },
			description:
				"Most USD this node may spend in one execution, by the estimate from AI/ML API's price list, Retry On Fail tries included (0: unlimited). Items that would go past it are not submitted and fail; without an estimate nothing is submitted.",
		},
	},
	estimateOnly: {
		property: {
			displayName: 'Estimate Only',
			name: 'estimateOnly',
			type: 'boolean',
			default: false,
			description:
				"Whether to stop before paying: check the parameters and inputs, price every item from AI/ML API's price list, and output each item's estimate and the run's total, submitting nothing",
		},
	},
};

const SETTINGS_BY_OPERATION: Record<string, Array<keyof RunSettings>> = {
	generate: ['checkInputs', 'downloadVideo', 'binaryPropertyName', 'includeMaskInOutput', 'pollIntervalMs', 'maxWaitMs', 'maxConcurrentRequests', 'requestTimeoutMs', 'maxGenerationsPerRun', 'maxCostPerRun', 'estimateOnly'],
	submit: ['checkInputs', 'includeMaskInOutput', 'maxConcurrentRequests', 'requestTimeoutMs', 'maxGenerationsPerRun', 'maxCostPerRun', 'estimateOnly'],
	find: ['requestTimeoutMs'],
	get: ['downloadVideo', 'binaryPropertyName', 'pollIntervalMs', 'maxWaitMs', 'maxConcurrentRequests', 'requestTimeoutMs'],
};

export const RUN_OPTIONS_NAME = 'runOptions';

export function runOptionsCollection(operation: string): INodeProperties {
	return {
		displayName: 'Run Options',
		name: RUN_OPTIONS_NAME,
		type: 'collection',
		placeholder: 'Add Run Option',
		default: {},
		description: 'How the node waits, downloads and paces its requests. Not sent to the API.',
		options: SETTINGS_BY_OPERATION[operation]
			.map((key) => RUN_SETTINGS[key].property)
			.sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

const MS_PER_UNIT: Partial<Record<keyof RunSettings, number>> = {
	pollIntervalMs: 1000,
	maxWaitMs: 60_000,
	requestTimeoutMs: 1000,
};

/** Reads the Run Options of the first item: they apply to the whole batch. */
export function readRunSettings(ctx: IExecuteFunctions): RunSettings {
	const raw = ctx.getNodeParameter(RUN_OPTIONS_NAME, 0, {}) as IDataObject;
	const settings = {} as Record<keyof RunSettings, unknown>;
	for (const [key, setting] of Object.entries(RUN_SETTINGS) as Array<[keyof RunSettings, RunSetting]>) {
		const { property } = setting;
		const range = rangeOf(property);
		const value = raw[property.name] ?? property.default;
		if (range) {
			const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
			if (typeof number !== 'number' || !Number.isFinite(number) || number < range[0] || number > range[1]) {
				throw operationError(ctx.getNode(), `Run Options > ${property.displayName} must be a number from ${range[0]} to ${range[1]}, got ${JSON.stringify(value)}`, {
					itemIndex: 0,
					description: `Set ${property.displayName} between ${range[0]} and ${range[1]} (default ${String(property.default)}).`,
				});
			}
			settings[key] = key === 'maxConcurrentRequests' || key === 'maxGenerationsPerRun' ? Math.floor(number) : number * (MS_PER_UNIT[key] ?? 1);
		} else if (property.type === 'boolean') {
			settings[key] = value === true || value === 'true';
		} else {
			const text = typeof value === 'string' ? value.trim() : '';
			if (!text) {
				throw operationError(ctx.getNode(), `Run Options > ${property.displayName} is empty`, {
					itemIndex: 0,
					description: `Enter a binary property name such as "${String(property.default)}".`,
				});
			}
			settings[key] = text;
		}
	}
	return settings as unknown as RunSettings;
}
