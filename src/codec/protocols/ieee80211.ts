/**
 * IEEE 802.11 MAC header (IEEE Std 802.11-2020 clause 9.2, LINKTYPE_IEEE802_11, 105, without
 * FCS): frame control, duration, one to four addresses, sequence control, QoS and HT control.
 * Data frames carry an LLC/SNAP header (then IP); management and control frame bodies, protected
 * (encrypted) bodies and A-MSDUs stay raw. Multi-byte fields are little-endian.
 */
import { compileHeader } from '../header.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { enumOf, flags, uint } from '../field.js';
import { bytesInput, parseMac, readMac } from '../bytes.js';
import { ContentError, FieldValueError, LengthError } from '../errors.js';
import type { LayerCodec, NextLayer } from '../layer.js';
import { decodeStep } from '../layer.js';
import { checkList, checkUint } from '../option-list.js';
import { le16, le32, putLe16, putLe32 } from './link-layers.js';

/** The type of an IEEE 802.11 frame: management, control, data or extension. */
export type FrameType = 'management' | 'control' | 'data' | 'extension';
/** A flag of the IEEE 802.11 Frame Control field by name. */
export type Ieee80211Flag = 'order' | 'protected' | 'more-data' | 'power-management' | 'retry' | 'more-fragments' | 'from-ds' | 'to-ds';

/** The fields of a decoded IEEE 802.11 header, as `decode()` gives them. */
export interface Ieee80211Fields {
  subtype: number;
  type: FrameType | number;
  version: number;
  flags: Ieee80211Flag[];
  /** Duration/ID in microseconds (an association id in PS-Poll frames). */
  duration: number;
  /** Address 1 to 4 in wire order; how many depends on type, subtype and the DS flags. */
  addresses: string[];
  /** Management and data frames: sequence number (12 bits) and fragment number (4 bits). */
  sequence?: number;
  fragment?: number;
  /** QoS data frames. */
  qosControl?: number;
  /** With the order flag, on QoS data and management frames. */
  htControl?: number;
  /** Bytes that pad the header to 32 bits when the radiotap flags say so (0x20). */
  padding?: Uint8Array;
}

/** What the builders and `encodeLayers` take for IEEE 802.11: any field may be left out (defaults, computed lengths and checksums). */
export interface Ieee80211Input {
  subtype?: number;
  /** Default `data`. */
  type?: FrameType | number;
  version?: number;
  flags?: readonly Ieee80211Flag[] | number;
  duration?: number;
  /** Default: all zero. */
  addresses?: readonly string[];
  sequence?: number;
  fragment?: number;
  qosControl?: number;
  htControl?: number;
  /** Give it when the radiotap flags have 0x20 (the header is padded to 32 bits). */
  padding?: Uint8Array | string;
}

declare module '../types.js' {
  interface LayerTypes {
    ieee80211: { fields: Ieee80211Fields; input: Ieee80211Input } & BindingTypes<typeof binding>;
  }
}

const MANAGEMENT = 0;
const CONTROL = 1;
const DATA = 2;
const TO_DS = 0x01;
const FROM_DS = 0x02;
const PROTECTED = 0x40;
const ORDER = 0x80;
const FLAG_NAMES: readonly Ieee80211Flag[] = ['order', 'protected', 'more-data', 'power-management', 'retry', 'more-fragments', 'from-ds', 'to-ds'];

const frameControl = compileHeader<Ieee80211Fields>('ieee80211', [
  uint('subtype', 4, { doc: 'Frame subtype (data: 0 data, 4 null, 8 QoS data; management: 8 beacon...)' }),
  enumOf('type', 2, { management: 0, control: 1, data: 2, extension: 3 }, { doc: 'Frame type', default: DATA }),
  uint('version', 2, { doc: 'Protocol version, 0' }),
  flags('flags', FLAG_NAMES, { doc: 'Frame control flags' }),
]);

/** The header's layout, from the frame control alone (IEEE 802.11-2020 clause 9.3). */
interface Layout {
  addresses: number;
  sequence: boolean;
  qos: boolean;
  ht: boolean;
}

