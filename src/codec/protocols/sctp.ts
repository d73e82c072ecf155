/**
 * Stream Control Transmission Protocol: RFC 9260. The common header (ports, verification tag,
 * CRC32c checksum) and its chunks, a typed list (sctp-chunks.ts). Carried directly by IPv4 or
 * IPv6 (protocol 132) or encapsulated in UDP (RFC 6951, port 9899).
 *
 * The checksum is CRC32c over the whole packet with the checksum field zero, without any
 * pseudo-header, written in the byte order of RFC 9260 appendix B (see crc32c.ts). Left out it
 * is computed; given, including 0, it is written as given.
 */
import { compileHeader } from '../header.js';
import type { AnswerTypes, BindingTypes, LayerBinding } from '../types.js';
import { uint } from '../field.js';
import { BundlingError, LengthError } from '../errors.js';
import type { FastForm, LayerCodec } from '../layer.js';
import { fillChecksumOf, verifyCrcOf } from '../fast-form.js';
import { decodeStep } from '../layer.js';
import { bundlingViolations, chunkSummary, sctpChunks, type BundlingViolation, type SctpChunk, type SctpChunkInput } from './sctp-chunks.js';
import { Writer, type Item } from './sctp-tlv.js';
import { IPV6_EXTENSION_LAYERS } from './ipv6-chain.js';
import { CompiledList } from './sctp-compiled.js';
import { sctpAnswers } from './sctp-answers.js';

/** The fields of a decoded SCTP common header (RFC 9260) header, as `decode()` gives them. */
export interface SctpFields {
  srcPort: number;
  dstPort: number;
  verificationTag: number;
  /** The four checksum bytes read big-endian (RFC 9260 appendix B writes the CRC32c least significant byte first). */
  checksum: number;
  chunks: SctpChunk[];
}

/** What the builders and `encodeLayers` take for SCTP common header (RFC 9260): any field may be left out (defaults, computed lengths and checksums). */
export interface SctpInput {
  /** Default 9. */
  srcPort?: number;
  /** Default 9. */
  dstPort?: number;
  /** Default 0 (what an INIT carries). */
  verificationTag?: number;
  /** Default: the CRC32c. An explicit value, including 0, is written as given. */
  checksum?: number;
  /** Default: none. */
  chunks?: readonly SctpChunkInput[];
}

declare module '../types.js' {
  interface LayerTypes {
    sctp: { fields: SctpFields; input: SctpInput } & BindingTypes<typeof binding> & AnswerTypes<typeof sctpAnswers>;
  }
}

/** IANA protocol number (RFC 9260 section 14.6). */
const PROTOCOL = 132;
/** UDP port for SCTP over UDP (RFC 6951 section 5.1). */
export const SCTP_UDP_PORT = 9899;

const header = compileHeader<SctpFields>('sctp', [
  uint('srcPort', 16, { doc: 'Source port', default: 9 }),
  uint('dstPort', 16, { doc: 'Destination port', default: 9 }),
  uint('verificationTag', 32, { doc: 'Verification tag (0 in an INIT)' }),
  uint('checksum', 32, { doc: 'CRC32c over the packet (RFC 9260 appendix B byte order)', role: 'checksum' }),
]);

const NO_AUTO = {};
const chunkTypes = (chunks: readonly Item[]): number[] => chunks.map((c) => sctpChunks.codeOf(c.type) ?? -1);
const NO_VIOLATIONS: readonly BundlingViolation[] = [];
/** The bundling rules the chunks break; a packet of one chunk (most) breaks none, and needs no list of types to say so. */
const bundling = (chunks: readonly Item[]): readonly BundlingViolation[] => (chunks.length < 2 ? NO_VIOLATIONS : bundlingViolations(chunkTypes(chunks)));

const binding = { follows: ['ipv4', 'ipv6', ...IPV6_EXTENSION_LAYERS, 'udp'], ipProtocol: PROTOCOL, udpPort: SCTP_UDP_PORT } as const satisfies LayerBinding;

/**
 * The chunks the fast form's `measure` encoded, for its `write` right after (encoding is
 * synchronous, and SCTP is the last layer of a stack: one per packet).
 */
const encodedChunks = new Writer();

