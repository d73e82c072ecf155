/**
 * Internet Group Management Protocol, IPv4 protocol 2: version 1 (RFC 1112 appendix I),
 * version 2 (RFC 2236 section 2) and version 3 (RFC 3376 section 4): membership queries
 * (a version 3 query, 12 bytes and more, adds source addresses), reports, leave group, and the
 * version 3 report with its group records. The checksum covers the whole IGMP message.
 */
import { compileHeader } from '../header.js';
import { enumOf, ipv4Addr, uint, type EnumValue } from '../field.js';
import { finishChecksum, sumWords } from '../checksum.js';
import { parseIpv4, readIpv4 } from '../bytes.js';
import { FieldValueError, LengthError } from '../errors.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { deviationRules } from '../deviation.js';
import { checkObject, checkUint, putBe16 } from '../option-list.js';

export const IGMP_TYPES = {
  'membership-query': 0x11,
  'v1-membership-report': 0x12,
  'v2-membership-report': 0x16,
  'leave-group': 0x17,
  'v3-membership-report': 0x22,
} as const;
export type IgmpTypeName = keyof typeof IGMP_TYPES;

/** RFC 3376 section 4.2.12. */
export const IGMP_RECORD_TYPES = {
  'mode-is-include': 1,
  'mode-is-exclude': 2,
  'change-to-include': 3,
  'change-to-exclude': 4,
  'allow-new-sources': 5,
  'block-old-sources': 6,
} as const;
export type IgmpRecordTypeName = keyof typeof IGMP_RECORD_TYPES;

/** One group record of a version 3 report. */
export interface IgmpGroupRecord {
  type: IgmpRecordTypeName | number;
  multicastAddress: string;
  sources: string[];
  /** Auxiliary data, a multiple of 4 bytes (hex in JSON); none is defined (RFC 3376 section 4.2.6). */
  auxData: Uint8Array;
}

export interface IgmpRecordInput {
  type?: EnumValue<IgmpRecordTypeName>;
  multicastAddress: string;
  sources?: readonly string[];
  auxData?: Uint8Array | string;
}

export interface IgmpFields {
  type: IgmpTypeName | number;
  /** Max Resp Time (v2, 1/10 s) or Max Resp Code (v3); 0 in v1 and in reports; Reserved in a v3 report. */
  maxRespCode: number;
  checksum: number;
  /** Group Address; absent in a v3 report. */
  group?: string;
  /** Version 3 query (12 bytes and more): Resv (4 bits), S, QRV, QQIC, sources. */
  reserved?: number;
  suppress?: boolean;
  qrv?: number;
  qqic?: number;
  sources?: string[];
  /** Version 3 report: the 16-bit Reserved field and the group records. */
  reserved2?: number;
  records?: IgmpGroupRecord[];
  /** Number of Sources / Number of Group Records, present only when it differs from the list (a malformed message). */
  sourceCount?: number;
  recordCount?: number;
}

export interface IgmpInput {
  type?: EnumValue<IgmpTypeName>;
  maxRespCode?: number;
  checksum?: number;
  group?: string;
  /** Any of these makes a query a version 3 query. */
  reserved?: number;
  suppress?: boolean;
  qrv?: number;
  qqic?: number;
  sources?: readonly string[];
  reserved2?: number;
  records?: readonly IgmpRecordInput[];
  /** Default: the number of sources / records given; set to write a wrong one. */
  sourceCount?: number;
  recordCount?: number;
}

const binding = { follows: ['ipv4'], carries: ['raw'], ipProtocol: 2 } as const satisfies LayerBinding;

declare module '../types.js' {
  interface LayerTypes {
    igmp: { fields: IgmpFields; input: IgmpInput } & BindingTypes<typeof binding>;
  }
}

const QUERY = 0x11;
const V3_REPORT = 0x22;

const head = compileHeader<IgmpFields>('igmp', [
  enumOf('type', 8, IGMP_TYPES, { doc: 'Message type', default: QUERY }),
  uint('maxRespCode', 8, { doc: 'Max Resp Time (v2) / Max Resp Code (v3), 0 in reports' }),
  uint('checksum', 16, { doc: 'Checksum over the whole IGMP message', role: 'checksum' }),
]);
const NO_AUTO = {};

const deviations = deviationRules('igmp', {
  'query-length': { field: 'length', expected: '8 bytes (v1, v2) or at least 12 (v3); between 9 and 11 the query is ignored', rfc: 'RFC 3376 section 7.1' },
  'record-length': { field: 'records', expected: 'group records that fit in the message, as many as Number of Group Records says', rfc: 'RFC 3376 section 4.2' },
});

const recordNames = Object.fromEntries(Object.entries(IGMP_RECORD_TYPES).map(([k, v]) => [v, k])) as Record<number, IgmpRecordTypeName>;

function fail(field: string, value: unknown, allowed: string): never {
  throw new FieldValueError('igmp', field, value, allowed);
}

