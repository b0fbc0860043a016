import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MODEL_ID } from '../descriptions/apiParameters';
import { errorItemJson } from '../errors';
import { type JobTrace, costJson, costOfAnswer } from './cost';
import { type GenerationResponse, statusKind } from './response';
import { type GenerationJob, generationIdOf, responseOf } from './state';

function definedOnly(entries: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

/** The JSON of a successful output item: the API's result flattened, plus what was sent. */
export function generationJson(
	generationId: string,
	response: GenerationResponse | undefined,
	settings: IDataObject | undefined,
	trace?: JobTrace,
): IDataObject {
	const video = response?.video ?? undefined;
	const stated = trace?.finalCost === undefined && response && statusKind(response.status) === 'completed' ? costOfAnswer({}, response) : undefined;
	const cost = costJson(stated ? { ...trace, finalCost: stated } : trace);
	return definedOnly({
		generationId,
		status: response?.status,
		videoUrl: video?.url ?? null,
		fileName: video?.file_name,
		contentType: video?.content_type,
		fileSize: video?.file_size,
		duration: video?.duration ?? response?.duration ?? undefined,
		creditsUsed: (cost.credits as number | null) ?? undefined,
		clientRequestId: trace?.clientRequestId ?? null,
		inferenceId: trace?.inferenceId ?? null,
		cost,
		model: MODEL_ID,
		seed: settings?.seed,
		video: (video as IDataObject | undefined) ?? null,
		meta: (response?.meta as IDataObject | undefined) ?? null,
		settings,
	});
}

/** Binary property of the output item that holds the mask drawn from regions (Include Mask in Output). */
export const MASK_BINARY_PROPERTY = 'mask';

export function outputItem(itemIndex: number, json: IDataObject, binary?: Record<string, IBinaryData>): INodeExecutionData {
	return {
		json,
		...(binary && Object.keys(binary).length > 0 ? { binary } : {}),
		pairedItem: { item: itemIndex },
	};
}

/** A job's output item: its result (with the video and the drawn mask as binaries), or its error. */
export function jobOutputItem(job: GenerationJob, videoProperty: string): INodeExecutionData {
	const { state } = job;
	const generationId = generationIdOf(state);
	const response = responseOf(state);
	if (state.phase === 'failed') {
		return outputItem(
			job.itemIndex,
			errorItemJson(state.error, {
				...(generationId ? { generationId } : {}),
				...(job.trace?.clientRequestId ? { clientRequestId: job.trace.clientRequestId } : {}),
				...(response?.status ? { status: response.status } : {}),
				...(response?.video?.url ? { videoUrl: response.video.url } : {}),
			}),
		);
	}
	const json = generationJson(generationId as string, response, job.request?.settings, job.trace);
	if (job.inputReport) json.inputs = job.inputReport.inputs;
	if (job.inputReport?.warnings.length) json.inputWarnings = job.inputReport.warnings;
	const video = state.phase === 'done' ? state.binary : undefined;
	const mask = job.request?.drawnMask?.binary;
	return outputItem(job.itemIndex, json, {
		...(mask ? { [MASK_BINARY_PROPERTY]: mask } : {}),
		...(video ? { [videoProperty]: video } : {}),
	});
}
