/**
 * Standalone simulator: `npm run simulator -- --port 8787 --generation-ms 5000`.
 * Point an n8n AI/ML API credential at the printed base URL with the printed key.
 */
import { log, logError, process } from '../support/node';

import { CLI_USAGE, parseCliArgs } from './cli-args';
import { MODEL_ID, startSimulator, type Simulator } from './index';

function exampleCurl(simulator: Simulator): string {
	const body = JSON.stringify({
		model: MODEL_ID,
		prompt: 'A red fox walks through fresh snow',
		video_url: 'https://example.com/input.mp4',
	});
	return (
		`curl -sS -X POST ${simulator.baseUrl}/v2/video/generations ` +
		`-H 'Authorization: Bearer ${simulator.apiKey}' -H 'Content-Type: application/json' -d '${body}'`
	);
}

async function main(): Promise<void> {
	const { options, help } = parseCliArgs(process.argv.slice(2), process.env);
	if (help) {
		log(CLI_USAGE);
		return;
	}
	const simulator = await startSimulator(options);
	log(`AI/ML API simulator for ${MODEL_ID}`);
	log(`Base URL: ${simulator.baseUrl}`);
	log(`API key:  ${simulator.apiKey}`);
	log(`Try:      ${exampleCurl(simulator)}`);
	log(`Controls: ${simulator.baseUrl}/__sim/ (no key, loopback clients only)`);
	log('Ctrl+C to stop.');

	let stopping = false;
	const stop = (signal: string): void => {
		if (stopping) return;
		stopping = true;
		log(`${signal}: stopping`);
		void simulator.close().then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
	logError(error instanceof Error ? error.message : String(error));
	process.exit(1);
});
