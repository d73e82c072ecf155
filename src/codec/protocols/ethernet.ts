/** Ethernet II framing (IEEE 802.3 clause 3) with IEEE 802.1Q / 802.1ad VLAN tags. */
import { compileHeader } from '../header.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { macAddr } from '../field.js';
import { FieldValueError, LengthError } from '../errors.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { checkObject, checkUint, putBe16 } from '../option-list.js';

/** One IEEE 802.1Q (or 802.1ad) tag of an Ethernet header: priority, drop eligibility, VLAN id. */
export interface VlanTag {
  /** Tag protocol identifier: 0x8100 (802.1Q, default), 0x88a8 (802.1ad), 0x9100. */
  tpid?: number;
  /** Priority code point (3 bits). */
  pcp?: number;
  /** Drop eligible indicator (1 bit). */
  dei?: number;
  /** VLAN identifier (12 bits). */
  vid: number;
}

/** The fields of a decoded Ethernet II (IEEE 802.3), with its 802.1Q tags header, as `decode()` gives them. */
export interface EthernetFields {
  dst: string;
  src: string;
  /** Tags in wire order (outermost first). */
  vlans: Required<VlanTag>[];
  /** EtherType of the payload (or an 802.3 length when at most 1500). */
  etherType: number;
}

/** What the builders and `encodeLayers` take for Ethernet II (IEEE 802.3), with its 802.1Q tags: any field may be left out (defaults, computed lengths and checksums). */
export interface EthernetInput {
  /** Default ff:ff:ff:ff:ff:ff. */
  dst?: string;
  /** Default 00:00:00:00:00:00. */
  src?: string;
  vlans?: readonly VlanTag[];
  /** Default: from the next layer (0x0800 IPv4...), 0x88b5 (IEEE local experimental) for raw data. */
  etherType?: number;
  /**
   * Pad the frame with zero bytes to the Ethernet minimum: `true` for 60 bytes (64 on the wire
   * with the FCS, which the interface adds), or a number of bytes. The padding follows the
   * payload, so decoding shows it as the last layer's trailer. Default: no padding.
   */
  pad?: boolean | number;
}

declare module '../types.js' {
  interface LayerTypes {
    ethernet: { fields: EthernetFields; input: EthernetInput } & BindingTypes<typeof binding>;
  }
}

/** Tag protocol identifiers of VLAN tags: 802.1Q, 802.1ad, and the older 0x9100. */
export const VLAN_TPIDS: ReadonlySet<number> = new Set([0x8100, 0x88a8, 0x9100]);
/** IEEE 802.3 minimum frame size without the 4-byte FCS (Linux ETH_ZLEN). */
export const ETHERNET_MINIMUM = 60;
const LOCAL_EXPERIMENTAL = 0x88b5;

const macs = compileHeader<EthernetFields>('ethernet', [
  macAddr('dst', { doc: 'Destination MAC address', default: 'ff:ff:ff:ff:ff:ff' }),
  macAddr('src', { doc: 'Source MAC address', default: '00:00:00:00:00:00' }),
]);
const NO_AUTO = {};

const binding = { follows: ['start', 'pktap'] } as const satisfies LayerBinding;

export const ethernet: LayerCodec = {
  name: 'ethernet',
  title: 'Ethernet II',
  rfc: 'IEEE 802.3, IEEE 802.1Q',
  fields: macs.fields,
  extraFields: [
    { name: 'vlans', doc: 'VLAN tags: { tpid, pcp, dei, vid }' },
    { name: 'etherType', doc: 'EtherType of the payload (auto from the next layer)' },
    { name: 'pad', doc: 'Encode only: `true` (in an expression `pad=60`) pads the frame with zeros to 60 bytes, the minimum without FCS; a number pads to that many; decoded padding is the last layer\'s trailer' },
  ],
  ...binding,

  writesEveryByte: true,

  measure(frame) {
    const vlans = frame.fields.vlans;
    if (vlans !== undefined && !Array.isArray(vlans)) throw new FieldValueError('ethernet', 'vlans', vlans, 'a list of { tpid, pcp, dei, vid }');
    return 14 + 4 * ((vlans as VlanTag[] | undefined)?.length ?? 0);
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const f = frame.fields as EthernetInput;
    macs.write(buf, frame.offset, f as unknown as EthernetFields, NO_AUTO);
    let at = frame.offset + 12;
    const fail = (field: string, value: unknown, allowed: string): never => {
      throw new FieldValueError('ethernet', field, value, allowed);
    };
    (f.vlans ?? []).forEach((item, i) => {
      const tag = checkObject<VlanTag>(item, `vlans[${i}]`, fail);
      putBe16(buf, at, checkUint(tag.tpid ?? 0x8100, 16, `vlans[${i}].tpid`, fail));
      const tci = (checkUint(tag.pcp ?? 0, 3, `vlans[${i}].pcp`, fail) << 13) | (checkUint(tag.dei ?? 0, 1, `vlans[${i}].dei`, fail) << 12) | checkUint(tag.vid, 12, `vlans[${i}].vid`, fail);
      putBe16(buf, at + 2, tci);
      at += 4;
    });
    const etherType = f.etherType ?? frames[index + 1]?.codec.etherType ?? LOCAL_EXPERIMENTAL;
    putBe16(buf, at, checkUint(etherType, 16, 'etherType', fail));
  },

  padTo(fields) {
    const pad = fields.pad;
    if (pad === undefined || pad === false) return 0;
    if (pad === true) return ETHERNET_MINIMUM;
    return checkUint(pad, 16, 'pad', (field, value, allowed) => {
      throw new FieldValueError('ethernet', field, value, `true, false or ${allowed}`);
    });
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 14) throw new LengthError('ethernet', off, 14, end - off, 'buffer');
    const fields = macs.read(buf, off);
    const vlans: Required<VlanTag>[] = [];
    let at = off + 12;
    let type = (buf[at] << 8) | buf[at + 1];
    while (VLAN_TPIDS.has(type)) {
      if (at + 6 > end) throw new LengthError('ethernet', off, at + 6 - off, end - off, 'ethernet.vlans', 'a VLAN tag is cut short');
      const tci = (buf[at + 2] << 8) | buf[at + 3];
      vlans.push({ tpid: type, pcp: tci >> 13, dei: (tci >> 12) & 1, vid: tci & 0xfff });
      at += 4;
      type = (buf[at] << 8) | buf[at + 1];
    }
    fields.vlans = vlans;
    fields.etherType = type;
    // Values up to 1500 are 802.3 lengths of an LLC frame, not protocol numbers; what follows the length is padding.
    if (type <= 1500) return decodeStep(fields as unknown as Record<string, unknown>, at + 2, Math.min(end, at + 2 + type), 'llc');
    return decodeStep(fields as unknown as Record<string, unknown>, at + 2, end, { etherType: type });
  },

  summary: (f) => `Ethernet ${f.src} > ${f.dst} type 0x${(f.etherType as number).toString(16).padStart(4, '0')}${(f.vlans as VlanTag[]).map((v) => ` vlan ${v.vid}`).join('')}`,
};
