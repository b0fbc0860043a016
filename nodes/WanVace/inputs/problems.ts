import type { MediaKind } from '../descriptions/apiParameters';
import { type HttpFailure, summarizeFailure } from '../transport';
import type { MediaFacts } from '../media/facts';

/** Why an input is refused, without the field's name: "is not public (HTTP 403)". */
export interface InputProblem {
	message: string;
	description: string;
}

export const CHECK_INPUTS_OFF =
	'If the file is on a host that only AI/ML API can reach (not n8n\'s network), turn off Run Options > Check Inputs.';

function hostOf(url: string): string {
	try {
		return new URL(url).hostname.toLowerCase();
	} catch {
		return '';
	}
}

function isHost(host: string, domain: string): boolean {
	return host === domain || host.endsWith(`.${domain}`);
}

/** How to get a link to the file itself from the usual share hosts. */
export function directLinkAdvice(url: string): string {
	const host = hostOf(url);
	if (isHost(host, 'drive.google.com') || isHost(host, 'docs.google.com')) {
		return 'Google Drive share links open a viewer page. Share the file with "Anyone with the link", then use https://drive.google.com/uc?export=download&id=FILE_ID (FILE_ID is the part after /d/ in the share link). Drive answers files over about 100 MB with a virus-scan page: host those elsewhere.';
	}
	if (isHost(host, 'dropbox.com')) {
		return 'Dropbox share links open a preview page. Change "dl=0" at the end of the link to "dl=1" (or add "?dl=1").';
	}
	if (isHost(host, 'onedrive.live.com') || isHost(host, '1drv.ms') || isHost(host, 'sharepoint.com')) {
		return 'OneDrive and SharePoint share links open a viewer. Add "download=1" to the link (…?download=1 or …&download=1), shared with "Anyone with the link".';
	}
	if (isHost(host, 'youtube.com') || isHost(host, 'youtu.be') || isHost(host, 'vimeo.com')) {
		return 'A YouTube or Vimeo page is not a video file, and AI/ML API cannot download from them. Download the video and put it where it gets a direct link (S3 or another bucket, a CDN, Google Drive as described in the README).';
	}
	return 'Use the direct link to the file itself (it usually ends in .mp4, .webm, .png...; in a browser, right-click the playing video and copy the video address). A link that asks you to sign in lands on a page too: make the file public or use a presigned URL.';
}

export function unreachable(failure: HttpFailure, detail?: string): InputProblem {
	// n8n replaces a message naming a Node.js error code (ECONNREFUSED...) by its own text: the code goes in the description.
	const what = failure.code ? summarizeFailure(failure).replace(/\s*\([A-Z0-9_]+\)$/, '') : (detail ?? summarizeFailure(failure));
	return {
		message: `could not be reached from n8n: ${what}`,
		description: `n8n reads the first bytes of every input before paying for a generation, and could not${failure.code ? ` (${failure.code})` : ''}. Check the URL. ${CHECK_INPUTS_OFF}`,
	};
}

export function timedOut(timeoutMs: number): InputProblem {
	return {
		message: `did not answer in time: no complete answer within ${Math.round(timeoutMs / 100) / 10} s`,
		description: `n8n reads the first bytes of every input before paying for a generation, and the host was too slow (AI/ML API would likely fail to download it too). Try again, or raise Run Options > Request Timeout. ${CHECK_INPUTS_OFF}`,
	};
}

export function httpStatus(status: number): InputProblem {
	if (status === 401 || status === 403) {
		return {
			message: `is not public (HTTP ${status})`,
			description:
				'AI/ML API downloads inputs without any login, so this file would fail there too. Share it publicly or use a presigned URL (S3, Google Cloud Storage, Azure: a signed link that has not expired).',
		};
	}
	if (status === 404 || status === 410) {
		return {
			message: `was not found (HTTP ${status})`,
			description: 'Check the URL. A presigned or temporary link may have expired: create a new one.',
		};
	}
	if (status === 416) return emptyFile();
	return {
		message: `could not be read: the host answered HTTP ${status}`,
		description: `${status >= 500 ? 'The host has a problem: try again later. ' : ''}Check that the URL is a public link to the file itself. ${CHECK_INPUTS_OFF}`,
	};
}

export function webPage(url: string | undefined): InputProblem {
	return {
		message: 'is a web page (HTML), not a media file',
		description: url ? directLinkAdvice(url) : 'The data holds an HTML document. Pass the file itself.',
	};
}

export function textDocument(excerpt: string, contentType: string): InputProblem {
	return {
		message: `is a text document${contentType ? ` (${contentType})` : ''}, not a media file: "${excerpt}"`,
		description: 'The address answers with a message instead of the file (often an access or expiry error of a storage bucket). Use a public or freshly presigned link to the file itself.',
	};
}

export function emptyFile(): InputProblem {
	return { message: 'is an empty file (0 bytes)', description: 'Upload the file again, or check the node that produced it.' };
}

const A_KIND: Record<MediaKind, string> = { video: 'a video', image: 'an image' };

export function wrongKind(expected: MediaKind, found: string, claimed?: string): InputProblem {
	return {
		message: `holds ${found}, not ${A_KIND[expected]}${claimed ? `, although its server calls it ${claimed}` : ''}`,
		description:
			expected === 'video'
				? 'Point this field at a video file (MP4, MOV or WebM). Still images go in the image fields (Mask Image, First/Last Frame, Reference Images).'
				: 'Point this field at an image file (PNG, JPEG or WebP). Videos go in Video or, for a moving mask, Mask Video.',
	};
}

export function unknownFormat(expected: MediaKind, contentType: string): InputProblem {
	return {
		message: `is not ${A_KIND[expected]} file this node recognises${contentType ? ` (the server calls it ${contentType})` : ''}`,
		description: `Its first bytes match no ${expected} format (${expected === 'video' ? 'MP4, MOV, WebM, Matroska, AVI, MPEG-TS' : 'PNG, JPEG, WebP, GIF, BMP, HEIF/AVIF'}). Check that the link gives the file itself. If it is a valid file in another format, turn off Run Options > Check Inputs.`,
	};
}

export function unreadable(container: string, reason: string): InputProblem {
	const noTrack = /no video track|no tracks/.test(reason);
	return {
		message: noTrack ? `is not a usable video: ${reason}` : `claims to be ${container.toUpperCase()} but its header cannot be read: ${reason}`,
		description: noTrack
			? 'Pass a file with a video track (an audio-only MP4/M4A cannot be inpainted).'
			: 'The file is damaged or incomplete (an interrupted upload or a recording still being written). Export or upload it again.',
	};
}

/** "PNG image (64x64)" for messages. */
export function describeFacts(facts: MediaFacts): string {
	const size = facts.width && facts.height ? ` (${facts.width}x${facts.height})` : '';
	return `${A_KIND[facts.kind]} (${facts.container.toUpperCase()})${size}`.replace(') (', ', ');
}
