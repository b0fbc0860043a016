import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPairedItemData, NodeExecutionHint } from 'n8n-workflow';

import type { MediaKind } from '../descriptions/apiParameters';
import type { RunSettings } from '../descriptions/runOptions';
import { operationError } from '../errors';
import { toHttpFailure } from '../transport';
import type { MediaFacts } from '../media/facts';
import { type ByteSource, MediaReader, isUnreadable, probeMedia, sniff } from '../media/probe';
import { type BinaryInput, binarySource } from '../request/binaryInput';
import type { GenerationRequest, RequestMedia } from '../request/body';
import { dataUriSource, fetchRange, isFetchFailure, urlSource } from './fetch';
import * as problems from './problems';
import { type ProbedInput, inputWarnings } from './warnings';

/**
 * Before anything is paid for: every input of every item is fetched (its first bytes,
 * with a ranged GET) or decoded (data: URIs, binaries), identified by its magic bytes and
 * probed. Refusals name the field and the fix; what the API may cope with is a warning.
 */

/** First bytes fetched of each input: a fast-start MP4's moov, a WebM's tracks, any image header. */
export const HEAD_BYTES = 64 * 1024;
/** Longest a check of one input may take, whatever Request Timeout says. */
const MAX_CHECK_TIMEOUT_MS = 10_000;

interface Inspected {
	report: IDataObject;
	facts?: MediaFacts;
	warning?: string;
}

export type Inspection = Inspected | { problem: problems.InputProblem };

/** What the input checks found for one item: its output's `inputs` and `inputWarnings`. */
export interface InputReport {
	inputs: IDataObject;
	warnings: string[];
}

/** Runs a fetch within the batch's concurrency limit. */
export type RunLimited = <T>(task: () => Promise<T>) => Promise<T>;

/** Execution hints shown at most; each names the items it applies to. */
const MAX_HINTS = 10;

/** "Item 3", "Items 0, 1, 2", "Items 0, 1, 2, 3, 4 and 45 more". */
function describeItems(indexes: number[]): string {
	if (indexes.length === 1) return `Item ${indexes[0]}`;
	const shown = indexes.slice(0, 5).join(', ');
	return `Items ${shown}${indexes.length > 5 ? ` and ${indexes.length - 5} more` : ''}`;
}

function definedOnly(entries: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined && value !== ''));
}

function declaredKind(contentType: string): MediaKind | undefined {
	if (contentType.startsWith('video/')) return 'video';
	if (contentType.startsWith('image/')) return 'image';
	return undefined;
}

interface Fetched {
	contentType: string;
	bytes?: number;
	head: Buffer;
	source: ByteSource;
	url?: string;
}

