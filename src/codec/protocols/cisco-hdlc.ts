/**
 * Cisco HDLC framing (LINKTYPE_C_HDLC, 104; RFC 1547 section 4.3.1): address 0x0f (unicast) or
 * 0x8f (broadcast), control 0, then an EtherType. Also what LINKTYPE_PPP_HDLC (50) files hold
 * when a frame starts with 0x0f or 0x8f instead of PPP's 0xff.
 */
import { compileHeader } from '../header.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { uint } from '../field.js';
import { LengthError } from '../errors.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';

/** The fields of a decoded Cisco HDLC header, as `decode()` gives them. */
export interface CiscoHdlcFields {
  /** 0x0f unicast, 0x8f broadcast. */
  address: number;
  control: number;
  /** EtherType of the payload (0x0800 IPv4, 0x86dd IPv6, 0x8035 SLARP keepalives). */
  protocol: number;
}

/** What the builders and `encodeLayers` take for Cisco HDLC: any field may be left out (defaults, computed lengths and checksums). */
export interface CiscoHdlcInput {
  address?: number;
  control?: number;
  protocol?: number;
}

declare module '../types.js' {
  interface LayerTypes {
    'cisco-hdlc': { fields: CiscoHdlcFields; input: CiscoHdlcInput } & BindingTypes<typeof binding>;
  }
}

/** Address bytes of Cisco HDLC frames, for telling them from PPP in LINKTYPE_PPP_HDLC files. */
export const CISCO_HDLC_ADDRESSES: ReadonlySet<number> = new Set([0x0f, 0x8f]);

const head = compileHeader<CiscoHdlcFields>('cisco-hdlc', [
  uint('address', 8, { doc: 'Address: 0x0f unicast, 0x8f broadcast', default: 0x0f }),
  uint('control', 8, { doc: 'Control, 0' }),
  uint('protocol', 16, { doc: 'EtherType of the payload (auto from the next layer; 0x8035 SLARP)', role: 'auto' }),
]);

const binding = { follows: ['start', 'pktap'] } as const satisfies LayerBinding;

export const ciscoHdlc: LayerCodec = {
  name: 'cisco-hdlc',
  title: 'Cisco HDLC',
  rfc: 'RFC 1547 section 4.3.1, LINKTYPE_C_HDLC (104)',
  fields: head.fields,
  ...binding,
  writesEveryByte: true,
  measure: () => 4,

  write(buf, frames, index) {
    const frame = frames[index];
    head.write(buf, frame.offset, frame.fields as unknown as CiscoHdlcFields, { protocol: frames[index + 1]?.codec.etherType ?? 0x88b5 });
  },

  decode(ctx, off, end) {
    if (end - off < 4) throw new LengthError('cisco-hdlc', off, 4, end - off, 'buffer');
    const fields = head.read(ctx.buf, off);
    return decodeStep(fields as unknown as Record<string, unknown>, off + 4, end, { etherType: fields.protocol });
  },

  summary: (f) => `Cisco HDLC ${(f.address as number) === 0x8f ? 'broadcast' : 'unicast'} proto 0x${(f.protocol as number).toString(16).padStart(4, '0')}`,
};
