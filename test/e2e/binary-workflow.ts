/**
 * Manual Trigger → Read/Write Files (the files `fileSelector` matches, one item each) → the node
 * under test: Wan VACE Inpaint submitting each file as a binary video (issue 19), or a No Op in
 * its place (the bench's baseline).
 */
import { EXAMPLE_CREDENTIAL } from './examples';
import { AIML_API_CREDENTIAL_TYPE, type WorkflowImport } from './n8n';

export interface ReadAndSubmitOptions {
	name: string;
	/** Read/Write Files' selector, relative to the folder n8n runs in, e.g. `.n8n-files/clip.mp4`. */
	fileSelector: string;
	runOptions: Record<string, unknown>;
	/** The third node's name (default "Wan VACE Inpaint"). */
	nodeName?: string;
	/** A No Op node instead of ours. */
	noOp?: boolean;
}

export function readAndSubmitWorkflow({ name, fileSelector, runOptions, nodeName = 'Wan VACE Inpaint', noOp = false }: ReadAndSubmitOptions): WorkflowImport {
	const underTest = noOp
		? { parameters: {}, type: 'n8n-nodes-base.noOp' }
		: {
				parameters: {
					resource: 'video',
					operation: 'submit',
					prompt: 'A red vintage car drives along the coast road',
					videoSource: 'binary',
					videoBinaryProperty: 'data',
					maskType: 'video',
					maskSource: 'url',
					maskUrl: 'https://media.example.com/mask.mp4',
					options: {},
					runOptions,
				},
				type: 'n8n-nodes-wan-vace.wanVaceInpaint',
				credentials: { [AIML_API_CREDENTIAL_TYPE]: EXAMPLE_CREDENTIAL },
			};
	return {
		name,
		nodes: [
			{ parameters: {}, id: 'a0000000-0000-4000-8000-000000000001', name: 'Run Manually', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{
				parameters: { operation: 'read', fileSelector, options: {} },
				id: 'a0000000-0000-4000-8000-000000000002',
				name: 'Read Files',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1,
				position: [240, 0],
			},
			{ id: 'a0000000-0000-4000-8000-000000000003', name: nodeName, typeVersion: 1, position: [480, 0], ...underTest },
		],
		connections: {
			'Run Manually': { main: [[{ node: 'Read Files', type: 'main', index: 0 }]] },
			'Read Files': { main: [[{ node: nodeName, type: 'main', index: 0 }]] },
		},
		settings: {},
	};
}
