/**
 * Virtual eXtensible Local Area Network: RFC 7348 section 5. An 8-byte header after UDP
 * destination port 4789 (IANA), then a whole Ethernet frame:
 * `ipv4().udp({ srcPort: 49152, dstPort: 4789 }).vxlan({ vni: 42 }).ethernet().ipv4()...`.
 */
import { compileHeader } from '../header.js';
import { uint } from '../field.js';
import { LengthError } from '../errors.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { deviationRules } from '../deviation.js';

export interface VxlanFields {
  /** R R R R I R R R: 0x08, the I flag (a valid VNI) alone. */
  flags: number;
  /** 24 bits, 0 on transmission. */
  reserved1: number;
  /** VXLAN Network Identifier, 24 bits. */
  vni: number;
  /** 8 bits, 0 on transmission. */
  reserved2: number;
}

export type VxlanInput = Partial<VxlanFields>;

/** The IANA port (RFC 7348 section 5); a VXLAN header after UDP is decoded when either port is it. */
export const VXLAN_UDP_PORT = 4789;

const binding = { follows: ['udp'], carries: ['ethernet'], udpPort: VXLAN_UDP_PORT } as const satisfies LayerBinding;

declare module '../types.js' {
  interface LayerTypes {
    vxlan: { fields: VxlanFields; input: VxlanInput } & BindingTypes<typeof binding>;
  }
}

const I_FLAG = 0x08;

const header = compileHeader<VxlanFields>('vxlan', [
  uint('flags', 8, { doc: 'Flags R R R R I R R R: 0x08 (I: the VNI is valid)', default: I_FLAG }),
  uint('reserved1', 24, { doc: 'Reserved, 0' }),
  uint('vni', 24, { doc: 'VXLAN Network Identifier' }),
  uint('reserved2', 8, { doc: 'Reserved, 0' }),
]);
const NO_AUTO = {};

const deviations = deviationRules('vxlan', {
  'i-flag': { field: 'flags', expected: 'the I flag (0x08) set: the VNI is valid', rfc: 'RFC 7348 section 5' },
});

export const vxlan: LayerCodec = {
  name: 'vxlan',
  title: 'Virtual eXtensible Local Area Network',
  rfc: 'RFC 7348',
  fields: header.fields,
  ...binding,

  writesEveryByte: true,

  measure: () => 8,

  write(buf, frames, index) {
    const frame = frames[index];
    header.write(buf, frame.offset, frame.fields as unknown as VxlanFields, NO_AUTO);
  },

  decode(ctx, off, end) {
    if (end - off < 8) throw new LengthError('vxlan', off, 8, end - off, 'buffer');
    const fields = header.read(ctx.buf, off);
    // Reserved bits are ignored on receipt (RFC 7348 section 5); only a missing I flag is a deviation.
    if (!(fields.flags & I_FLAG)) ctx.report(deviations.error('i-flag', off, fields.flags));
    return decodeStep(fields as unknown as Record<string, unknown>, off + 8, end, 'ethernet');
  },

  summary: (f) => `VXLAN vni ${f.vni}`,
};
