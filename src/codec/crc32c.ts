/**
 * CRC32c (Castagnoli, reflected polynomial 0x82F63B78), the checksum of SCTP (RFC 9260
 * section 6.8 and appendix B) and iSCSI (RFC 3720 appendix B.4).
 *
 * `crc32c()` returns the CRC as the standard register value: 0xE3069283 for the ASCII text
 * "123456789", 0x8A9136AA for 32 zero bytes. RFC 9260 appendix B puts that value into the
 * packet least significant byte first (the bit-reflected CRC's natural order), which is how
 * RFC 3720 lists its vectors: 32 zero bytes give the bytes `aa 36 91 8a`. Read back as a
 * big-endian number, as the `sctp.checksum` field is, that is 0xAA36918A; see `sctpChecksum`.
 *
 * Speed: slice-by-16 (sixteen 1 KiB tables, one per byte position of a 16-byte block, the input
 * read as little-endian 32-bit words), run as a small WebAssembly function assembled below from
 * its opcodes: WebAssembly memory reads need no bounds checks, which is most of the cost of
 * table lookups in JavaScript. Inputs are copied into its memory 64 KiB at a time. Short inputs,
 * and hosts without WebAssembly, use the same algorithm in JavaScript. `bench/crc32c.ts` times
 * it against the usual JavaScript slice-by-8.
 */

const POLY = 0x82f63b78;

/** The 16 tables, back to back: T[s][i] advances byte i through s further zero bytes. */
function makeTables(): Int32Array {
  const t = new Int32Array(16 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c;
  }
  for (let s = 1; s < 16; s++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(s - 1) * 256 + i];
      t[s * 256 + i] = (prev >>> 8) ^ t[prev & 255];
    }
  }
  return t;
}

const TABLES = makeTables();
/** The tables as one array, for the byte-wise loops: one array reached per lookup is cheaper than eight. */
const T = TABLES;
// One typed array per table: indexing needs no offset arithmetic.
const [t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15] = Array.from({ length: 16 }, (_, s) => TABLES.slice(s * 256, s * 256 + 256));

/** Little-endian host: 32-bit typed-array reads give the bytes in the order the reflected CRC consumes them. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The JavaScript version: slice-by-16 on aligned words, slice-by-8 on bytes otherwise. */
function updateJs(state: number, buf: Uint8Array, start: number, end: number): number {
  let crc = state | 0;
  let i = start;
  const base = buf.byteOffset;
  if (LITTLE_ENDIAN && end - start >= 32) {
    // Bytes up to a 4-byte boundary of the underlying ArrayBuffer, then 16-byte blocks as words.
    while ((base + i) & 3) {
      crc = t0[(crc ^ buf[i]) & 255] ^ (crc >>> 8);
      i++;
    }
    const blocks = (end - i) >>> 4;
    const words = new Int32Array(buf.buffer, base + i, blocks * 4);
    for (let k = 0; k < words.length; k += 4) {
      const a = crc ^ words[k];
      const b = words[k + 1];
      const c = words[k + 2];
      const d = words[k + 3];
      crc =
        t15[a & 255] ^ t14[(a >>> 8) & 255] ^ t13[(a >>> 16) & 255] ^ t12[a >>> 24] ^
        t11[b & 255] ^ t10[(b >>> 8) & 255] ^ t9[(b >>> 16) & 255] ^ t8[b >>> 24] ^
        t7[c & 255] ^ t6[(c >>> 8) & 255] ^ t5[(c >>> 16) & 255] ^ t4[c >>> 24] ^
        t3[d & 255] ^ t2[(d >>> 8) & 255] ^ t1[(d >>> 16) & 255] ^ t0[d >>> 24];
    }
    i += blocks * 16;
  }
  return updateBytes(crc, buf, i, end);
}

/** Slice-by-8 over bytes (any alignment, no typed-array view), then byte at a time. */
function updateBytes(crc: number, buf: Uint8Array, start: number, end: number): number {
  let i = start;
  const end8 = end - ((end - i) & 7);
  for (; i < end8; i += 8) {
    const a = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    crc = T[1792 + (a & 255)] ^ T[1536 + ((a >>> 8) & 255)] ^ T[1280 + ((a >>> 16) & 255)] ^ T[1024 + (a >>> 24)] ^ T[768 + buf[i + 4]] ^ T[512 + buf[i + 5]] ^ T[256 + buf[i + 6]] ^ T[buf[i + 7]];
  }
  for (; i < end; i++) crc = T[(crc ^ buf[i]) & 255] ^ (crc >>> 8);
  return crc;
}

// ---------------------------------------------------------------------------------------------
// The WebAssembly version. Memory: the tables at 0 (16 KiB), then a 64 KiB input window.

const DATA = 16 * 1024;
const WINDOW = 64 * 1024;
/** Below this many bytes the JavaScript version wins (no copy, no call into WebAssembly). */
const WASM_MIN = 48;

/** Unsigned and signed LEB128. */
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 127;
    n >>>= 7;
    if (n) b |= 128;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 127;
    n >>= 7;
    if ((n === 0 && !(b & 64)) || (n === -1 && b & 64)) return [...out, b];
    out.push(b | 128);
  }
};

