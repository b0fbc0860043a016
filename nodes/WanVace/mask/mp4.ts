/**
 * A minimal MP4 (ISO/IEC 14496-12 and -15) holding one H.264 track: ftyp, then moov first (fast
 * start), then mdat with the samples (each NAL unit behind its 4-byte length). All samples sit in
 * one chunk; only the first one is a sync sample.
 */

export interface Mp4Track {
	width: number;
	height: number;
	/** Track timescale; every sample lasts fpsDen of it. */
	fpsNum: number;
	fpsDen: number;
	/** NAL units without length prefix, header byte included. */
	sps: Uint8Array;
	pps: Uint8Array;
	/** Samples: 4-byte length-prefixed NAL units. */
	samples: Uint8Array[];
}

/** Box writer over one preallocated buffer: boxes are opened, filled and closed (size patched in). */
class Boxes {
	readonly data: Buffer;
	position = 0;
	private readonly open: number[] = [];

	constructor(size: number) {
		this.data = Buffer.alloc(size);
	}

	start(type: string, versionAndFlags?: number): void {
		this.open.push(this.position);
		this.u32(0);
		this.text(type);
		if (versionAndFlags !== undefined) this.u32(versionAndFlags);
	}

	end(): void {
		const start = this.open.pop()!;
		this.data.writeUInt32BE(this.position - start, start);
	}

	u8(value: number): void {
		this.data[this.position++] = value;
	}

	u16(value: number): void {
		this.data.writeUInt16BE(value, this.position);
		this.position += 2;
	}

	u32(value: number): void {
		this.data.writeUInt32BE(value >>> 0, this.position);
		this.position += 4;
	}

	zeros(count: number): void {
		this.position += count; // Buffer.alloc zero-filled
	}

	text(value: string): void {
		this.position += this.data.write(value, this.position, 'latin1');
	}

	bytes(value: Uint8Array): void {
		this.data.set(value, this.position);
		this.position += value.length;
	}

	/** The unity matrix of mvhd and tkhd. */
	matrix(): void {
		for (const value of [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000]) this.u32(value);
	}
}

function writeMoov(out: Boxes, track: Mp4Track, mdatPayloadOffset: number): void {
	const duration = track.samples.length * track.fpsDen;
	if (duration > 0xffffffff) throw new Error(`The mask video is too long for a 32-bit MP4 duration (${duration} ticks)`);
	out.start('moov');
	out.start('mvhd', 0);
	out.u32(0); // creation_time
	out.u32(0); // modification_time
	out.u32(track.fpsNum); // timescale
	out.u32(duration);
	out.u32(0x00010000); // rate 1.0
	out.u16(0x0100); // volume 1.0
	out.zeros(10);
	out.matrix();
	out.zeros(24); // pre_defined
	out.u32(2); // next_track_ID
	out.end();

	out.start('trak');
	out.start('tkhd', 0x000003); // track enabled, in movie
	out.u32(0);
	out.u32(0);
	out.u32(1); // track_ID
	out.u32(0);
	out.u32(duration); // in the movie timescale, which is the track's
	out.zeros(8);
	out.u16(0); // layer
	out.u16(0); // alternate_group
	out.u16(0); // volume
	out.u16(0);
	out.matrix();
	out.u32(track.width * 0x10000); // 16.16 fixed point
	out.u32(track.height * 0x10000);
	out.end();

	out.start('mdia');
	out.start('mdhd', 0);
	out.u32(0);
	out.u32(0);
	out.u32(track.fpsNum);
	out.u32(duration);
	out.u16(0x55c4); // language 'und'
	out.u16(0);
	out.end();
	out.start('hdlr', 0);
	out.u32(0); // pre_defined
	out.text('vide');
	out.zeros(12);
	out.text('VideoHandler\0');
	out.end();

	out.start('minf');
	out.start('vmhd', 0x000001);
	out.zeros(8); // graphicsmode, opcolor
	out.end();
	out.start('dinf');
	out.start('dref', 0);
	out.u32(1);
	out.start('url ', 0x000001); // data in this file
	out.end();
	out.end();
	out.end();

	out.start('stbl');
	out.start('stsd', 0);
	out.u32(1);
	out.start('avc1');
	out.zeros(6);
	out.u16(1); // data_reference_index
	out.zeros(16); // pre_defined, reserved
	out.u16(track.width);
	out.u16(track.height);
	out.u32(0x00480000); // 72 dpi
	out.u32(0x00480000);
	out.u32(0);
	out.u16(1); // frame_count
	out.zeros(32); // compressorname
	out.u16(0x0018); // depth
	out.u16(0xffff); // pre_defined -1
	out.start('avcC'); // AVCDecoderConfigurationRecord (14496-15 5.3.3.1)
	out.u8(1);
	out.u8(track.sps[1]); // profile_idc
	out.u8(track.sps[2]); // constraint flags
	out.u8(track.sps[3]); // level_idc
	out.u8(0xff); // lengthSizeMinusOne = 3
	out.u8(0xe1); // one SPS
	out.u16(track.sps.length);
	out.bytes(track.sps);
	out.u8(1); // one PPS
	out.u16(track.pps.length);
	out.bytes(track.pps);
	out.end();
	out.end();
	out.end();

	out.start('stts', 0);
	out.u32(1);
	out.u32(track.samples.length);
	out.u32(track.fpsDen);
	out.end();
	out.start('stss', 0);
	out.u32(1);
	out.u32(1); // sample 1 (the IDR picture)
	out.end();
	out.start('stsc', 0);
	out.u32(1);
	out.u32(1); // first_chunk
	out.u32(track.samples.length); // samples_per_chunk
	out.u32(1); // sample_description_index
	out.end();
	out.start('stsz', 0);
	out.u32(0); // sample_size: they differ
	out.u32(track.samples.length);
	for (const sample of track.samples) out.u32(sample.length);
	out.end();
	out.start('stco', 0);
	out.u32(1);
	out.u32(mdatPayloadOffset);
	out.end();
	out.end(); // stbl
	out.end(); // minf
	out.end(); // mdia
	out.end(); // trak
	out.end(); // moov
}

/** The whole MP4 file. */
export function muxMp4(track: Mp4Track): Buffer {
	// moov's size does not depend on the chunk offset it holds: write it, then patch the offset,
	// which is its last 4 bytes (stco closes stbl, minf, mdia, trak and moov).
	const moov = new Boxes(4096 + track.sps.length + track.pps.length + 4 * track.samples.length);
	writeMoov(moov, track, 0);
	const ftypSize = 32;
	const mdatPayloadOffset = ftypSize + moov.position + 8;
	moov.data.writeUInt32BE(mdatPayloadOffset, moov.position - 4);

	const payload = track.samples.reduce((sum, sample) => sum + sample.length, 0);
	const total = mdatPayloadOffset + payload;
	if (total > 0xffffffff) throw new Error('The mask video is larger than 4 GiB');
	const out = new Boxes(total);
	out.start('ftyp');
	out.text('isom');
	out.u32(0x200); // minor_version
	for (const brand of ['isom', 'iso2', 'avc1', 'mp41']) out.text(brand);
	out.end();
	out.bytes(moov.data.subarray(0, moov.position));
	out.start('mdat');
	for (const sample of track.samples) out.bytes(sample);
	out.end();
	return out.data;
}
