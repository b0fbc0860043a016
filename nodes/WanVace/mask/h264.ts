/**
 * A lossless H.264 encoder for mask frames (ITU-T H.264, section numbers as in the 2016+ editions):
 * Constrained Baseline, 4:2:0, CAVLC, one slice per picture. The IDR picture is all I_PCM
 * macroblocks; P pictures skip the macroblocks that did not change (P_Skip with a zero motion
 * vector copies the previous picture, 8.4.1.1) and code the others as I_PCM. Luma is the mask
 * (0 black, 255 white, full range); chroma is 128.
 */
import { BitWriter } from './bitWriter';

/** mb_type of I_PCM: 25 in I slices (Table 7-11); in P slices intra types follow the 5 P types (Table 7-13). */
const I_PCM_IN_I_SLICE = 25;
const I_PCM_IN_P_SLICE = 5 + 25;
const LOG2_MAX_FRAME_NUM = 16;
/**
 * Bytes of one I_PCM macroblock at most: mb_skip_run and mb_type (≤ 6), 256 + 2 × 64 samples, and
 * the emulation prevention bytes, which only runs of black luma (zeros) need: one per 2 zeros.
 */
const PCM_MACROBLOCK_MAX = 6 + 256 + 128 + 130;

/** [level_idc, MaxFS (macroblocks), MaxMBPS (macroblocks/s)] from Table A-1. */
const LEVELS: Array<[number, number, number]> = [
	[10, 99, 1485], [11, 396, 3000], [12, 396, 6000], [13, 396, 11880], [20, 396, 11880], [21, 792, 19800],
	[22, 1620, 20250], [30, 1620, 40500], [31, 3600, 108000], [32, 5120, 216000], [40, 8192, 245760],
	[42, 8704, 522240], [50, 22080, 589824], [51, 36864, 983040], [52, 36864, 2073600],
	[60, 139264, 4177920], [61, 139264, 8355840], [62, 139264, 16711680],
];

function levelIdc(macroblocks: number, fps: number): number {
	const level = LEVELS.find(([, maxFs, maxMbps]) => macroblocks <= maxFs && macroblocks * fps <= maxMbps);
	return (level ?? LEVELS[LEVELS.length - 1])[0];
}

export class MaskH264Encoder {
	readonly mbWidth: number;
	readonly mbHeight: number;
	/** Row length and row count of the luma planes the encoder reads: whole macroblocks. */
	readonly stride: number;
	readonly rows: number;
	/** Parameter sets as NAL units (header byte included, no length prefix), for avcC. */
	readonly sps: Buffer;
	readonly pps: Buffer;
	private readonly writer: BitWriter;
	private frameNum = 0;

	/** width and height: the picture shown (even numbers); fps = fpsNum / fpsDen. */
	constructor(
		readonly width: number,
		readonly height: number,
		fpsNum: number,
		fpsDen: number,
	) {
		if (width % 2 || height % 2) throw new Error(`H.264 4:2:0 needs an even width and height (got ${width}×${height})`);
		this.mbWidth = Math.ceil(width / 16);
		this.mbHeight = Math.ceil(height / 16);
		this.stride = this.mbWidth * 16;
		this.rows = this.mbHeight * 16;
		this.writer = new BitWriter();
		this.sps = this.writeSps(fpsNum, fpsDen).subarray(4);
		this.pps = this.writePps().subarray(4);
	}

	/** seq_parameter_set_rbsp (7.3.2.1.1) with vui_parameters (E.1.1). */
	private writeSps(fpsNum: number, fpsDen: number): Buffer {
		const w = this.writer;
		w.startNal(3, 7);
		w.bits(66, 8); // profile_idc: Baseline
		w.bits(0b11000000, 8); // constraint_set0_flag and constraint_set1_flag (Constrained Baseline, A.2.1.1)
		w.bits(levelIdc(this.mbWidth * this.mbHeight, fpsNum / fpsDen), 8);
		w.ue(0); // seq_parameter_set_id
		w.ue(LOG2_MAX_FRAME_NUM - 4);
		w.ue(2); // pic_order_cnt_type 2: output order = decoding order, nothing in the slice header
		w.ue(1); // max_num_ref_frames
		w.flag(false); // gaps_in_frame_num_value_allowed_flag
		w.ue(this.mbWidth - 1);
		w.ue(this.mbHeight - 1); // pic_height_in_map_units_minus1
		w.flag(true); // frame_mbs_only_flag
		w.flag(true); // direct_8x8_inference_flag
		const cropRight = this.stride - this.width;
		const cropBottom = this.rows - this.height;
		w.flag(cropRight > 0 || cropBottom > 0); // frame_cropping_flag
		if (cropRight > 0 || cropBottom > 0) {
			// In 4:2:0 frame pictures CropUnitX = CropUnitY = 2 (7.4.2.1.1).
			w.ue(0);
			w.ue(cropRight / 2);
			w.ue(0);
			w.ue(cropBottom / 2);
		}
		w.flag(true); // vui_parameters_present_flag
		w.flag(true); // aspect_ratio_info_present_flag
		w.bits(1, 8); // aspect_ratio_idc 1: square pixels
		w.flag(false); // overscan_info_present_flag
		w.flag(true); // video_signal_type_present_flag
		w.bits(5, 3); // video_format: unspecified
		w.flag(true); // video_full_range_flag: luma 0–255
		w.flag(false); // colour_description_present_flag
		w.flag(false); // chroma_loc_info_present_flag
		const timing = 2 * fpsNum <= 0xffffffff && fpsDen <= 0xffffffff;
		w.flag(timing); // timing_info_present_flag
		if (timing) {
			// A frame lasts two ticks (E.2.1: frame rate = time_scale / (2 · num_units_in_tick)).
			w.bits(fpsDen, 32); // num_units_in_tick
			w.bits(2 * fpsNum >>> 0, 32); // time_scale
			w.flag(true); // fixed_frame_rate_flag
		}
		w.flag(false); // nal_hrd_parameters_present_flag
		w.flag(false); // vcl_hrd_parameters_present_flag
		w.flag(false); // pic_struct_present_flag
		w.flag(true); // bitstream_restriction_flag
		w.flag(true); // motion_vectors_over_pic_boundaries_flag
		w.ue(0); // max_bytes_per_pic_denom: no limit
		w.ue(0); // max_bits_per_mb_denom: no limit
		w.ue(0); // log2_max_mv_length_horizontal: every motion vector is (0, 0)
		w.ue(0); // log2_max_mv_length_vertical
		w.ue(0); // max_num_reorder_frames: no delay before output
		w.ue(1); // max_dec_frame_buffering
		w.trailingBits();
		return w.finish();
	}