function layoutOf(type: number, subtype: number, flagBits: number): Layout {
  if (type === CONTROL) {
    // CTS, ACK and the control wrapper name only the receiver; the others a receiver and a transmitter.
    const one = subtype === 0xc || subtype === 0xd || subtype === 0x7;
    return { addresses: one ? 1 : 2, sequence: false, qos: false, ht: false };
  }
  if (type === MANAGEMENT) return { addresses: 3, sequence: true, qos: false, ht: (flagBits & ORDER) !== 0 };
  if (type === DATA) {
    const qos = (subtype & 8) !== 0;
    const wds = (flagBits & (TO_DS | FROM_DS)) === (TO_DS | FROM_DS);
    return { addresses: wds ? 4 : 3, sequence: true, qos, ht: qos && (flagBits & ORDER) !== 0 };
  }
  // Extension frames (DMG beacons...): only frame control and duration are common.
  return { addresses: 0, sequence: false, qos: false, ht: false };
}

/** Radiotap flag 0x20: the capturing driver padded the 802.11 header to a multiple of 4 bytes. */
const RADIOTAP_DATA_PAD = 0x20;

const headerLength = (l: Layout): number => 4 + 6 * l.addresses + (l.sequence ? 2 : 0) + (l.qos ? 2 : 0) + (l.ht ? 4 : 0);

function fail(field: string, value: unknown, allowed: string): never {
  throw new FieldValueError('ieee80211', field, value, allowed);
}

/** The frame control word as numbers, validated (written by the compiled header first). */
function frameControlOf(buf: Uint8Array, off: number, f: Ieee80211Input): { type: number; subtype: number; flagBits: number } {
  frameControl.write(buf, off, f as unknown as Ieee80211Fields, {});
  return { type: (buf[off] >> 2) & 3, subtype: buf[off] >> 4, flagBits: buf[off + 1] };
}

const binding = { follows: ['start', 'radiotap', 'pktap'] } as const satisfies LayerBinding;

