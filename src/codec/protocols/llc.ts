/**
 * IEEE 802.2 Logical Link Control header, with the SNAP extension (IEEE 802, RFC 1042) that
 * carries an EtherType: what 802.11 data frames, 802.3 length-field frames and Linux cooked
 * frames of protocol 0x0004 hold. DSAP, SSAP, then a control field of 1 byte (unnumbered format)
 * or 2 (information and supervisory formats); when DSAP and SSAP are 0xaa and control is 0x03,
 * a 3-byte OUI and a 2-byte protocol id follow. OUI 0 (RFC 1042) and 0x0000f8 (802.1H) make the
 * protocol id an EtherType.
 */
import { ContentError, FieldValueError, LengthError } from '../errors.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import type { LayerCodec, NextLayer } from '../layer.js';
import { decodeStep } from '../layer.js';
import { checkUint, putBe16 } from '../option-list.js';
import { uint } from '../field.js';

/** The format of an LLC control field: information, supervisory or unnumbered. */
export type LlcFormat = 'information' | 'supervisory' | 'unnumbered';

/** The fields of a decoded IEEE 802.2 LLC header, as `decode()` gives them. */
export interface LlcFields {
  dsap: number;
  ssap: number;
  /** Format of the control field: the low bits of its first byte (0 I, 01 S, 11 U). */
  format: LlcFormat;
  /** 1 byte (unnumbered) or 2 bytes, first byte high (information, supervisory). */
  control: number;
  /** SNAP only: organisation code. */
  oui?: number;
  /** SNAP only: protocol id (an EtherType when the OUI is 0 or 0x0000f8). */
  pid?: number;
}

/** What the builders and `encodeLayers` take for IEEE 802.2 LLC: any field may be left out (defaults, computed lengths and checksums). */
export interface LlcInput {
  /** Default 0xaa (SNAP). */
  dsap?: number;
  /** Default 0xaa (SNAP). */
  ssap?: number;
  /** Default: from `control` (unnumbered when it fits one byte with low bits 11). */
  format?: LlcFormat;
  /** Default 0x03 (UI). */
  control?: number;
  /** SNAP: default 0. */
  oui?: number;
  /** SNAP: default from the next layer's EtherType. */
  pid?: number;
}

declare module '../types.js' {
  interface LayerTypes {
    llc: { fields: LlcFields; input: LlcInput } & BindingTypes<typeof binding>;
  }
}

const SNAP_SAP = 0xaa;
const UI = 0x03;
const ETHERTYPE_OUIS = new Set([0x000000, 0x0000f8]);

function fail(field: string, value: unknown, allowed: string): never {
  throw new FieldValueError('llc', field, value, allowed);
}

function formatOf(firstControlByte: number): LlcFormat {
  if ((firstControlByte & 1) === 0) return 'information';
  return (firstControlByte & 3) === 1 ? 'supervisory' : 'unnumbered';
}

interface Plan {
  dsap: number;
  ssap: number;
  control: number;
  controlLength: number;
  snap: boolean;
}

function plan(f: LlcInput): Plan {
  const dsap = checkUint(f.dsap ?? SNAP_SAP, 8, 'dsap', fail);
  const ssap = checkUint(f.ssap ?? SNAP_SAP, 8, 'ssap', fail);
  const control = checkUint(f.control ?? UI, 16, 'control', fail);
  const format = f.format ?? (control <= 0xff && (control & 3) === 3 ? 'unnumbered' : formatOf(control >> 8));
  if (format !== 'information' && format !== 'supervisory' && format !== 'unnumbered') fail('format', format, '"information", "supervisory" or "unnumbered"');
  const controlLength = format === 'unnumbered' ? 1 : 2;
  const first = controlLength === 1 ? control : control >> 8;
  if (control > (controlLength === 1 ? 0xff : 0xffff) || formatOf(first) !== format) {
    fail('control', control, `a ${format} control field (${format === 'unnumbered' ? 'one byte with low bits 11' : `two bytes, the first with low bits ${format === 'information' ? '0' : '01'}`})`);
  }
  const snap = dsap === SNAP_SAP && ssap === SNAP_SAP && controlLength === 1 && control === UI;
  if (!snap && (f.oui !== undefined || f.pid !== undefined)) fail(f.oui !== undefined ? 'oui' : 'pid', f.oui ?? f.pid, 'no value: only SNAP headers (DSAP and SSAP 0xaa, control 0x03) have one');
  return { dsap, ssap, control, controlLength, snap };
}

