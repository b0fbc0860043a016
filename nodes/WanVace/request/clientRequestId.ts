import { createHash, randomUUID } from 'node:crypto';

/**
 * The X-Client-Request-Id sent with every submission, so that each generation at AI/ML API
 * names the workflow, execution, node, item and Retry On Fail try that made it (and the usage
 * log, GET /v2/logs, lists it):
 *
 *   n8n:<workflow id>:<execution id>:<node hash>:<item index>:<try>
 *
 * The API accepts 1-128 characters from A-Z a-z 0-9 . _ : - and silently drops anything else
 * (the request still runs and is billed), so every part is sanitised here: characters outside
 * the alphabet (and the separator ':') become '_', a part over 40 characters keeps its first
 * 31 and a hash of the whole. The node is named by the first 8 hex digits of the SHA-256 of its
 * name (names may hold any character). Nothing secret goes in.
 */
export const CLIENT_REQUEST_ID_HEADER = 'X-Client-Request-Id';
export const CLIENT_REQUEST_ID_PREFIX = 'n8n';
export const VALID_CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Stands for the execution id of a run that has none (a manual run outside an execution). */
export const MANUAL_EXECUTION_PREFIX = 'manual-';

const MAX_PART_LENGTH = 40;

function hashHex(text: string, length: number): string {
	return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** One part of the id: only the header's alphabet, no ':', at most 40 characters. */
export function sanitizeIdPart(value: string | undefined): string {
	const text = (value ?? '').trim();
	const safe = text.replace(/[^A-Za-z0-9._-]/g, '_');
	if (safe.length === 0) return '_';
	if (safe.length <= MAX_PART_LENGTH) return safe;
	return `${safe.slice(0, MAX_PART_LENGTH - 9)}.${hashHex(text, 8)}`;
}

export function nodeHash(nodeName: string): string {
	return hashHex(nodeName, 8);
}

/** A stand-in execution id for a run without one: unique, so its generations stay apart. */
export function manualExecutionId(): string {
	return `${MANUAL_EXECUTION_PREFIX}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

export interface ClientRequestIdParts {
	workflowId: string | undefined;
	executionId: string | undefined;
	nodeName: string;
	itemIndex: number;
	/** Retry On Fail try, from 1. */
	attempt: number;
}

export function buildClientRequestId(parts: ClientRequestIdParts): string {
	const id = [
		CLIENT_REQUEST_ID_PREFIX,
		sanitizeIdPart(parts.workflowId),
		sanitizeIdPart(parts.executionId),
		nodeHash(parts.nodeName),
		String(Math.max(0, Math.floor(parts.itemIndex))),
		String(Math.max(1, Math.floor(parts.attempt))),
	].join(':');
	// Every part is bounded (4 + 40 + 40 + 8 + digits), so this is a guard, not a cut that matters.
	return id.slice(0, 128);
}

export interface ParsedClientRequestId {
	workflowId: string;
	executionId: string;
	nodeHash: string;
	itemIndex: number;
	attempt: number;
}

/** The parts of an id this node made; undefined for any other (or none). */
export function parseClientRequestId(id: unknown): ParsedClientRequestId | undefined {
	if (typeof id !== 'string' || !VALID_CLIENT_REQUEST_ID.test(id)) return undefined;
	const match = /^n8n:([A-Za-z0-9._-]+):([A-Za-z0-9._-]+):([0-9a-f]{8}):(\d+):(\d+)$/.exec(id);
	if (!match) return undefined;
	return { workflowId: match[1], executionId: match[2], nodeHash: match[3], itemIndex: Number(match[4]), attempt: Number(match[5]) };
}