/**
 * `update(ptr, end, crc) -> crc`: slice-by-16 over memory[ptr, end), then byte at a time.
 * Locals: 0 ptr, 1 end, 2 crc, 3..6 the four words of a block.
 */
function assemble(): Uint8Array {
  const [BLOCK, LOOP, BR, BR_IF, END, GET, SET, LOAD, LOAD8, CONST, LT_U, GE_U, ADD, SUB, AND, XOR, SHL, SHR_U] = [
    0x02, 0x03, 0x0c, 0x0d, 0x0b, 0x20, 0x21, 0x28, 0x2d, 0x41, 0x49, 0x4f, 0x6a, 0x6b, 0x71, 0x73, 0x74, 0x76,
  ];
  const get = (i: number) => [GET, i];
  const set = (i: number) => [SET, i];
  const i32 = (n: number) => [CONST, ...sleb(n)];
  const load = (offset: number) => [LOAD, 2, ...uleb(offset)];
  // T[s][(x >>> shift) & 255], loaded from (index << 2) + s * 1024.
  const lookup = (x: number, shift: number, s: number) => [...get(x), ...(shift ? [...i32(shift), SHR_U] : []), ...(shift === 24 ? [] : [...i32(255), AND]), ...i32(2), SHL, ...load(s * 1024)];
  const code: number[] = [];
  // while (end - ptr >= 16) { a = crc ^ w0; b, c, d = w1..w3; crc = T15[a0] ^ ... ^ T0[d3]; ptr += 16 }
  code.push(BLOCK, 0x40, LOOP, 0x40, ...get(1), ...get(0), SUB, ...i32(16), LT_U, BR_IF, 1);
  code.push(...get(0), ...load(0), ...get(2), XOR, ...set(3));
  for (let w = 1; w < 4; w++) code.push(...get(0), ...load(4 * w), ...set(3 + w));
  for (let k = 0; k < 16; k++) {
    code.push(...lookup(3 + (k >> 2), 8 * (k & 3), 15 - k));
    if (k) code.push(XOR);
  }
  code.push(...set(2), ...get(0), ...i32(16), ADD, ...set(0), BR, 0, END, END);
  // while (ptr < end) { crc = T0[(crc ^ mem[ptr]) & 255] ^ (crc >>> 8); ptr++ }
  code.push(BLOCK, 0x40, LOOP, 0x40, ...get(0), ...get(1), GE_U, BR_IF, 1);
  code.push(...get(2), ...get(0), LOAD8, 0, 0, XOR, ...i32(255), AND, ...i32(2), SHL, ...load(0), ...get(2), ...i32(8), SHR_U, XOR, ...set(2));
  code.push(...get(0), ...i32(1), ADD, ...set(0), BR, 0, END, END, ...get(2), END);
  const I32 = 0x7f;
  const body = [1, 4, I32, ...code]; // one group of 4 i32 locals
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 3, I32, I32, I32, 1, I32]), // type 0: (i32, i32, i32) -> i32
    ...section(2, [1, ...name('env'), ...name('memory'), 2, 0, 2]), // import memory, at least 2 pages
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(7, [1, ...name('update'), 0, 0]), // export it
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

interface Wasm {
  readonly heap: Uint8Array;
  readonly update: (ptr: number, end: number, crc: number) => number;
}

let wasm: Wasm | null | undefined;

/** The part of the WebAssembly JS API used here (the project's lib settings do not declare it). */
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

function loadWasm(): Wasm | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) return null;
  try {
    const memory = new api.Memory({ initial: 2 });
    const instance = new api.Instance(new api.Module(assemble()), { env: { memory } });
    new Int32Array(memory.buffer, 0, TABLES.length).set(TABLES);
    return { heap: new Uint8Array(memory.buffer), update: instance.exports.update as Wasm['update'] };
  } catch {
    return null; // no WebAssembly here (e.g. --jitless): the JavaScript version does the work
  }
}

function engine(): Wasm | null {
  if (wasm === undefined) wasm = loadWasm();
  return wasm;
}

/**
 * Continue a CRC32c over buf[start, end). `state` is the raw register (start with -1, i.e.
 * 0xFFFFFFFF, and finish with `~state >>> 0`), so a checksum can be computed in pieces.
 */
export function crc32cUpdate(state: number, buf: Uint8Array, start: number, end: number): number {
  const w = end - start >= WASM_MIN ? engine() : null;
  if (!w) return updateJs(state, buf, start, end);
  if (start === 0 && end === buf.length && end <= WINDOW) {
    w.heap.set(buf, DATA); // the common case, without a subarray
    return w.update(DATA, DATA + end, state | 0);
  }
  let crc = state | 0;
  for (let at = start; at < end; at += WINDOW) {
    const n = Math.min(WINDOW, end - at);
    w.heap.set(buf.subarray(at, at + n), DATA);
    crc = w.update(DATA, DATA + n, crc);
  }
  return crc;
}