const binding = { follows: ['start', 'ethernet', 'linux-sll', 'linux-sll2', 'ieee80211'] } as const satisfies LayerBinding;

export const llc: LayerCodec = {
  name: 'llc',
  title: 'IEEE 802.2 LLC / SNAP',
  rfc: 'IEEE 802.2, IEEE 802 clause 10 (SNAP), RFC 1042',
  fields: [
    uint('dsap', 8, { doc: 'Destination service access point (0xaa SNAP)', default: SNAP_SAP }),
    uint('ssap', 8, { doc: 'Source service access point (0xaa SNAP)', default: SNAP_SAP }),
  ],
  extraFields: [
    { name: 'format', doc: '`information`, `supervisory` (2-byte control) or `unnumbered` (1 byte); default from `control`' },
    { name: 'control', doc: 'Control field (default 0x03, unnumbered information)' },
    { name: 'oui', doc: 'SNAP organisation code (default 0)' },
    { name: 'pid', doc: 'SNAP protocol id: an EtherType under OUI 0 (auto from the next layer)' },
  ],
  ...binding,
  writesEveryByte: true,

  measure(frame) {
    const p = plan(frame.fields as LlcInput);
    frame.state = p;
    return 2 + p.controlLength + (p.snap ? 5 : 0);
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const p = frame.state as Plan;
    const f = frame.fields as LlcInput;
    let at = frame.offset;
    buf[at++] = p.dsap;
    buf[at++] = p.ssap;
    if (p.controlLength === 2) buf[at++] = p.control >> 8;
    buf[at++] = p.control & 0xff;
    if (!p.snap) return;
    const oui = checkUint(f.oui ?? 0, 24, 'oui', fail);
    buf[at] = oui >>> 16;
    buf[at + 1] = (oui >>> 8) & 0xff;
    buf[at + 2] = oui & 0xff;
    putBe16(buf, at + 3, checkUint(f.pid ?? frames[index + 1]?.codec.etherType ?? 0x88b5, 16, 'pid', fail));
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 3) throw new LengthError('llc', off, 3, end - off, 'buffer');
    const dsap = buf[off];
    const ssap = buf[off + 1];
    const format = formatOf(buf[off + 2]);
    const controlLength = format === 'unnumbered' ? 1 : 2;
    if (end - off < 2 + controlLength) throw new LengthError('llc', off, 2 + controlLength, end - off, 'buffer', `an ${format} control field has 2 bytes`);
    const control = controlLength === 1 ? buf[off + 2] : (buf[off + 2] << 8) | buf[off + 3];
    const at = off + 2 + controlLength;
    if (!(dsap === SNAP_SAP && ssap === SNAP_SAP && control === UI && controlLength === 1)) {
      return decodeStep({ dsap, ssap, format, control }, at, end, 'raw');
    }
    if (end - at < 5) throw new LengthError('llc', off, at + 5 - off, end - off, 'buffer', 'the SNAP header is cut short');
    const oui = (buf[at] << 16) | (buf[at + 1] << 8) | buf[at + 2];
    const pid = (buf[at + 3] << 8) | buf[at + 4];
    let next: NextLayer = 'raw';
    if (ETHERTYPE_OUIS.has(oui)) {
      if (pid >= 0x0600) next = { etherType: pid };
      else ctx.report(new ContentError('llc', at + 3, 'pid', pid, 'an EtherType (0x0600 or more) under OUI 0'));
    }
    return decodeStep({ dsap, ssap, format, control, oui, pid }, at + 5, end, next);
  },

  summary: (f) => (f.oui === undefined ? `LLC dsap 0x${(f.dsap as number).toString(16)} ssap 0x${(f.ssap as number).toString(16)}` : `SNAP oui 0x${(f.oui as number).toString(16).padStart(6, '0')} pid 0x${(f.pid as number).toString(16).padStart(4, '0')}`),
};
