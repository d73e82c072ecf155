/**
 * IP Encapsulating Security Payload: RFC 4303. Opaque: the SPI and sequence number are decoded;
 * everything after them (payload, padding, pad length, next header, ICV) is encrypted or at
 * least unknowable without the SA, so it is a raw layer that the ESP header's length covers.
 */
import { compileHeader } from '../header.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { uint } from '../field.js';
import { LengthError } from '../errors.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { IP_PROTOCOL, IPV6_EXTENSION_LAYERS } from './ipv6-chain.js';

/** The fields of a decoded IP Encapsulating Security Payload (RFC 4303) header, as `decode()` gives them. */
export interface EspFields {
  /** Security Parameters Index. */
  spi: number;
  /** Sequence number. */
  seq: number;
}

/** What the builders and `encodeLayers` take for IP Encapsulating Security Payload (RFC 4303): any field may be left out (defaults, computed lengths and checksums). */
export type EspInput = Partial<EspFields>;

declare module '../types.js' {
  interface LayerTypes {
    esp: { fields: EspFields; input: EspInput } & BindingTypes<typeof binding>;
  }
}

const LAYER = 'esp';
const NO_AUTO = {};

const header = compileHeader<EspFields>(LAYER, [
  uint('spi', 32, { doc: 'Security Parameters Index', default: 0x100 }),
  uint('seq', 32, { doc: 'Sequence number' }),
]);

const binding = { follows: ['ipv4', 'ipv6', ...IPV6_EXTENSION_LAYERS], ipProtocol: IP_PROTOCOL.esp } as const satisfies LayerBinding;

export const esp: LayerCodec = {
  name: LAYER,
  title: 'IP Encapsulating Security Payload',
  rfc: 'RFC 4303',
  fields: header.fields,
  ...binding,

  measure: () => 8,

  write(buf, frames, index) {
    header.write(buf, frames[index].offset, frames[index].fields as unknown as EspFields, NO_AUTO);
  },

  decode(ctx, off, end) {
    if (end - off < 8) throw new LengthError(LAYER, off, 8, end - off, 'buffer');
    return decodeStep(header.read(ctx.buf, off) as unknown as Record<string, unknown>, off + 8, end, 'raw');
  },

  summary: (f) => `ESP spi 0x${(f.spi as number).toString(16)} seq ${f.seq}`,
};