/**
 * CRC32c of bytes[start, end) as the standard register value (0xE3069283 for "123456789").
 * @example
 * {@includeCode ../../examples/api-codec.ts#checksums}
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return ~crc32cUpdate(-1, bytes, start, end) >>> 0;
}

const ZERO_WORD = new Uint8Array(4);

/**
 * Below this many bytes an SCTP packet's checksum is computed by `sctpShort` in JavaScript: the
 * copy into WebAssembly memory and the call cost more than they save (an INIT of 76 bytes: about
 * 150 ns through WebAssembly, 70 ns here, measured with bench/run.ts --filter=sctp).
 */
const SCTP_WASM_MIN = 128;

/**
 * The raw CRC register over a short SCTP packet with its checksum field taken as zero: slice-by-8
 * over the bytes (no typed-array view, no WebAssembly copy, the zero field folded in).
 */
function sctpShort(buf: Uint8Array, start: number, end: number): number {
  // The common header's ports and verification tag (8 bytes), then the checksum field as 4 zero bytes.
  const a0 = -1 ^ (buf[start] | (buf[start + 1] << 8) | (buf[start + 2] << 16) | (buf[start + 3] << 24));
  let crc = T[1792 + (a0 & 255)] ^ T[1536 + ((a0 >>> 8) & 255)] ^ T[1280 + ((a0 >>> 16) & 255)] ^ T[1024 + (a0 >>> 24)] ^ T[768 + buf[start + 4]] ^ T[512 + buf[start + 5]] ^ T[256 + buf[start + 6]] ^ T[buf[start + 7]];
  crc = T[768 + (crc & 255)] ^ T[512 + ((crc >>> 8) & 255)] ^ T[256 + ((crc >>> 16) & 255)] ^ T[crc >>> 24];
  return updateBytes(crc, buf, start + 12, end);
}

/** Swap the bytes of a 32-bit value. */
export const byteSwap32 = (v: number): number => (((v & 255) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

/**
 * The SCTP checksum of the packet buf[start, end) (common header first), computed as if its
 * checksum field (bytes 8..11) were zero, as the field's value: the 32-bit number read
 * big-endian from the four bytes RFC 9260 appendix B writes there.
 * @example
 * {@includeCode ../../examples/api-codec.ts#checksums}
 */
export function sctpChecksum(buf: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n >= 12 && n < SCTP_WASM_MIN) return byteSwap32(~sctpShort(buf, start, end) >>> 0);
  const w = n <= WINDOW ? engine() : null;
  let crc: number;
  if (w) {
    // One copy, the checksum field zeroed in the copy, one call.
    // (A plain view: Buffer.prototype.subarray makes a Buffer, slower for packet-sized inputs.)
    w.heap.set(new Uint8Array(buf.buffer, buf.byteOffset + start, n), DATA);
    w.heap[DATA + 8] = w.heap[DATA + 9] = w.heap[DATA + 10] = w.heap[DATA + 11] = 0;
    crc = w.update(DATA, DATA + n, -1);
  } else {
    crc = crc32cUpdate(-1, buf, start, start + 8);
    crc = crc32cUpdate(crc, ZERO_WORD, 0, 4);
    crc = crc32cUpdate(crc, buf, start + 12, end);
  }
  return byteSwap32(~crc >>> 0);
}

/** The tables sctpChecksumDelta made, by the number of bytes after the byte (templates of one length share them). */
const deltaTables = new Map<number, Int32Array>();
const MAX_DELTA_TABLES = 256;

/**
 * How the SCTP checksum (the value `sctpChecksum` gives) changes when one byte of the packet
 * changes: the table maps `old ^ new` of that byte to `oldChecksum ^ newChecksum`, for a byte
 * followed by `bytesAfter` bytes of the packet. A CRC is linear over XOR for a fixed length (the
 * initial and final inversions cancel out of a difference), so a template patcher updates the
 * checksum from the changed bytes alone, one lookup per byte, whatever the packet's length, as
 * RFC 1624 does for the Internet checksum. (Each bit's effect is the CRC register of that bit
 * advanced through `bytesAfter` zero bytes.)
 */
export function sctpChecksumDelta(bytesAfter: number): Int32Array {
  let table = deltaTables.get(bytesAfter);
  if (table !== undefined) return table;
  const zeros = new Uint8Array(bytesAfter);
  const bit = new Uint8Array(1);
  const basis = Array.from({ length: 8 }, (_, b) => {
    bit[0] = 1 << b;
    return byteSwap32(crc32cUpdate(crc32cUpdate(0, bit, 0, 1), zeros, 0, bytesAfter) >>> 0);
  });
  table = new Int32Array(256);
  for (let v = 1; v < 256; v++) {
    const low = v & -v;
    table[v] = table[v ^ low] ^ basis[31 - Math.clz32(low)];
  }
  if (deltaTables.size >= MAX_DELTA_TABLES) deltaTables.clear();
  deltaTables.set(bytesAfter, table);
  return table;
}

/** Which implementation runs for long inputs: `wasm` or `js` (for the benchmark's report). */
export function crc32cEngine(): 'wasm' | 'js' {
  return engine() ? 'wasm' : 'js';
}
