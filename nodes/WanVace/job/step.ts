import { downloadGenerationVideo } from './download';
import { afterSubmission, pollGeneration } from './poll';
import type { GenerationJob, JobState, OpenState, RunMode, StepContext } from './state';
import { submitGeneration } from './submit';

/** Runs the request an open job is waiting for and returns its next state. */
export async function runStep(step: StepContext, job: GenerationJob, state: OpenState, mode: RunMode): Promise<JobState> {
	switch (state.phase) {
		case 'toSubmit': {
			const next = await submitGeneration(step, job, state);
			return next.phase === 'submitted' ? afterSubmission(step, job, next, mode) : next;
		}
		case 'polling':
			return await pollGeneration(step, job, state, mode);
		case 'downloading':
			return await downloadGenerationVideo(step, job, state);
	}
}
