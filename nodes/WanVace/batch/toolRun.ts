import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Whether an AI agent runs the node as its tool. n8n 2.x says so (`isToolExecution`); 1.x has
 * no such method, but runs only the `<name>Tool` variant it generates from `usableAsTool` as
 * a tool, and never as a main-input node.
 */
export function runsAsTool(ctx: IExecuteFunctions): boolean {
	if (typeof ctx.isToolExecution === 'function') return ctx.isToolExecution();
	return ctx.getNode().type.endsWith('Tool');
}