	/** pic_parameter_set_rbsp (7.3.2.2). */
	private writePps(): Buffer {
		const w = this.writer;
		w.startNal(3, 8);
		w.ue(0); // pic_parameter_set_id
		w.ue(0); // seq_parameter_set_id
		w.flag(false); // entropy_coding_mode_flag: CAVLC
		w.flag(false); // bottom_field_pic_order_in_frame_present_flag
		w.ue(0); // num_slice_groups_minus1
		w.ue(0); // num_ref_idx_l0_default_active_minus1
		w.ue(0); // num_ref_idx_l1_default_active_minus1
		w.flag(false); // weighted_pred_flag
		w.bits(0, 2); // weighted_bipred_idc
		w.se(0); // pic_init_qp_minus26
		w.se(0); // pic_init_qs_minus26
		w.se(0); // chroma_qp_index_offset
		w.flag(true); // deblocking_filter_control_present_flag: lets slices turn the filter off
		w.flag(false); // constrained_intra_pred_flag
		w.flag(false); // redundant_pic_cnt_present_flag
		w.trailingBits();
		return w.finish();
	}

	/** One macroblock's pcm samples (7.3.5): 16×16 luma in raster order, then Cb and Cr 8×8 at 128. */
	private writePcm(luma: Uint8Array, mbX: number, mbY: number): void {
		const w = this.writer;
		w.alignWithZeros(); // pcm_alignment_zero_bit
		let row = mbY * 16 * this.stride + mbX * 16;
		for (let y = 0; y < 16; y++, row += this.stride) w.bytes(luma, row, 16);
		w.repeat(128, 128);
	}

	/** The IDR picture: every macroblock I_PCM. Returns the sample (4-byte length + NAL unit). */
	idr(luma: Uint8Array): Buffer {
		this.frameNum = 0;
		const w = this.writer;
		w.startNal(3, 5);
		w.ensure(this.mbWidth * this.mbHeight * PCM_MACROBLOCK_MAX + 64);
		// slice_header (7.3.3)
		w.ue(0); // first_mb_in_slice
		w.ue(7); // slice_type: I (all slices of the picture)
		w.ue(0); // pic_parameter_set_id
		w.bits(0, LOG2_MAX_FRAME_NUM); // frame_num
		w.ue(0); // idr_pic_id
		w.flag(false); // dec_ref_pic_marking: no_output_of_prior_pics_flag
		w.flag(false); // long_term_reference_flag
		w.se(0); // slice_qp_delta
		w.ue(1); // disable_deblocking_filter_idc 1: no deblocking, the samples stay as coded
		// slice_data (7.3.4): I slices have no mb_skip_run
		for (let mbY = 0; mbY < this.mbHeight; mbY++) {
			for (let mbX = 0; mbX < this.mbWidth; mbX++) {
				w.ue(I_PCM_IN_I_SLICE);
				this.writePcm(luma, mbX, mbY);
			}
		}
		w.trailingBits();
		return w.take(); // the IDR picture is most of the file: no copy of it
	}

	/**
	 * A P picture: macroblocks whose flag in `changed` (one byte per macroblock, raster order) is
	 * set are coded I_PCM from `luma`; the others are skipped. Without `changed`, all are skipped.
	 */
	p(luma: Uint8Array, changed?: Uint8Array): Buffer {
		this.frameNum = (this.frameNum + 1) % (1 << LOG2_MAX_FRAME_NUM);
		const w = this.writer;
		const total = this.mbWidth * this.mbHeight;
		w.startNal(2, 1);
		w.ue(0); // first_mb_in_slice
		w.ue(5); // slice_type: P (all slices of the picture)
		w.ue(0); // pic_parameter_set_id
		w.bits(this.frameNum, LOG2_MAX_FRAME_NUM);
		w.flag(false); // num_ref_idx_active_override_flag
		w.flag(false); // ref_pic_list_modification_flag_l0
		w.flag(false); // adaptive_ref_pic_marking_mode_flag: sliding window
		w.se(0); // slice_qp_delta
		w.ue(1); // disable_deblocking_filter_idc
		let skipRun = 0;
		if (changed) {
			let coded = 0;
			for (let mb = 0; mb < total; mb++) if (changed[mb]) coded++;
			w.ensure(coded * PCM_MACROBLOCK_MAX + 64);
			for (let mb = 0; mb < total; mb++) {
				if (!changed[mb]) {
					skipRun++;
					continue;
				}
				w.ue(skipRun); // mb_skip_run, before every coded macroblock of a P slice
				skipRun = 0;
				w.ue(I_PCM_IN_P_SLICE);
				this.writePcm(luma, mb % this.mbWidth, Math.floor(mb / this.mbWidth));
			}
		} else {
			skipRun = total;
		}
		if (skipRun > 0) w.ue(skipRun);
		w.trailingBits();
		return w.finish();
	}
}