/** The chunk list compiled per shape (sctp-compiled.ts): the fast form's, falling back to the generic list code. */
const compiledChunks = new CompiledList(sctpChunks, 'chunks');

/** Whether the chunks the fast form's `decoded` read drew a report: then the codec decodes the packet (decoding is synchronous). */
let reported = false;
const noteReport = (): void => {
  reported = true;
};

/**
 * The common form: the common header, the chunks as its tail, and the CRC32c over the packet,
 * declared once: the fast paths compile it, `fillChecksum` and `verifyChecksum` are derived from
 * it (fast-form.ts). Chunks that draw a bundling warning, or padding that leaves the packet off
 * a 4-byte boundary, are the codec's.
 */
const form: FastForm = {
  header,
  tail: {
    field: 'chunks',
    measure(chunks) {
      if (!Array.isArray(chunks)) return -1;
      encodedChunks.at = 0;
      compiledChunks.write(chunks, encodedChunks);
      const length = encodedChunks.at;
      if (length % 4 !== 0 || bundling(chunks as Item[]).length) return -1;
      return length;
    },
    write(_chunks, buf, at) {
      // One TypedArray.prototype.set: for an INIT's 44 bytes a byte loop here cost about 40 ns
      // more (two builds in one process, CPU time), though a loop wins in isolation.
      buf.set(encodedChunks.written(), at);
      return at + encodedChunks.at;
    },
    maxHeader: 0xffff,
  },
  checksum: { kind: 'crc32c' },
  decoded(fields, buf, start, end) {
    if (end - start > 12 && end - start < 16) return false;
    // The compiled form decodes only what the list code would decode without a report.
    let chunks = compiledChunks.decode(buf, start + 12, end);
    if (chunks === undefined) {
      reported = false;
      chunks = sctpChunks.decode(buf, start + 12, end, 'chunks', noteReport);
      if (reported || chunks === undefined) return false;
    }
    if (bundling(chunks).length) return false;
    fields.chunks = chunks;
    return true;
  },
};

export const sctp: LayerCodec = {
  name: 'sctp',
  title: 'Stream Control Transmission Protocol',
  rfc: 'RFC 9260',
  fields: header.fields,
  extraFields: [
    {
      name: 'chunks',
      doc: `Chunks: ${[...sctpChunks.byName.keys()].join(', ')}, or raw { type, flags, data }; each may give length and padding explicitly`,
    },
  ],
  ...binding,

  measure(frame) {
    const chunks = frame.fields.chunks;
    const bytes = sctpChunks.encode(chunks, 'chunks');
    if (Array.isArray(chunks) && frame.warn) {
      for (const v of bundling(chunks as Item[])) frame.warn(new BundlingError('sctp', -1, v.index, v.message));
    }
    frame.state = bytes;
    return 12 + bytes.length;
  },

  write(buf, frames, index) {
    const frame = frames[index];
    header.write(buf, frame.offset, frame.fields as unknown as SctpFields, NO_AUTO);
    buf.set(frame.state as Uint8Array, frame.offset + 12);
  },

  checksumOffset: 8,

  fillChecksum: fillChecksumOf(form, 8),

  decode(ctx, off, end) {
    if (end - off < 12) throw new LengthError('sctp', off, 12, end - off, 'buffer');
    if (end - off > 12 && end - off < 16) throw new LengthError('sctp', off + 12, 4, end - off - 12, 'buffer', 'bytes after the common header too short for a chunk');
    const fields = header.read(ctx.buf, off) as unknown as Record<string, unknown>;
    const offsets: number[] = [];
    const chunks = sctpChunks.decode(ctx.buf, off + 12, end, 'chunks', (e) => ctx.report(e), offsets)!;
    fields.chunks = chunks;
    for (const v of bundling(chunks)) ctx.report(new BundlingError('sctp', offsets[v.index] ?? off, v.index, v.message));
    return decodeStep(fields, end, end, undefined);
  },

  verifyChecksum: verifyCrcOf(form),

  fast: form,

  answers: sctpAnswers,

  summary(f) {
    const chunks = (f.chunks as Item[]).map(chunkSummary).join(', ');
    return `SCTP ${f.srcPort} > ${f.dstPort} vtag 0x${(f.verificationTag as number).toString(16).padStart(8, '0')} [${chunks}]`;
  },
};