export const ieee80211: LayerCodec = {
  name: 'ieee80211',
  title: 'IEEE 802.11 MAC header',
  rfc: 'IEEE Std 802.11-2020 clause 9.2',
  fields: frameControl.fields,
  extraFields: [
    { name: 'duration', doc: 'Duration/ID, little-endian' },
    { name: 'addresses', doc: 'Address 1 to 4 in wire order (count from type, subtype, to-ds/from-ds); default zeros' },
    { name: 'sequence, fragment', doc: 'Sequence control (management and data frames)' },
    { name: 'qosControl', doc: 'QoS control (QoS data subtypes)' },
    { name: 'htControl', doc: 'HT control (order flag on QoS data and management frames)' },
    { name: 'padding', doc: 'Pad bytes to 32 bits, when the radiotap flags have 0x20 (give them to build such a frame)' },
  ],
  ...binding,

  measure(frame) {
    const scratch = new Uint8Array(2);
    const { type, subtype, flagBits } = frameControlOf(scratch, 0, frame.fields as Ieee80211Input);
    const layout = layoutOf(type, subtype, flagBits);
    const padding = frame.fields.padding === undefined ? undefined : bytesInput('ieee80211', 'padding', frame.fields.padding);
    if (padding && padding.length > 3) fail('padding', frame.fields.padding, 'up to 3 bytes, to a 32-bit boundary');
    frame.state = { layout, padding };
    return headerLength(layout) + (padding?.length ?? 0);
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const f = frame.fields as Ieee80211Input;
    const { layout, padding } = frame.state as { layout: Layout; padding: Uint8Array | undefined };
    frameControlOf(buf, frame.offset, f);
    putLe16(buf, frame.offset + 2, checkUint(f.duration ?? 0, 16, 'duration', fail));
    let at = frame.offset + 4;
    const addresses = f.addresses === undefined ? [] : checkList<string>(f.addresses, 'addresses', fail);
    if (f.addresses !== undefined && addresses.length !== layout.addresses) fail('addresses', addresses, `${layout.addresses} address${layout.addresses === 1 ? '' : 'es'} for this type, subtype and to-ds/from-ds`);
    for (let i = 0; i < layout.addresses; i++) {
      const mac = i < addresses.length ? parseMac(String(addresses[i])) : new Uint8Array(6);
      if (!mac) fail(`addresses[${i}]`, addresses[i], 'a MAC address such as 02:00:00:00:00:01');
      buf.set(mac, at);
      at += 6;
      // Address 4 comes after sequence control (clause 9.3.2.1).
      if (i === 2 && layout.sequence) {
        putLe16(buf, at, checkUint(f.fragment ?? 0, 4, 'fragment', fail) | (checkUint(f.sequence ?? 0, 12, 'sequence', fail) << 4));
        at += 2;
      }
    }
    for (const [field, present] of [['sequence', layout.sequence], ['fragment', layout.sequence], ['qosControl', layout.qos], ['htControl', layout.ht]] as const) {
      if (!present && f[field] !== undefined) fail(field, f[field], 'no value: this type, subtype and flag combination has no such field');
    }
    if (layout.qos) {
      putLe16(buf, at, checkUint(f.qosControl ?? 0, 16, 'qosControl', fail));
      at += 2;
    }
    if (layout.ht) {
      putLe32(buf, at, checkUint(f.htControl ?? 0, 32, 'htControl', fail));
      at += 4;
    }
    if (padding) buf.set(padding, at);
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 4) throw new LengthError('ieee80211', off, 4, end - off, 'buffer');
    const fields = frameControl.read(buf, off) as unknown as Record<string, unknown>;
    const type = (buf[off] >> 2) & 3;
    const subtype = buf[off] >> 4;
    const flagBits = buf[off + 1];
    const layout = layoutOf(type, subtype, flagBits);
    const length = headerLength(layout);
    if (end - off < length) throw new LengthError('ieee80211', off, length, end - off, 'buffer', `a ${fields.type} frame of subtype ${subtype} has a ${length}-byte header`);
    fields.duration = le16(buf, off + 2);
    const addresses: string[] = [];
    fields.addresses = addresses;
    let at = off + 4;
    for (let i = 0; i < layout.addresses; i++) {
      addresses.push(readMac(buf, at));
      at += 6;
      if (i === 2 && layout.sequence) {
        const sc = le16(buf, at);
        fields.sequence = sc >> 4;
        fields.fragment = sc & 15;
        at += 2;
      }
    }
    if (layout.qos) {
      fields.qosControl = le16(buf, at);
      at += 2;
    }
    if (layout.ht) {
      fields.htControl = le32(buf, at);
      at += 4;
    }
    const below = ctx.stack[ctx.stack.length - 1];
    // Only before a body: a frame that ends with its header has nothing to align.
    if (at < end && below?.codec.name === 'radiotap' && typeof below.fields.flags === 'number' && below.fields.flags & RADIOTAP_DATA_PAD) {
      const pad = (4 - ((at - off) % 4)) % 4;
      if (at + pad > end) throw new LengthError('ieee80211', off, at + pad - off, end - off, 'radiotap.flags', 'the radiotap flags announce padding to 32 bits');
      if (pad) fields.padding = Buffer.from(buf.subarray(at, at + pad));
      at += pad;
    }
    let next: NextLayer = 'raw';
    if (at < end && flagBits & PROTECTED) {
      ctx.report(new ContentError('ieee80211', off + 1, 'flags', fields.flags, 'a frame without the protected flag: its body is encrypted and stays raw'));
    } else if (type === DATA && (subtype & 4) === 0 && !(layout.qos && (fields.qosControl as number) & 0x80)) {
      // Data subtypes with a body, not an A-MSDU (QoS control bit 7): an LLC/SNAP header comes first.
      next = 'llc';
    }
    return decodeStep(fields, at, end, next);
  },

  summary(f) {
    const a = f.addresses as string[];
    return `802.11 ${typeof f.type === 'string' ? f.type : `type ${f.type as number}`} subtype ${f.subtype as number}${a.length > 1 ? ` ${a[1]} > ${a[0]}` : a.length ? ` to ${a[0]}` : ''}`;
  },
};
