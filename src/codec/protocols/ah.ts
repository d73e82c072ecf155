/**
 * IP Authentication Header: RFC 4302. Opaque but length-correct: the Payload Length is computed
 * from the ICV, which is kept as bytes (no keys, no verification). Over IPv6 the header must be
 * a multiple of 8 octets, over IPv4 of 4 (RFC 4302 section 2.2).
 */
import { compileHeader } from '../header.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { uint } from '../field.js';
import { bytesInput } from '../bytes.js';
import { FieldValueError, LengthError } from '../errors.js';
import { deviationRules } from '../deviation.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { IP_PROTOCOL, IPV6_EXTENSION_LAYERS, NO_NEXT_HEADER, nextHeaderAfter } from './ipv6-chain.js';

/** The fields of a decoded IP Authentication Header (RFC 4302) header, as `decode()` gives them. */
export interface AhFields {
  nextHeader: number;
  /** Header length in 32-bit words, minus 2. */
  payloadLength: number;
  reserved: number;
  /** Security Parameters Index. */
  spi: number;
  /** Sequence number. */
  seq: number;
  /** Integrity Check Value (hex in JSON). */
  icv: Uint8Array;
}

/** What the builders and `encodeLayers` take for IP Authentication Header (RFC 4302): any field may be left out (defaults, computed lengths and checksums). */
export interface AhInput {
  /** Default: from the next layer; 59 when raw data or nothing follows. */
  nextHeader?: number;
  /** Default: computed from the ICV length. */
  payloadLength?: number;
  reserved?: number;
  /** Default 0x100 (the first value outside the range RFC 4302 reserves). */
  spi?: number;
  seq?: number;
  /** Default: 12 zero octets, the length of HMAC-SHA-1-96 (RFC 2404), which makes a 24-octet header. */
  icv?: Uint8Array | string;
}

declare module '../types.js' {
  interface LayerTypes {
    ah: { fields: AhFields; input: AhInput } & BindingTypes<typeof binding>;
  }
}

const LAYER = 'ah';
const DEFAULT_ICV = new Uint8Array(12);

const header = compileHeader<AhFields>(LAYER, [
  uint('nextHeader', 8, { doc: 'Protocol number of the next header', role: 'auto' }),
  uint('payloadLength', 8, { doc: 'Header length in 32-bit words, minus 2', role: 'auto' }),
  uint('reserved', 16, { doc: 'Reserved' }),
  uint('spi', 32, { doc: 'Security Parameters Index', default: 0x100 }),
  uint('seq', 32, { doc: 'Sequence number' }),
]);

const auto = { nextHeader: 0, payloadLength: 0 };

/** Length rules of RFC 4302 section 2.2 that a parseable header may still break. */
const deviations = deviationRules(LAYER, {
  payloadLength: { field: 'payloadLength', expected: 'at least 1 (the 12-octet fixed part)', rfc: 'RFC 4302 section 2.2' },
  'ipv6-length': { field: 'payloadLength', expected: 'a header of a multiple of 8 octets over IPv6', rfc: 'RFC 4302 section 2.2' },
});

const binding = { follows: ['ipv4', 'ipv6', ...IPV6_EXTENSION_LAYERS], ipProtocol: IP_PROTOCOL.ah } as const satisfies LayerBinding;

export const ah: LayerCodec = {
  name: LAYER,
  title: 'IP Authentication Header',
  rfc: 'RFC 4302',
  fields: header.fields,
  extraFields: [{ name: 'icv', doc: 'Integrity Check Value (default 12 zero octets)' }],
  ...binding,

  measure(frame) {
    const f = frame.fields as AhInput;
    const icv = f.icv === undefined ? DEFAULT_ICV : bytesInput(LAYER, 'icv', f.icv);
    const length = 12 + icv.length;
    if (f.payloadLength === undefined && (length % 4 !== 0 || length > 1028)) {
      throw new FieldValueError(LAYER, 'icv', `${icv.length} bytes`, 'a multiple of 4 bytes making a header of at most 1028 bytes (or give payloadLength explicitly)');
    }
    frame.state = icv;
    return length;
  },

  write(buf, frames, index) {
    const frame = frames[index];
    auto.nextHeader = nextHeaderAfter(frames, index);
    auto.payloadLength = Math.max(0, Math.ceil(frame.headerLength / 4) - 2);
    header.write(buf, frame.offset, frame.fields as unknown as AhFields, auto);
    buf.set(frame.state as Uint8Array, frame.offset + 12);
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 12) throw new LengthError(LAYER, off, 12, end - off, 'buffer');
    const fields = header.read(buf, off);
    let length = (fields.payloadLength + 2) * 4;
    if (length < 12) {
      ctx.report(deviations.error('payloadLength', off + 1, fields.payloadLength));
      length = 12;
    } else if (length % 8 !== 0 && ctx.ipIndex >= 0 && ctx.stack[ctx.ipIndex].codec.name === 'ipv6') {
      ctx.report(deviations.error('ipv6-length', off + 1, fields.payloadLength, { expected: `a header of a multiple of 8 octets over IPv6, not ${length}` }));
    }
    if (off + length > end) throw new LengthError(LAYER, off, length, end - off, 'ah.payloadLength');
    fields.icv = Buffer.from(buf.subarray(off + 12, off + length));
    return decodeStep(fields as unknown as Record<string, unknown>, off + length, end, fields.nextHeader === NO_NEXT_HEADER ? 'raw' : { ipProtocol: fields.nextHeader });
  },

  summary: (f) => `AH spi 0x${(f.spi as number).toString(16)} seq ${f.seq} nh ${f.nextHeader}`,
};
