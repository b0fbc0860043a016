/** What the probe found out about one media file. */
export interface MediaFacts {
	kind: 'video' | 'image';
	/** mp4, mov, webm, matroska, png, jpeg, webp, gif, ... */
	container: string;
	width?: number;
	height?: number;
	durationSeconds?: number;
	framesPerSecond?: number;
	frames?: number;
}

export function round(value: number, digits = 3): number {
	const scale = 10 ** digits;
	return Math.round(value * scale) / scale;
}

/** Fills in the frame rate or the frame count from the other and the duration. */
export function completeTiming(facts: MediaFacts): MediaFacts {
	const { durationSeconds: duration, frames, framesPerSecond: fps } = facts;
	if (duration && duration > 0) {
		if (frames && !fps) facts.framesPerSecond = round(frames / duration);
		if (fps && !frames) facts.frames = Math.round(fps * duration);
	}
	return facts;
}
