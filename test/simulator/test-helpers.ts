/** Helpers for the simulator's own tests: real HTTP on 127.0.0.1. */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';

import { delay, http } from '../support/node';
import { MODEL_ID, type Simulator } from './index';

export const GENERATIONS = '/v2/video/generations';

export function minimalBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		model: MODEL_ID,
		prompt: 'A red fox walks through fresh snow',
		video_url: 'https://example.com/input.mp4',
		...overrides,
	};
}

/** Every parameter of the current schema, plus the four seed-era ones it dropped. */
export function fullBody(): Record<string, unknown> {
	return {
		...minimalBody(),
		mask_video_url: 'https://example.com/mask.mp4',
		negative_prompt: 'blurry',
		match_input_num_frames: false,
		num_frames: 241,
		match_input_frames_per_second: false,
		frames_per_second: 30,
		resolution: '720p',
		aspect_ratio: '9:16',
		num_inference_steps: 40,
		guidance_scale: 6.5,
		shift: 4.5,
		image_list: ['https://example.com/a.png', 'https://example.com/b.png'],
		enable_safety_checker: true,
		enable_prompt_expansion: false,
		preprocess: true,
		acceleration: 'none',
		video_quality: 'maximum',
		video_write_mode: 'small',
		num_interpolated_frames: 1,
		temporal_downsample_factor: 2,
		enable_auto_downsample: true,
		auto_downsample_min_fps: 12.5,
		interpolator_model: 'rife',
		sync_mode: true,
		seed: 42,
		mask_image_url: 'https://example.com/mask.png',
		image_url: 'https://example.com/first.png',
		last_image_url: 'data:image/png;base64,iVBORw0KGgo=',
	};
}

/** axios against the simulator: never throws on a status, never follows redirects, no proxy. */
export function client(sim: Pick<Simulator, 'baseUrl' | 'apiKey'>, withKey = true): AxiosInstance {
	return axios.create({
		baseURL: sim.baseUrl,
		validateStatus: () => true,
		maxRedirects: 0,
		proxy: false,
		headers: withKey ? { Authorization: `Bearer ${sim.apiKey}` } : {},
	});
}

export async function submit(
	sim: Simulator,
	body: Record<string, unknown> = minimalBody(),
): Promise<AxiosResponse> {
	return await client(sim).post(GENERATIONS, body);
}

export async function poll(sim: Simulator, id: string): Promise<AxiosResponse> {
	return await client(sim).get(`${GENERATIONS}?generation_id=${encodeURIComponent(id)}`);
}

export async function submitId(sim: Simulator, body?: Record<string, unknown>): Promise<string> {
	const response = await submit(sim, body);
	if (response.status !== 201 && response.status !== 200) {
		throw new Error(`Submit failed: ${response.status} ${JSON.stringify(response.data)}`);
	}
	return (response.data as { id: string }).id;
}

/** Polls every intervalMs until the status is no longer a running one. */
export async function pollUntilDone(
	sim: Simulator,
	id: string,
	intervalMs = 20,
	timeoutMs = 5000,
): Promise<AxiosResponse> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const response = await poll(sim, id);
		const status = (response.data as { status?: string } | undefined)?.status;
		if (
			response.status !== 200 ||
			(status !== undefined && !['queued', 'generating', 'waiting', 'active', 'processing'].includes(status))
		) {
			return response;
		}
		if (Date.now() > deadline) throw new Error(`Generation ${id} still ${status} after ${timeoutMs} ms`);
		await delay(intervalMs);
	}
}

export interface RawResult {
	status?: number;
	headers?: Record<string, string | string[] | undefined>;
	body: Buffer;
	/** The error that ended the exchange (reset, refused, cut), if any. */
	error?: NodeJS.ErrnoException;
	/** The response ended before Content-Length bytes arrived. */
	aborted: boolean;
}

/**
 * One request on a fresh connection, reporting whatever happened instead of throwing:
 * for resets, cuts and refused connections.
 */
export function rawRequest(
	url: string,
	options: {
		method?: string;
		headers?: Record<string, string>;
		body?: string | Buffer;
		timeoutMs?: number;
	} = {},
): Promise<RawResult> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let result: Omit<RawResult, 'body' | 'aborted'> = {};
		let aborted = false;
		let settled = false;
		const finish = (error?: NodeJS.ErrnoException): void => {
			if (settled) return;
			settled = true;
			resolve({ ...result, body: Buffer.concat(chunks), error: error ?? result.error, aborted });
		};
		const request = http.request(
			url,
			{ method: options.method ?? 'GET', headers: options.headers, agent: false },
			(response) => {
				result = { status: response.statusCode, headers: response.headers };
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('aborted', () => (aborted = true));
				response.on('error', (error: NodeJS.ErrnoException) => {
					aborted = true;
					finish(error);
				});
				response.on('end', () => finish());
				response.on('close', () => {
					if (!response.complete) aborted = true;
					finish();
				});
			},
		);
		request.on('error', (error: NodeJS.ErrnoException) => finish(error));
		if (options.timeoutMs) {
			request.setTimeout(options.timeoutMs, () =>
				request.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })),
			);
		}
		request.end(options.body);
	});
}

export function authHeaders(sim: Simulator): Record<string, string> {
	return { Authorization: `Bearer ${sim.apiKey}`, 'Content-Type': 'application/json' };
}
