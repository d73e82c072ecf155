/**
 * Multicast Listener Discovery version 2 (RFC 3810): the source list of a query (section 5.1)
 * and the multicast address records of a report (section 5.2).
 */
import { FieldValueError, LengthError, type PacketError } from '../errors.js';
import { deviationRules } from '../deviation.js';
import { bytesInput, parseIpv6, readIpv6 } from '../bytes.js';
import { checkUint, putBe16 } from '../option-list.js';

export const MLD_RECORD_TYPES = {
  'mode-is-include': 1,
  'mode-is-exclude': 2,
  'change-to-include': 3,
  'change-to-exclude': 4,
  'allow-new-sources': 5,
  'block-old-sources': 6,
} as const;
/** An MLDv2 record type by name (`mode-is-include`, `change-to-exclude`...). */
export type MldRecordTypeName = keyof typeof MLD_RECORD_TYPES;

/** One Multicast Address Record of an MLDv2 report, as decoded. */
export interface MldRecord {
  recordType: MldRecordTypeName | number;
  /** Length of auxData in 32-bit words. */
  auxDataLength: number;
  numberOfSources: number;
  multicastAddress: string;
  sources: string[];
  /** Auxiliary data (hex in JSON); present only when there is some. */
  auxData?: Uint8Array;
}

/** An MLDv2 multicast address record as the builder takes it (RFC 3810 section 5.2.4). */
export interface MldRecordInput {
  /** Default mode-is-exclude (a join, as RFC 3810 section 6.1 reports it). */
  recordType?: MldRecordTypeName | number;
  /** Default: computed from auxData. */
  auxDataLength?: number;
  /** Default: computed from sources. */
  numberOfSources?: number;
  multicastAddress: string;
  sources?: readonly string[];
  /** Zero-padded to a multiple of 4 octets. */
  auxData?: Uint8Array | string;
}

type Fail = (field: string, value: unknown, allowed: string) => never;

/** MLD length rules: which query length is which version, and the auxiliary data MLDv2 does not define. */
export const mldDeviations = deviationRules('icmpv6', {
  'mld-query-length': { field: 'length', expected: '24 bytes (MLDv1) or at least 28 (MLDv2); other queries are ignored', rfc: 'RFC 3810 section 8.1' },
  'mld-aux-data': { field: 'records[].auxDataLength', expected: '0 (MLDv2 defines no auxiliary data)', rfc: 'RFC 3810 section 5.2.10' },
});
const recordNames = new Map(Object.entries(MLD_RECORD_TYPES).map(([k, v]) => [v as number, k as MldRecordTypeName]));

function addr(value: unknown, name: string, fail: Fail): Uint8Array {
  const b = typeof value === 'string' ? parseIpv6(value) : undefined;
  return b ?? fail(name, value, 'an IPv6 address such as ff02::db8:1 (no zone id)');
}

/** Encode a list of IPv6 addresses. */
export function encodeAddresses(layer: string, field: string, list: unknown): Uint8Array {
  if (list === undefined) return new Uint8Array(0);
  const fail: Fail = (name, value, allowed) => {
    throw new FieldValueError(layer, name, value, allowed);
  };
  if (!Array.isArray(list)) return fail(field, list, 'a list of IPv6 addresses');
  return Buffer.concat(list.map((a: unknown, i) => addr(a, `${field}[${i}]`, fail)));
}

export function decodeAddresses(buf: Uint8Array, at: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(readIpv6(buf, at + 16 * i));
  return out;
}

export function encodeRecords(layer: string, records: unknown): Uint8Array {
  if (records === undefined) return new Uint8Array(0);
  if (!Array.isArray(records)) throw new FieldValueError(layer, 'records', records, 'a list of { recordType, multicastAddress, sources }');
  return Buffer.concat(
    records.map((r: MldRecordInput, i) => {
      const fail: Fail = (name, value, allowed) => {
        throw new FieldValueError(layer, `records[${i}].${name}`, value, allowed);
      };
      if (r === null || typeof r !== 'object') return fail('', r, 'a record object');
      const type = typeof r.recordType === 'string' ? MLD_RECORD_TYPES[r.recordType] : (r.recordType ?? 2);
      if (type === undefined) fail('recordType', r.recordType, `one of ${Object.keys(MLD_RECORD_TYPES).join(', ')} or 0..255`);
      if (r.sources !== undefined && !Array.isArray(r.sources)) fail('sources', r.sources, 'a list of IPv6 addresses');
      const sources = (r.sources ?? []).map((s, j) => addr(s, `sources[${j}]`, fail));
      let aux: Uint8Array = r.auxData === undefined ? new Uint8Array(0) : bytesInput(layer, `records[${i}].auxData`, r.auxData);
      if (aux.length % 4) aux = Buffer.concat([aux, new Uint8Array(4 - (aux.length % 4))]);
      const head = new Uint8Array(20);
      head[0] = checkUint(type, 8, 'recordType', fail);
      head[1] = checkUint(r.auxDataLength ?? aux.length / 4, 8, 'auxDataLength', fail);
      putBe16(head, 2, checkUint(r.numberOfSources ?? sources.length, 16, 'numberOfSources', fail));
      head.set(addr(r.multicastAddress, 'multicastAddress', fail), 4);
      return Buffer.concat([head, ...sources, aux]);
    }),
  );
}

/** Decode `count` records from `start`; throws LengthError when they do not fit before `end`. */
export function decodeRecords(layer: string, buf: Uint8Array, start: number, end: number, count: number, report: (e: PacketError) => void): { records: MldRecord[]; end: number } {
  const records: MldRecord[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    if (at + 20 > end) throw new LengthError(layer, at, 20, end - at, `${layer}.numberOfRecords`, `record ${i} is cut short`);
    const auxDataLength = buf[at + 1];
    const numberOfSources = (buf[at + 2] << 8) | buf[at + 3];
    const size = 20 + 16 * numberOfSources + 4 * auxDataLength;
    if (at + size > end) throw new LengthError(layer, at, size, end - at, `${layer}.records[${i}].numberOfSources`, `record ${i} is cut short`);
    const record: MldRecord = {
      recordType: recordNames.get(buf[at]) ?? buf[at],
      auxDataLength,
      numberOfSources,
      multicastAddress: readIpv6(buf, at + 4),
      sources: decodeAddresses(buf, at + 20, numberOfSources),
    };
    if (auxDataLength) {
      record.auxData = Buffer.from(buf.subarray(at + 20 + 16 * numberOfSources, at + size));
      report(mldDeviations.error('mld-aux-data', at + 1, auxDataLength, { field: `records[${i}].auxDataLength` }));
    }
    records.push(record);
    at += size;
  }
  return { records, end: at };
}