function typeNumber(type: unknown): number {
  if (type === undefined) return QUERY;
  if (typeof type === 'string' && type in IGMP_TYPES) return IGMP_TYPES[type as IgmpTypeName];
  return checkUint(type, 8, 'type', () => fail('type', type, `an integer 0..255 or one of ${Object.keys(IGMP_TYPES).join(', ')}`));
}

/** Write a dotted-quad address checked by parseIpv4 (a 32-bit number). */
function putAddress(buf: Uint8Array, at: number, address: string): void {
  const n = parseIpv4(address)!;
  buf[at] = n >>> 24;
  buf[at + 1] = (n >>> 16) & 0xff;
  buf[at + 2] = (n >>> 8) & 0xff;
  buf[at + 3] = n & 0xff;
}

const addressList = (value: unknown, field: string): string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(field, value, 'a list of IPv4 addresses');
  return (value as unknown[]).map((a, i) => {
    if (typeof a !== 'string' || parseIpv4(a) === undefined) fail(`${field}[${i}]`, a, 'an IPv4 address in dotted-quad form, e.g. 192.0.2.1');
    return a as string;
  });
};

const auxBytes = (value: unknown, field: string): Uint8Array => {
  if (value === undefined) return new Uint8Array(0);
  const bytes = typeof value === 'string' && /^([0-9a-f]{2})*$/i.test(value) ? Buffer.from(value, 'hex') : value instanceof Uint8Array ? value : fail(field, value, 'bytes (a Uint8Array or hex text), a multiple of 4 long');
  if (bytes.length % 4 !== 0 || bytes.length > 255 * 4) fail(field, value, 'bytes (a Uint8Array or hex text), a multiple of 4 long, at most 1020');
  return bytes;
};

interface State {
  readonly type: number;
  readonly v3Query: boolean;
  readonly sources: string[];
  readonly records: { type: number; address: string; sources: string[]; aux: Uint8Array }[];
}

const isV3Query = (f: IgmpInput): boolean => f.sources !== undefined || f.qrv !== undefined || f.qqic !== undefined || f.suppress !== undefined || f.reserved !== undefined;

