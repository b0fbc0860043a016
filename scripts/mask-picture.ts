/**
 * The picture of a mask frame in docs/ (docs/mask-frame.png, shown in the README and docs/MASKS.md):
 * the README's example (a logo in the top-right corner for the whole video) drawn by the node's own
 * encoder as a 640×360 × 16-frame mask video, then frame 0 extracted by ffmpeg.
 *
 *   npx tsx scripts/mask-picture.ts
 */
import { drawMaskVideo, parseMaskRegions } from '../nodes/WanVace/mask';
import { ffmpegPath, withTempFile } from '../test/support/ffmpeg';
import { childProcess, log, path, repoRoot } from '../test/support/node';

export const README_REGIONS = '[{ "shape": "rectangle", "left": 78, "top": 4, "width": 18, "height": 12 }]';

const mask = drawMaskVideo({ regions: parseMaskRegions(README_REGIONS), invert: false, grow: 0 }, { width: 640, height: 360, fpsNum: 16, fpsDen: 1, frameCount: 16 });
const out = path.join(repoRoot, 'docs', 'mask-frame.png');
withTempFile(mask.data, 'mp4', (file) =>
	childProcess.execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-i', file, '-frames:v', '1', '-pix_fmt', 'gray', '-map_metadata', '-1', '-flags', '+bitexact', out]),
);
log(`${out}: frame 0 of a ${mask.width}x${mask.height}, ${mask.frames}-frame mask video of ${mask.data.length} bytes`);