export class InputChecks {
	private readonly inspections = new Map<string, Promise<Inspection>>();
	private readonly timeoutMs: number;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly settings: RunSettings,
		private readonly limited: RunLimited,
	) {
		this.timeoutMs = Math.min(settings.requestTimeoutMs, MAX_CHECK_TIMEOUT_MS);
	}

	/** Checks every input of one item; throws the first refusal. Undefined when Check Inputs is off. */
	async check(itemIndex: number, request: GenerationRequest): Promise<InputReport | undefined> {
		if (!this.settings.checkInputs) return undefined;
		const inspections = await Promise.all(request.media.map(async (input) => await this.inspect(input)));
		const probed: ProbedInput[] = [];
		const inputs: IDataObject = {};
		const warnings: string[] = [];
		for (const [index, inspection] of inspections.entries()) {
			const { field, position } = request.media[index];
			if ('problem' in inspection) {
				throw operationError(this.ctx.getNode(), `${field.label} ${inspection.problem.message}`, {
					itemIndex,
					description: inspection.problem.description,
				});
			}
			probed.push({ apiName: field.apiName, label: field.label, facts: inspection.facts });
			if (inspection.warning) warnings.push(`${field.label} ${inspection.warning}`);
			if (position === undefined) inputs[field.apiName] = inspection.report;
			else ((inputs[field.apiName] ??= []) as IDataObject[])[position] = inspection.report;
		}
		warnings.push(...inputWarnings(probed, request.body));
		return { inputs, warnings };
	}

	/** The items' `inputWarnings` as execution hints in the output panel, each naming its items. */
	addWarningHints(items: INodeExecutionData[]): INodeExecutionData[] {
		const itemsByWarning = new Map<string, number[]>();
		for (const item of items) {
			const itemIndex = (item.pairedItem as IPairedItemData | undefined)?.item;
			const warnings = item.json.inputWarnings;
			if (itemIndex === undefined || !Array.isArray(warnings)) continue;
			for (const warning of warnings as string[]) itemsByWarning.set(warning, [...(itemsByWarning.get(warning) ?? []), itemIndex]);
		}
		const many = items.length > 1;
		const hints: NodeExecutionHint[] = [...itemsByWarning].map(([warning, indexes]) => ({
			message: many ? `${describeItems(indexes)}: ${warning}` : warning,
			type: 'warning',
			location: 'outputPane',
		}));
		// n8n versions without execution hints still get the warnings in the items.
		if (hints.length && typeof this.ctx.addExecutionHints === 'function') this.ctx.addExecutionHints(...hints.slice(0, MAX_HINTS));
		return items;
	}

	/** Fetches (once per URL in this run), decodes or streams the head of one input and probes it. */
	async inspect(input: RequestMedia): Promise<Inspection> {
		if (input.binary) return await this.inspectBinary(input.field.kind, input.binary);
		if (/^data:/i.test(input.value)) return await this.inspectDataUri(input.field.kind, input.value);
		const key = `${input.field.kind} ${input.value}`;
		let inspection = this.inspections.get(key);
		if (!inspection) {
			inspection = this.inspectUrl(input.field.kind, input.value);
			this.inspections.set(key, inspection);
		}
		return await inspection;
	}

	private async inspectDataUri(kind: MediaKind, value: string): Promise<Inspection> {
		const { contentType, source } = dataUriSource(value);
		const head = (await source.read(0, HEAD_BYTES)) ?? Buffer.alloc(0);
		return await this.evaluate(kind, { contentType, bytes: source.size, head, source });
	}

	/** A binary property: its header bytes only, read within the batch's concurrency limit. */
	private async inspectBinary(kind: MediaKind, input: BinaryInput): Promise<Inspection> {
		const direct = binarySource(this.ctx, input);
		const source: ByteSource = {
			size: direct.size,
			read: async (offset, length) => await this.limited(async () => await direct.read(offset, length)),
		};
		const head = (await source.read(0, HEAD_BYTES)) ?? Buffer.alloc(0);
		return await this.evaluate(kind, { contentType: input.mimeType, bytes: input.bytes, head, source });
	}

	private async inspectUrl(kind: MediaKind, url: string): Promise<Inspection> {
		const first = await this.limited(async () => await fetchRange(this.ctx, url, 0, HEAD_BYTES, this.timeoutMs));
		if (isFetchFailure(first)) {
			if (first.timedOut) return { problem: problems.timedOut(this.timeoutMs) };
			const failure = toHttpFailure(first.error);
			if (failure.status !== undefined) return { problem: problems.httpStatus(failure.status) };
			const detail = failure.cancelled ? 'the execution was cancelled' : first.error instanceof Error ? first.error.message : undefined;
			return { problem: problems.unreachable(failure, detail) };
		}
		if (first.status >= 300) return { problem: problems.httpStatus(first.status) };
		const direct = urlSource(this.ctx, url, first, this.timeoutMs);
		const source: ByteSource = {
			size: direct.size,
			read: async (offset, length) => {
				try {
					return await this.limited(async () => await direct.read(offset, length));
				} catch {
					// The first bytes came: a later read failing leaves the figures unknown, it refuses nothing.
					return undefined;
				}
			},
		};
		return await this.evaluate(kind, { contentType: first.contentType, bytes: first.totalBytes, head: first.bytes, source, url });
	}

	private async evaluate(kind: MediaKind, fetched: Fetched): Promise<Inspection> {
		const { contentType, head } = fetched;
		if (fetched.bytes === 0 || head.length === 0) return { problem: problems.emptyFile() };
		const sniffed = sniff(head);
		const declared = declaredKind(contentType);
		if (sniffed.kind === 'page' || (contentType === 'text/html' && sniffed.kind !== 'video' && sniffed.kind !== 'image')) {
			return { problem: problems.webPage(fetched.url) };
		}
		if (sniffed.kind === 'text') return { problem: problems.textDocument(sniffed.excerpt, contentType) };
		const base = { contentType: contentType || undefined, bytes: fetched.bytes };
		if (sniffed.kind === 'unknown') {
			if (declared === kind) return { report: definedOnly({ ...base, container: 'unknown' }) };
			if (declared) return { problem: problems.wrongKind(kind, `${declared === 'video' ? 'a video' : 'an image'} (the server calls it ${contentType})`) };
			return { problem: problems.unknownFormat(kind, contentType) };
		}
		const facts = await probeMedia(new MediaReader(fetched.source, head), sniffed);
		if (isUnreadable(facts)) {
			if (sniffed.kind !== kind) return { problem: problems.wrongKind(kind, `${sniffed.kind === 'video' ? 'a video' : 'an image'} (${sniffed.container.toUpperCase()})`) };
			return { problem: problems.unreadable(sniffed.container, facts.unreadable) };
		}
		if (facts.kind !== kind) {
			return { problem: problems.wrongKind(kind, problems.describeFacts(facts), declared === kind ? contentType : undefined) };
		}
		const warning =
			declared && declared !== kind
				? `is ${problems.describeFacts(facts)}, but its server calls it ${contentType}: AI/ML API may go by that type. Fix the file's Content-Type at its host.`
				: undefined;
		return { report: definedOnly({ ...base, ...facts, kind: undefined }), facts, ...(warning ? { warning } : {}) };
	}
}
