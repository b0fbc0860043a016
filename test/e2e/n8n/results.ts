/** Reading what n8n ran: CLI output, the REST API's flatted data, run data into results. */
import { path } from '../../support/node';
import { isRecord, stripAnsi } from './process';
import type { BinaryRef, ExecutionErrorInfo, ExecutionResult, NodeRunResult, ResultItem } from './types';

/**
 * Finds the execution JSON in `n8n execute` output: after the log lines n8n prints the
 * IRun as indented JSON (on success after "Execution was successful:", on failure through
 * the logger at info level), starting with a line "{" and ending with a line "}".
 */
export function parseCliRun(stdout: string): Record<string, unknown> | undefined {
	const lines = stripAnsi(stdout).split('\n');
	let found: Record<string, unknown> | undefined;
	for (let start = 0; start < lines.length; start++) {
		if (lines[start].trimEnd() !== '{') continue;
		for (let end = start + 1; end < lines.length; end++) {
			if (lines[end].trimEnd() !== '}') continue;
			try {
				const candidate = JSON.parse(lines.slice(start, end + 1).join('\n')) as Record<string, unknown>;
				if (isRecord(candidate.data) && isRecord(candidate.data.resultData)) found = candidate;
			} catch {
				continue;
			}
			start = end;
			break;
		}
	}
	return found;
}

/** Decodes n8n's `flatted` serialization (how GET /rest/executions/:id returns `data`). */
export function parseFlatted(text: string): unknown {
	const table = JSON.parse(text) as unknown[];
	const revived = new Map<number, unknown>();
	const revive = (index: number): unknown => {
		const value = table[index];
		if (typeof value !== 'object' || value === null) return value;
		if (revived.has(index)) return revived.get(index);
		const out: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
		revived.set(index, out);
		for (const [key, entry] of Object.entries(value)) {
			(out as Record<string, unknown>)[key] = typeof entry === 'string' ? revive(Number(entry)) : entry;
		}
		return out;
	};
	return revive(0);
}

/** True once an execution's data holds what its run produced: a node's run data or the run's error. */
export function hasFinalRunData(data: unknown): boolean {
	if (!isRecord(data) || !isRecord(data.resultData)) return false;
	const { runData, error } = data.resultData;
	return error !== undefined || (isRecord(runData) && Object.keys(runData).length > 0);
}

export function toExecutionResult(
	run: Record<string, unknown>,
	meta: {
		via: 'cli' | 'server';
		executionId?: string;
		storageDir: string;
		durationMs: number;
		stdout: string;
		stderr: string;
	},
): ExecutionResult {
	const data = (run.data ?? {}) as Record<string, unknown>;
	const resultData = (data.resultData ?? {}) as Record<string, unknown>;
	const runData = (resultData.runData ?? {}) as Record<string, Array<Record<string, unknown>>>;
	const nodes: Record<string, NodeRunResult[]> = {};
	for (const [name, runs] of Object.entries(runData)) {
		nodes[name] = runs.map((nodeRun) => {
			const main = ((nodeRun.data as Record<string, unknown> | undefined)?.main ?? []) as Array<Array<Record<string, unknown>> | null>;
			return {
				status: nodeRun.executionStatus as string | undefined,
				startTime: nodeRun.startTime as number | undefined,
				executionTime: nodeRun.executionTime as number | undefined,
				outputs: main.map((output) => (output ?? []).map((item) => toResultItem(item, meta.storageDir))),
				error: toErrorInfo(nodeRun.error),
				hints: nodeRun.hints as unknown[] | undefined,
				raw: nodeRun,
			};
		});
	}
	const status = String(run.status ?? (resultData.error ? 'error' : run.finished === true ? 'success' : 'unknown'));
	const items = (node: string, opts: { run?: number; output?: number } = {}) =>
		nodes[node]?.[opts.run ?? 0]?.outputs[opts.output ?? 0] ?? [];
	return {
		via: meta.via,
		executionId: meta.executionId,
		status,
		finished: Boolean(run.finished ?? status === 'success'),
		mode: run.mode as string | undefined,
		error: toErrorInfo(resultData.error),
		lastNodeExecuted: resultData.lastNodeExecuted as string | undefined,
		nodes,
		nodeNames: () => Object.keys(nodes),
		items,
		json: (node, opts) => items(node, opts).map((item) => item.json),
		nodeError: (node, runIndex = 0) => nodes[node]?.[runIndex]?.error,
		raw: run,
		durationMs: meta.durationMs,
		stdout: meta.stdout,
		stderr: meta.stderr,
	};
}

function toResultItem(item: Record<string, unknown>, storageDir: string): ResultItem {
	const result: ResultItem = { json: (item.json ?? {}) as Record<string, unknown> };
	if (isRecord(item.binary)) {
		result.binary = {};
		for (const [key, value] of Object.entries(item.binary)) {
			const ref = { ...(value as BinaryRef) };
			const filePath = resolveBinaryPath(ref, storageDir);
			if (filePath) ref.filePath = filePath;
			result.binary[key] = ref;
		}
	}
	if (item.pairedItem !== undefined) result.pairedItem = item.pairedItem;
	if (item.error !== undefined) result.error = item.error;
	return result;
}

function toErrorInfo(error: unknown): ExecutionErrorInfo | undefined {
	if (!isRecord(error)) return undefined;
	const node = isRecord(error.node) ? (error.node.name as string | undefined) : undefined;
	return {
		message: String(error.message ?? ''),
		description: (error.description as string | null | undefined) ?? undefined,
		name: error.name as string | undefined,
		node,
		httpCode: (error.httpCode as string | null | undefined) ?? undefined,
		raw: error,
	};
}

/**
 * Where a binary property's bytes are on disk: n8n's filesystem mode stores
 * `<mode>:<file id>` in `binary.id` and the file at `<user folder>/.n8n/storage/<file id>`
 * (e.g. storage/workflows/<wf>/executions/<ex>/binary_data/<uuid>, with a .metadata JSON
 * beside it).
 */
export function resolveBinaryPath(binary: BinaryRef, storageDir: string): string | undefined {
	if (typeof binary.id !== 'string') return undefined;
	const separator = binary.id.indexOf(':');
	if (separator < 0) return undefined;
	const mode = binary.id.slice(0, separator);
	if (!mode.startsWith('filesystem')) return undefined;
	return path.join(storageDir, binary.id.slice(separator + 1));
}

export function findStartNode(nodes: Array<{ name: string; type: string }>, connections: Record<string, unknown>): string {
	const manual = nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
	if (manual) return manual.name;
	const targets = new Set<string>();
	for (const outputs of Object.values(connections)) {
		for (const connectionsOfType of Object.values(outputs as Record<string, unknown[][]>)) {
			for (const output of connectionsOfType ?? []) {
				for (const connection of output ?? []) targets.add((connection as { node: string }).node);
			}
		}
	}
	const root = nodes.find((node) => !targets.has(node.name));
	if (!root) throw new Error('cannot tell which node starts this workflow; pass opts.startNode');
	return root.name;
}
