import { captureConsole, chunkText, process } from '../../support/node';

/**
 * Makes n8n log everything (debug) and records every line written to stdout/stderr or to the
 * console (where n8n's logger writes; recorded, not printed), so the security suite can check
 * that no log line carries the API key. Import it before the harness.
 */
process.env.N8N_LOG_LEVEL = 'debug';

export const capturedOutput: string[] = [];

for (const stream of [process.stdout, process.stderr]) {
	const write = stream.write.bind(stream);
	stream.write = ((chunk: unknown, ...rest: unknown[]) => {
		capturedOutput.push(chunkText(chunk));
		return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
	}) as typeof stream.write;
}

captureConsole((line: string) => capturedOutput.push(line));
