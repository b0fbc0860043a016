/**
 * Writes one NAL unit at a time, prefixed by its 4-byte length (the MP4/avcC form), inserting the
 * emulation prevention bytes as it goes (H.264 7.4.1: inside a NAL unit, 0x000000–0x000003 must
 * not occur, so 0x03 goes after any two zero bytes that a byte ≤ 0x03 follows).
 */
export class BitWriter {
	private buffer: Uint8Array;
	private position = 0;
	/** Bits waiting to complete a byte, and how many. */
	private pending = 0;
	private pendingCount = 0;
	/** Zero bytes written in a row (emulation prevention). */
	private zeros = 0;

	constructor(capacity = 4096) {
		this.buffer = new Uint8Array(Math.max(64, capacity));
	}

	/** Starts a NAL unit: the 4-byte length (filled in by `finish`) and the NAL header byte. */
	startNal(nalRefIdc: number, nalUnitType: number): void {
		this.position = 0;
		this.pending = 0;
		this.pendingCount = 0;
		this.zeros = 0;
		this.ensure(5);
		this.position = 4;
		this.buffer[this.position++] = (nalRefIdc << 5) | nalUnitType;
	}

	/**
	 * Makes room for `bytes` more bytes (emulation prevention included) in one allocation; the
	 * writer also grows by itself, so this only saves copies.
	 */
	ensure(bytes: number): void {
		const needed = this.position + bytes + 16;
		if (needed <= this.buffer.length) return;
		const larger = new Uint8Array(Math.max(needed, this.buffer.length * 2));
		larger.set(this.buffer.subarray(0, this.position));
		this.buffer = larger;
	}

	private emit(byte: number): void {
		if (this.position + 2 > this.buffer.length) this.ensure(this.buffer.length);
		if (this.zeros >= 2 && byte <= 3) {
			this.buffer[this.position++] = 3;
			this.zeros = 0;
		}
		this.buffer[this.position++] = byte;
		this.zeros = byte === 0 ? this.zeros + 1 : 0;
	}

	/** The low `count` bits of `value` (count ≤ 32), most significant first. */
	bits(value: number, count: number): void {
		for (let shift = count - 1; shift >= 0; shift--) {
			this.pending = (this.pending << 1) | ((value >>> shift) & 1);
			if (++this.pendingCount === 8) {
				this.emit(this.pending);
				this.pending = 0;
				this.pendingCount = 0;
			}
		}
	}

	flag(value: boolean): void {
		this.bits(value ? 1 : 0, 1);
	}

	/** ue(v): Exp-Golomb (9.1). */
	ue(value: number): void {
		const codeNum = value + 1;
		const length = 32 - Math.clz32(codeNum);
		this.bits(0, length - 1);
		this.bits(codeNum, length);
	}

	/** se(v) (9.1.1). */
	se(value: number): void {
		this.ue(value > 0 ? 2 * value - 1 : -2 * value);
	}

	get aligned(): boolean {
		return this.pendingCount === 0;
	}

	/** Zero bits up to the next byte boundary (e.g. pcm_alignment_zero_bit). */
	alignWithZeros(): void {
		if (this.pendingCount) this.bits(0, 8 - this.pendingCount);
	}

	/** `length` bytes of `source` from `offset`; the writer must be byte-aligned. */
	bytes(source: Uint8Array, offset: number, length: number): void {
		for (let i = offset, end = offset + length; i < end; i++) this.emit(source[i]);
	}

	/** `count` copies of `byte`; the writer must be byte-aligned. */
	repeat(byte: number, count: number): void {
		for (let i = 0; i < count; i++) this.emit(byte);
	}

	/** rbsp_trailing_bits (7.3.2.11). */
	trailingBits(): void {
		this.bits(1, 1);
		this.alignWithZeros();
	}

	private writeLength(): void {
		const length = this.position - 4;
		this.buffer[0] = length >>> 24;
		this.buffer[1] = (length >>> 16) & 0xff;
		this.buffer[2] = (length >>> 8) & 0xff;
		this.buffer[3] = length & 0xff;
	}

	/** The NAL unit with its 4-byte big-endian length in front, copied into a Buffer of its own. */
	finish(): Buffer {
		this.writeLength();
		return Buffer.from(this.buffer.subarray(0, this.position));
	}

	/**
	 * Like finish, without the copy: the writer hands over its buffer (sized beforehand with
	 * `ensure`) and starts the next NAL unit in a new, small one.
	 */
	take(): Buffer {
		this.writeLength();
		const taken = Buffer.from(this.buffer.buffer, this.buffer.byteOffset, this.position);
		this.buffer = new Uint8Array(4096);
		this.position = 0;
		return taken;
	}
}
