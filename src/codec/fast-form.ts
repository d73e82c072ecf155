/**
 * The general codec's functions derived from a layer's FastForm (layer.ts), so that a rule is
 * stated once: the automatic values (`auto`) and the checksum (`checksum`) that the generated
 * fast paths (encode-fast.ts, decode-fast.ts) compile into their code are the same declarations
 * the general encoder's `write` and `fillChecksum` and the decoder's `verifyChecksum` run here.
 */
import { finishChecksum, sumWords } from './checksum.js';
import { sctpChecksum } from './crc32c.js';
import type { ChecksumVerdict, DecodeContext, EncodeFrame, FastAuto, FastForm, LayerCodec } from './layer.js';
import { fillUpperLayerChecksum, verifyUpperLayerChecksum } from './upper-checksum.js';

/** The code of one automatic field's value for frames[index] (frame `f`), as the fast encoder computes it inline. */
function autoCode(how: FastAuto): string {
  if (how === 'headerWords') return 'f.headerLength >>> 2';
  if (how === 'length') return 'f.payloadEnd - f.offset';
  if (how === 'payloadLength') return 'f.payloadEnd - f.offset - f.headerLength';
  if ('nextUdpPort' in how) return `frames[index + 1]?.codec.udpPort ?? ${how.nextUdpPort}`;
  return `frames[index + 1]?.codec.ipProtocol ?? ${how.nextProtocol}`;
}

/**
 * The general encoder's automatic values of a fast form: a generated function filling one
 * scratch object (write() is synchronous and never re-entered, so one object serves every call).
 */
export function autoValues(form: FastForm): (frames: readonly EncodeFrame[], index: number) => Record<string, number> {
  const entries = Object.entries(form.auto ?? {});
  const values: Record<string, number> = Object.fromEntries(entries.map(([name]) => [name, 0]));
  const body = entries.map(([name, how]) => `v[${JSON.stringify(name)}] = ${autoCode(how)};`).join('\n');
  const id = (form.header?.layer ?? 'layer').replace(/\W/g, '_');
  return new Function('v', `return function auto_${id}(frames, index) {\nconst f = frames[index];\n${body}\nreturn v;\n};\n//# sourceURL=rawcraft/${id}-auto.js`)(values) as (frames: readonly EncodeFrame[], index: number) => Record<string, number>;
}

type Fill = (buf: Uint8Array, frames: readonly EncodeFrame[], index: number) => void;
type Verify = (ctx: DecodeContext, off: number, end: number, fields: Record<string, unknown>, complete: boolean) => ChecksumVerdict;

function put16(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value >>> 8;
  buf[at + 1] = value & 255;
}

/**
 * The general encoder's `fillChecksum` for a fast form's checksum at `at` bytes into the header
 * (skipped when the checksum was given): over the header, the whole message, or the message and
 * the enclosing IP layer's pseudo-header.
 */
export function fillChecksumOf(form: FastForm, at: number): Fill {
  const sum = form.checksum;
  if (sum === undefined) throw new Error('fillChecksumOf: the fast form declares no checksum');
  if (sum.kind === 'upper') return (buf, frames, index) => fillUpperLayerChecksum(buf, frames, index, sum.protocol, at, sum.zeroAs);
  if (sum.kind === 'crc32c') {
    return (buf, frames, index) => {
      const frame = frames[index];
      if (frame.fields.checksum !== undefined) return;
      const value = sctpChecksum(buf, frame.offset, frame.payloadEnd);
      put16(buf, frame.offset + at, value >>> 16);
      put16(buf, frame.offset + at + 2, value & 0xffff);
    };
  }
  const wholeMessage = sum.kind === 'message';
  return (buf, frames, index) => {
    const frame = frames[index];
    if (frame.fields.checksum !== undefined) return;
    const o = frame.offset;
    const end = wholeMessage ? frame.payloadEnd : o + frame.headerLength;
    put16(buf, o + at, finishChecksum(sumWords(buf, o + frame.summedLength, end, frame.headerSum)));
  };
}

/** The decoder's verdict on a CRC32c a fast form declares, over the layer's whole message. */
export function verifyCrcOf(form: FastForm): Verify {
  if (form.checksum?.kind !== 'crc32c') throw new Error('verifyCrcOf: the fast form declares no CRC32c');
  return (ctx, off, end, fields, complete) => {
    const actual = fields.checksum as number;
    if (!complete) return { status: 'unverifiable', actual };
    const expected = sctpChecksum(ctx.buf, off, end);
    return { status: expected === actual ? 'valid' : 'invalid', expected, actual };
  };
}

/** The decoder's verdict on an upper-layer checksum a fast form declares (zeroAs included). */
export function verifyUpperOf(form: FastForm): Verify {
  const sum = form.checksum;
  if (sum?.kind !== 'upper') throw new Error('verifyUpperOf: the fast form declares no upper-layer checksum');
  return (ctx, off, end, fields, complete) => verifyUpperLayerChecksum(ctx, off, end, sum.protocol, fields.checksum as number, complete, sum.zeroAs);
}

/** Most combinations of forms one stack compiles (each is one generated function, tried in turn). */
const MAX_COMBINATIONS = 16;

/**
 * The fast forms of each layer of a stack, as the combinations to compile (`fast` first, then
 * `fastVariants`), or undefined when some layer has none.
 */
export function formCombinations(stack: readonly LayerCodec[]): FastForm[][] | undefined {
  let combos: FastForm[][] = [[]];
  for (const codec of stack) {
    if (codec.fast === undefined) return undefined;
    const forms = [codec.fast, ...(codec.fastVariants ?? [])];
    combos = combos.flatMap((c) => forms.map((f) => [...c, f]));
    if (combos.length > MAX_COMBINATIONS) return undefined;
  }
  return combos;
}

/**
 * Try compiled variants in turn, the one that took the last input first (a stream tends to keep
 * its kind: a run of port unreachables should not pay for the echo form's checks each time).
 * The order cannot change a result: the variants' `when` conditions are disjoint, and whichever
 * takes an input gives the general path's result (test/codec/fast-path.test.ts).
 */
export function firstOf<A, R>(runs: readonly ((a: A) => R | undefined)[]): ((a: A) => R | undefined) | undefined {
  if (runs.length <= 1) return runs[0];
  let last = 0;
  return (a) => {
    const r = runs[last](a);
    if (r !== undefined) return r;
    for (let k = 0; k < runs.length; k++) {
      if (k === last) continue;
      const other = runs[k](a);
      if (other !== undefined) {
        last = k;
        return other;
      }
    }
    return undefined;
  };
}
