/** Simulated generation jobs: their timeline and the poll responses they produce. */
import { clearTimeout, crypto, setTimeout } from '../support/node';

import { USD_PER_SECOND } from './catalogue';
import { FILES_PREFIX, LARGE_FILES_PREFIX, MODEL_ID } from './constants';
import { MP4_CONTENT_TYPE, SAMPLE_VIDEO_DURATION_SECONDS, sampleVideoBytes } from './media';
import type { GenerationRecord, JsonObject } from './types';

export type Phase = 'queued' | 'generating' | 'finished';

export function phaseAt(record: GenerationRecord, now: number): Phase {
	if (now >= record.completeAt) return 'finished';
	return now >= record.generatingAt ? 'generating' : 'queued';
}

/**
 * The status a running job reports. Legacy naming (older API examples) splits the
 * generating time into halves: 'active', then 'processing'.
 */
export function runningStatus(record: GenerationRecord, now: number, legacyStatuses: boolean): string {
	if (phaseAt(record, now) === 'queued') return legacyStatuses ? 'waiting' : 'queued';
	if (!legacyStatuses) return 'generating';
	const halfway = (record.generatingAt + record.completeAt) / 2;
	return now < halfway ? 'active' : 'processing';
}

/** Whether the result file is the checked-in fixture rather than a generated one. */
export function servesFixture(record: GenerationRecord): boolean {
	return record.videoSizeBytes === sampleVideoBytes().length;
}

export function resultFilePath(record: GenerationRecord): string {
	return `${servesFixture(record) ? FILES_PREFIX : LARGE_FILES_PREFIX}${record.fileId}.mp4`;
}

/**
 * Deterministic price, the catalogue's (catalogue.ts): USD per second of output by resolution,
 * seconds = frames / fps (81 and 16 unless set). At 480p and 16 fps: 2100 credits per frame.
 */
export function creditsUsed(body: JsonObject): number {
	const frames = typeof body.num_frames === 'number' ? body.num_frames : 81;
	const fps = typeof body.frames_per_second === 'number' ? body.frames_per_second : 16;
	const rate = USD_PER_SECOND[typeof body.resolution === 'string' ? body.resolution : '480p'] ?? USD_PER_SECOND['480p'];
	return Math.round((frames / fps) * rate * CREDITS_PER_USD);
}

/** AI/ML API's rate: 2,000,000 credits per USD (its logs: 500000 credits = 0.25 USD). */
export const CREDITS_PER_USD = 2_000_000;

export function usdOf(credits: number): number {
	return Math.round((credits / CREDITS_PER_USD) * 1e8) / 1e8;
}

/** What a generation is charged once completed (failed ones cost nothing). */
export function chargedCredits(record: GenerationRecord): number {
	return record.outcome === 'success' || record.outcome === 'completedNoVideo' ? creditsUsed(record.body) : 0;
}

function mergeOverride(response: JsonObject, override: unknown): JsonObject {
	return typeof override === 'object' && override !== null && !Array.isArray(override)
		? { ...response, ...(override as JsonObject) }
		: response;
}

/** The poll body of a finished job, shaped by its outcome. fileBaseUrl: origin for video.url. */
export function terminalResponse(record: GenerationRecord, fileBaseUrl: string): JsonObject {
	const credits = creditsUsed(record.body);
	const usage = { usage: { credits_used: credits, usd_spent: usdOf(credits) } };
	const override = record.outcomeFault?.body;
	switch (record.outcome) {
		case 'jobError':
			return mergeOverride(
				{
					id: record.id,
					status: 'error',
					video: null,
					error: {
						name: 'ModelError',
						message: 'The model failed to generate the video: inference worker crashed',
					},
					meta: null,
				},
				override,
			);
		case 'jobErrorDetail':
			return mergeOverride(
				{
					id: record.id,
					status: 'error',
					video: null,
					error: {
						detail: [
							{
								loc: ['body', 'video_url'],
								msg: 'Could not read the input video: unsupported codec or corrupt file',
								type: 'value_error',
							},
						],
					},
					meta: null,
				},
				override,
			);
		case 'completedNoVideo':
			return mergeOverride(
				{
					id: record.id,
					status: 'completed',
					video: null,
					error: {
						name: 'ContentPolicyViolation',
						message: 'Output video was blocked by the safety checker',
					},
					meta: usage,
				},
				override,
			);
		default:
			return {
				id: record.id,
				status: 'completed',
				video: {
					url: `${fileBaseUrl}${resultFilePath(record)}`,
					content_type: MP4_CONTENT_TYPE,
					file_name: `${record.fileId}.mp4`,
					file_size: record.videoSizeBytes,
					duration: SAMPLE_VIDEO_DURATION_SECONDS,
				},
				error: null,
				meta: usage,
			};
	}
}

export function runningResponse(record: GenerationRecord, now: number, legacyStatuses: boolean): JsonObject {
	return {
		id: record.id,
		status: runningStatus(record, now, legacyStatuses),
		video: null,
		error: null,
		meta: null,
	};
}

export interface NewGeneration {
	body: JsonObject;
	durationMs: number;
	queuedFraction: number;
	videoSizeBytes: number;
	now: number;
	clientRequestId: string | null;
}

export class GenerationStore {
	readonly records = new Map<string, GenerationRecord>();
	private readonly byFileId = new Map<string, GenerationRecord>();
	private readonly completionTimers = new Map<string, ReturnType<typeof setTimeout>>();

	/** onCompleted fires when a job's completeAt arrives, polled or not. */
	constructor(private readonly onCompleted: (id: string, atMs: number) => void) {}

	create({ body, durationMs, queuedFraction, videoSizeBytes, now, clientRequestId }: NewGeneration): GenerationRecord {
		const fileId = crypto.randomUUID();
		const duration = Math.max(0, durationMs);
		const record: GenerationRecord = {
			id: `${fileId}:${MODEL_ID}`,
			fileId,
			body,
			createdAt: now,
			generatingAt: now + Math.round(duration * Math.min(1, Math.max(0, queuedFraction))),
			completeAt: now + Math.round(duration),
			outcome: 'pending',
			videoSizeBytes,
			clientRequestId,
		};
		this.records.set(record.id, record);
		this.byFileId.set(fileId, record);
		const timer = setTimeout(() => {
			this.completionTimers.delete(record.id);
			this.onCompleted(record.id, record.completeAt);
		}, record.completeAt - now);
		timer.unref();
		this.completionTimers.set(record.id, timer);
		return record;
	}

	get(id: string): GenerationRecord | undefined {
		return this.records.get(id);
	}

	getByFileId(fileId: string): GenerationRecord | undefined {
		return this.byFileId.get(fileId);
	}

	clear(): void {
		for (const timer of this.completionTimers.values()) clearTimeout(timer);
		this.completionTimers.clear();
		this.records.clear();
		this.byFileId.clear();
	}
}