export const igmp: LayerCodec = {
  name: 'igmp',
  title: 'Internet Group Management Protocol',
  rfc: 'RFC 1112, RFC 2236, RFC 3376',
  fields: head.fields,
  extraFields: [
    { name: 'group', doc: 'Group Address (every message but the v3 report); default 0.0.0.0' },
    { name: 'reserved, suppress, qrv, qqic, sources', doc: 'Version 3 query (RFC 3376 section 4.1): Resv, S flag, QRV, QQIC and source addresses; any of them makes the query v3' },
    { name: 'reserved2, records', doc: 'Version 3 report (RFC 3376 section 4.2): Reserved, and group records { type, multicastAddress, sources, auxData }' },
    { name: 'sourceCount, recordCount', doc: 'Number of Sources / of Group Records when it differs from the list (auto: the list length)' },
  ],
  ...binding,

  writesEveryByte: true,

  measure(frame) {
    const f = frame.fields as IgmpInput;
    const type = typeNumber(f.type);
    if (type === V3_REPORT) {
      if (f.records !== undefined && !Array.isArray(f.records)) fail('records', f.records, 'a list of { type, multicastAddress, sources, auxData }');
      const records = (f.records ?? []).map((item, i) => {
        const r = checkObject<IgmpRecordInput>(item, `records[${i}]`, fail);
        const rt = r.type === undefined ? 1 : typeof r.type === 'string' && r.type in IGMP_RECORD_TYPES ? IGMP_RECORD_TYPES[r.type as IgmpRecordTypeName] : checkUint(r.type, 8, `records[${i}].type`, fail);
        if (typeof r.multicastAddress !== 'string' || parseIpv4(r.multicastAddress) === undefined) fail(`records[${i}].multicastAddress`, r.multicastAddress, 'an IPv4 address in dotted-quad form, e.g. 233.252.0.1');
        return { type: rt, address: r.multicastAddress, sources: addressList(r.sources, `records[${i}].sources`), aux: auxBytes(r.auxData, `records[${i}].auxData`) };
      });
      if (records.length > 0xffff) fail('records', f.records, 'at most 65535 group records');
      frame.state = { type, v3Query: false, sources: [], records } satisfies State;
      return 8 + records.reduce((n, r) => n + 8 + 4 * r.sources.length + r.aux.length, 0);
    }
    const v3Query = type === QUERY && isV3Query(f);
    const sources = v3Query ? addressList(f.sources, 'sources') : [];
    if (sources.length > 0xffff) fail('sources', f.sources, 'at most 65535 source addresses');
    frame.state = { type, v3Query, sources, records: [] } satisfies State;
    return v3Query ? 12 + 4 * sources.length : 8;
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const f = frame.fields as IgmpInput;
    const s = frame.state as State;
    head.write(buf, frame.offset, { ...(f as object), type: s.type } as unknown as IgmpFields, NO_AUTO);
    let at = frame.offset + 4;
    if (s.type === V3_REPORT) {
      putBe16(buf, at, checkUint(f.reserved2 ?? 0, 16, 'reserved2', fail));
      putBe16(buf, at + 2, f.recordCount === undefined ? s.records.length : checkUint(f.recordCount, 16, 'recordCount', fail));
      at += 4;
      for (const r of s.records) {
        buf[at] = r.type;
        buf[at + 1] = r.aux.length / 4;
        putBe16(buf, at + 2, r.sources.length);
        putAddress(buf, at + 4, r.address);
        at += 8;
        for (const a of r.sources) (putAddress(buf, at, a), (at += 4));
        buf.set(r.aux, at);
        at += r.aux.length;
      }
      return;
    }
    const group = f.group ?? '0.0.0.0';
    if (typeof group !== 'string' || parseIpv4(group) === undefined) fail('group', group, 'an IPv4 address in dotted-quad form, e.g. 224.0.0.1');
    putAddress(buf, at, group);
    if (!s.v3Query) return;
    buf[at + 4] = (checkUint(f.reserved ?? 0, 4, 'reserved', fail) << 4) | (f.suppress === true ? 8 : f.suppress === undefined || f.suppress === false ? 0 : fail('suppress', f.suppress, 'true or false')) | checkUint(f.qrv ?? 2, 3, 'qrv', fail);
    buf[at + 5] = checkUint(f.qqic ?? 125, 8, 'qqic', fail);
    putBe16(buf, at + 6, f.sourceCount === undefined ? s.sources.length : checkUint(f.sourceCount, 16, 'sourceCount', fail));
    at += 8;
    for (const a of s.sources) (putAddress(buf, at, a), (at += 4));
  },

  checksumOffset: 2,

  fillChecksum(buf, frames, index) {
    const frame = frames[index];
    if ((frame.fields as IgmpInput).checksum !== undefined) return;
    const c = finishChecksum(sumWords(buf, frame.offset, frame.payloadEnd));
    buf[frame.offset + 2] = c >>> 8;
    buf[frame.offset + 3] = c & 0xff;
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 8) throw new LengthError('igmp', off, 8, end - off, 'buffer');
    const fields = head.read(buf, off) as IgmpFields;
    const type = buf[off];
    if (type === V3_REPORT) {
      fields.reserved2 = (buf[off + 4] << 8) | buf[off + 5];
      const count = (buf[off + 6] << 8) | buf[off + 7];
      const records: IgmpGroupRecord[] = [];
      let at = off + 8;
      for (let i = 0; i < count; i++) {
        const sources = at + 4 <= end ? (buf[at + 2] << 8) | buf[at + 3] : 0;
        const length = at + 2 <= end ? 8 + 4 * sources + 4 * buf[at + 1] : 8;
        if (at + length > end) {
          ctx.report(deviations.error('record-length', at, count, { field: `records[${i}]` }));
          break;
        }
        const list: string[] = [];
        for (let k = 0; k < sources; k++) list.push(readIpv4(buf, at + 8 + 4 * k));
        records.push({ type: recordNames[buf[at]] ?? buf[at], multicastAddress: readIpv4(buf, at + 4), sources: list, auxData: buf.slice(at + 8 + 4 * sources, at + length) });
        at += length;
      }
      fields.records = records;
      if (records.length !== count) fields.recordCount = count;
      return decodeStep(fields as unknown as Record<string, unknown>, at, end, 'raw');
    }
    fields.group = readIpv4(buf, off + 4);
    // RFC 3376 section 7.1: 8 bytes is a v1/v2 query, 12 and more a v3 query; 9 to 11 is neither.
    if (type === QUERY && end - off >= 12) {
      const b = buf[off + 8];
      fields.reserved = b >> 4;
      fields.suppress = (b & 8) !== 0;
      fields.qrv = b & 7;
      fields.qqic = buf[off + 9];
      const n = (buf[off + 10] << 8) | buf[off + 11];
      const fit = Math.min(n, Math.floor((end - off - 12) / 4));
      if (fit < n) ctx.report(new LengthError('igmp', off, 12 + 4 * n, end - off, 'igmp.sources', 'Number of Sources announces more addresses than the message holds'));
      fields.sources = Array.from({ length: fit }, (_, k) => readIpv4(buf, off + 12 + 4 * k));
      if (fit !== n) fields.sourceCount = n;
      return decodeStep(fields as unknown as Record<string, unknown>, off + 12 + 4 * fit, end, 'raw');
    }
    if (type === QUERY && end - off > 8) ctx.report(deviations.error('query-length', off, end - off));
    return decodeStep(fields as unknown as Record<string, unknown>, off + 8, end, 'raw');
  },

  verifyChecksum(ctx, off, end, fields, complete) {
    const actual = fields.checksum as number;
    if (!complete) return { status: 'unverifiable', actual };
    const sum = ctx.sumWords(off, end);
    return { status: finishChecksum(sum) === 0 ? 'valid' : 'invalid', expected: finishChecksum(sum - actual), actual };
  },

  summary: (f) => `IGMP ${String(f.type)}${f.group !== undefined ? ` group ${f.group}` : ''}${Array.isArray(f.records) ? ` ${(f.records as unknown[]).length} records` : ''}`,
};
