/**
 * Interop with Wireshark's SCTP dissector: at least 1,000 SCTP packets, every chunk type and
 * every parameter and cause in them, over IPv4, IPv6 and UDP encapsulation (RFC 6951) over both.
 * tshark must find no malformed packet, no expert info at all, a good CRC32c on every packet
 * (it does not check CRC32c unless told: `-o sctp.checksum:"CRC 32c"`), and read every field
 * as rawcraft does. Skipped where tshark is missing, except with CI=true, where that fails.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { decode, type Layer } from '../../src/index.js';
import { parseIpv6 } from '../../src/codec/bytes.js';
import { encodePcap, LinkType } from '../../src/capture/index.js';
import { sctpChunks } from '../../src/codec/protocols/sctp-chunks.js';
import { sctpParams } from '../../src/codec/protocols/sctp-params.js';
import { sctpCauses } from '../../src/codec/protocols/sctp-causes.js';
import { interopPackets, CARRIERS, type InteropPacket } from './interop-packets.js';
import { all, first, isObject, parseOrderedJson, type OrderedObject, type OrderedValue } from './ordered-json.js';
import { cliRoundTrip, cliUnavailable } from './cli.js';

const run = promisify(execFile);
const hasTshark = spawnSync('sh', ['-c', 'command -v tshark']).status === 0;
const inCI = process.env.CI === 'true';
const COUNT = 1200;

/** Check CRC32c; show TSNs as sent; no reassembly, no upper-layer or TSN analysis (they add notes about the made-up traffic). */
export const TSHARK_PREFS = [
  '-o', 'sctp.checksum:CRC 32c',
  '-o', 'sctp.relative_tsns:FALSE',
  '-o', 'sctp.reassembly:FALSE',
  '-o', 'sctp.ulp_dissection:FALSE',
  '-o', 'sctp.tsn_analysis:FALSE',
];

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-sctp-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Item = Record<string, unknown>;
type Expected = number | string | Uint8Array | boolean;
type Fields = [string, Expected | Expected[]][];

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const lengthOf = (bytes: Uint8Array): number => (bytes[2] << 8) | bytes[3];
const chunkLength = (c: Item): number => lengthOf(sctpChunks.encode([c], 'c'));
const paramLength = (p: Item): number => lengthOf(sctpParams.encode([p], 'p'));
const causeLength = (c: Item): number => lengthOf(sctpCauses.encode([c], 'c'));
const code = (list: { codeOf(v: unknown): number | undefined }, v: unknown): number => list.codeOf(v) ?? -1;
const hmacCode = (v: unknown): number => (v === 'sha-1' ? 1 : v === 'sha-256' ? 3 : (v as number));

/** tshark's text for a field, in the form of the value rawcraft has. */
function normalize(text: OrderedValue, like: Expected): Expected {
  const s = String(text);
  if (typeof like === 'number' || typeof like === 'boolean') return /^0x/i.test(s) ? parseInt(s, 16) : Number(s);
  if (like instanceof Uint8Array) return s.replace(/:/g, '').toLowerCase();
  if (typeof like === 'string' && like.includes(':') && parseIpv6(like)) return hex(parseIpv6(s) ?? new Uint8Array());
  return s;
}
function canonical(v: Expected): Expected {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Uint8Array) return hex(v);
  if (typeof v === 'string' && v.includes(':') && parseIpv6(v)) return hex(parseIpv6(v)!);
  return v;
}

/** A field's values in a node: its own members and those of its `*_tree` members (flag bits). */
function values(node: OrderedObject, field: string): OrderedValue[] {
  const out = all(node, field);
  for (const [k, v] of node.entries) if (k.endsWith('_tree') && isObject(v)) out.push(...all(v, field));
  return out;
}

function expectFields(node: OrderedObject, fields: Fields, where: string): void {
  for (const [field, expected] of fields) {
    const list = Array.isArray(expected) ? expected : [expected];
    const got = values(node, field);
    const like = list[0];
    expect(
      got.map((g) => normalize(g, like ?? 0)),
      `${where}: ${field}`,
    ).toEqual(list.map(canonical));
  }
}

/** Child nodes that are chunks, parameters, causes or gap blocks, in order. */
function children(node: OrderedObject, key: string): OrderedObject[] {
  return node.entries.map(([, v]) => v).filter((v): v is OrderedObject => isObject(v) && first(v, key) !== undefined);
}

function checkParams(node: OrderedObject, params: Item[], where: string): void {
  const nodes = children(node, 'sctp.parameter_type');
  expect(nodes.length, `${where}: parameter count`).toBe(params.length);
  params.forEach((p, i) => checkParam(nodes[i], p, `${where}.params[${i}] ${String(p.type)}`));
}

function checkCauses(node: OrderedObject, causes: Item[], where: string): void {
  const nodes = children(node, 'sctp.cause_code');
  expect(nodes.length, `${where}: cause count`).toBe(causes.length);
  causes.forEach((c, i) => checkCause(nodes[i], c, `${where}.causes[${i}] ${String(c.code)}`));
}

function checkParam(node: OrderedObject, p: Item, where: string): void {
  const fields: Fields = [
    ['sctp.parameter_type', code(sctpParams, p.type)],
    ['sctp.parameter_length', paramLength(p)],
  ];
  switch (p.type) {
    case 'heartbeat-info':
      fields.push(['sctp.parameter_heartbeat_information', p.info as Uint8Array]);
      break;
    case 'ipv4-address':
      fields.push(['sctp.parameter_ipv4_address', p.address as string]);
      break;
    case 'ipv6-address':
      fields.push(['sctp.parameter_ipv6_address', p.address as string]);
      break;
    case 'state-cookie':
      fields.push(['sctp.parameter_state_cookie', p.cookie as Uint8Array]);
      break;
    case 'cookie-preservative':
      fields.push(['sctp.parameter_cookie_preservative_incr', p.lifespanIncrement as number]);
      break;
    case 'host-name':
      fields.push(['sctp.parameter_hostname', p.hostName as string]);
      break;
    case 'supported-address-types':
      fields.push(['sctp.parameter_supported_address_type', (p.addressTypes as unknown[]).map((t) => code(sctpParams, t))]);
      break;
    case 'outgoing-ssn-reset-request':
      fields.push(
        ['sctp.parameter_reconfig_request_sequence_number', p.requestSeq as number],
        ['sctp.parameter_reconfig_response_sequence_number', p.responseSeq as number],
        ['sctp.parameter_senders_last_assigned_tsn', p.lastTsn as number],
        ['sctp.parameter_reconfig_sid', p.streams as number[]],
      );
      break;
    case 'incoming-ssn-reset-request':
      fields.push(['sctp.parameter_reconfig_request_sequence_number', p.requestSeq as number], ['sctp.parameter_reconfig_sid', p.streams as number[]]);
      break;
    case 'ssn-tsn-reset-request':
      fields.push(['sctp.parameter_reconfig_request_sequence_number', p.requestSeq as number]);
      break;
    case 're-config-response': {
      const results: Record<string, number> = { 'success-nothing-to-do': 0, 'success-performed': 1, denied: 2, 'error-wrong-ssn': 3, 'error-request-already-in-progress': 4, 'error-bad-sequence-number': 5, 'in-progress': 6 };
      fields.push(['sctp.parameter_reconfig_response_sequence_number', p.responseSeq as number], ['sctp.parameter_reconfig_response_result', typeof p.result === 'string' ? results[p.result] : (p.result as number)]);
      fields.push(['sctp.parameter_senders_next_tsn', p.senderNextTsn === undefined ? [] : [p.senderNextTsn as number]]);
      fields.push(['sctp.parameter_receivers_next_tsn', p.receiverNextTsn === undefined ? [] : [p.receiverNextTsn as number]]);
      break;
    }
    case 'add-outgoing-streams-request':
      fields.push(['sctp.parameter_reconfig_request_sequence_number', p.requestSeq as number], ['sctp.parameter_add_outgoing_streams_number', p.newStreams as number]);
      break;
    case 'add-incoming-streams-request':
      fields.push(['sctp.parameter_reconfig_request_sequence_number', p.requestSeq as number], ['sctp.parameter_add_incoming_streams_number', p.newStreams as number]);
      break;
    case 'random':
      fields.push(['sctp.random_number', p.random as Uint8Array]);
      break;
    case 'chunk-list':
      fields.push(['sctp.chunk_type_to_auth', (p.chunkTypes as unknown[]).map((t) => code(sctpChunks, t))]);
      break;
    case 'requested-hmac-algorithm':
      fields.push(['sctp.hmac_id', (p.hmacIds as unknown[]).map(hmacCode)]);
      break;
    case 'supported-extensions':
      fields.push(['sctp.supported_chunk_type', (p.chunkTypes as unknown[]).map((t) => code(sctpChunks, t))]);
      break;
    case 'padding': // RFC 4820's Padding parameter: Wireshark 4.0 does not know it, and shows the value.
      if ((p.data as Uint8Array).length) fields.push(['sctp.parameter_value', p.data as Uint8Array]);
      break;
    case 'add-ip-address':
    case 'delete-ip-address':
    case 'set-primary-address': {
      fields.push(['sctp.correlation_id', p.correlationId as number]);
      const [inner] = children(node, 'sctp.parameter_type');
      const address = p.address as string;
      checkParam(inner, address.includes(':') ? { type: 'ipv6-address', address } : { type: 'ipv4-address', address }, `${where} address`);
      break;
    }
    case 'error-cause-indication':
      fields.push(['sctp.correlation_id', p.correlationId as number]);
      checkCauses(node, p.causes as Item[], where);
      break;
    case 'success-indication':
      fields.push(['sctp.correlation_id', p.correlationId as number]);
      break;
    case 'adaptation-layer-indication':
      fields.push(['sctp.adaptation_layer_indication', p.adaptationCodePoint as number]);
      break;
    case 'unrecognized-parameter':
      checkParams(node, p.params as Item[], where);
      break;
    case 'ecn-capable':
    case 'forward-tsn-supported':
      break;
    default:
      expect(typeof p.type, `${where}: known parameter`).toBe('number');
      fields.push(['sctp.parameter_bit_1', (p.type as number) >> 15], ['sctp.parameter_bit_2', ((p.type as number) >> 14) & 1]);
      if ((p.data as Uint8Array).length) fields.push(['sctp.parameter_value', p.data as Uint8Array]);
  }
  expectFields(node, fields, where);
}

function checkCause(node: OrderedObject, c: Item, where: string): void {
  const fields: Fields = [
    ['sctp.cause_code', code(sctpCauses, c.code)],
    ['sctp.cause_length', causeLength(c)],
  ];
  switch (c.code) {
    case 'invalid-stream-identifier':
      fields.push(['sctp.cause_stream_identifier', c.streamId as number]);
      break;
    case 'missing-mandatory-parameter':
      fields.push(['sctp.cause_nr_of_missing_parameters', (c.parameterTypes as unknown[]).length], ['sctp.cause_missing_parameter_type', (c.parameterTypes as unknown[]).map((t) => code(sctpParams, t))]);
      break;
    case 'stale-cookie':
      fields.push(['sctp.cause_measure_of_staleness', c.staleness as number]);
      break;
    case 'no-user-data':
      fields.push(['sctp.cause_tsn', c.tsn as number]);
      break;
    case 'unsupported-hmac-identifier':
      fields.push(['sctp.hmac_id', hmacCode(c.hmacId)]);
      break;
    case 'unrecognized-chunk-type': {
      const chunk = c.chunk as Uint8Array;
      const [inner] = children(node, 'sctp.chunk_type');
      expectFields(inner, [['sctp.chunk_type', chunk[0]], ['sctp.chunk_flags', chunk[1]], ['sctp.chunk_length', lengthOf(chunk)]], `${where} chunk`);
      break;
    }
    case 'user-initiated-abort':
    case 'protocol-violation': {
      const info = (c.reason ?? c.info) as Uint8Array;
      if (info.length) fields.push(['sctp.cause_information', info]);
      break;
    }
    case 'unresolvable-address':
    case 'unrecognized-parameters':
    case 'restart-with-new-addresses':
    case 'request-to-delete-last-address':
    case 'operation-refused-resource-shortage':
    case 'request-to-delete-source-address':
    case 'illegal-asconf-ack':
    case 'request-refused-no-authorization':
      checkParams(node, c.params as Item[], where);
      break;
    default:
      break;
  }
  expectFields(node, fields, where);
}

function checkChunk(node: OrderedObject, c: Item, where: string): void {
  const encoded = sctpChunks.encode([c], 'c');
  const fields: Fields = [
    ['sctp.chunk_type', encoded[0]],
    ['sctp.chunk_flags', encoded[1]],
    ['sctp.chunk_length', chunkLength(c)],
  ];
  const flags = encoded[1];
  switch (c.type) {
    case 'data':
    case 'i-data':
      fields.push(
        ['sctp.data_i_bit', (flags >> 3) & 1],
        ['sctp.data_u_bit', (flags >> 2) & 1],
        ['sctp.data_b_bit', (flags >> 1) & 1],
        ['sctp.data_e_bit', flags & 1],
        ['sctp.data_tsn_raw', c.tsn as number],
        ['sctp.data_sid', c.streamId as number],
      );
      if (c.type === 'data') fields.push(['sctp.data_ssn', c.streamSeq as number], ['sctp.data_payload_proto_id', c.ppid as number]);
      else {
        fields.push(['sctp.data_reserved', (c.reserved as number | undefined) ?? 0], ['sctp.data_mid', c.mid as number]);
        if (c.ppid !== undefined) fields.push(['sctp.data_payload_proto_id', c.ppid as number]);
        else fields.push(['sctp.data_fsn', c.fsn as number]);
      }
      break;
    case 'init':
    case 'init-ack': {
      const p = c.type === 'init' ? 'sctp.init_' : 'sctp.initack_';
      fields.push(
        [`${p}initiate_tag`, c.initiateTag as number],
        [`${p}credit`, c.arwnd as number],
        [`${p}nr_out_streams`, c.outboundStreams as number],
        [`${p}nr_in_streams`, c.inboundStreams as number],
        [`${p}initial_tsn`, c.initialTsn as number],
      );
      checkParams(node, c.params as Item[], where);
      break;
    }
    case 'sack': {
      const gaps = c.gapBlocks as { start: number; end: number }[];
      fields.push(
        ['sctp.sack_cumulative_tsn_ack_raw', c.cumulativeTsnAck as number],
        ['sctp.sack_a_rwnd', c.arwnd as number],
        ['sctp.sack_number_of_gap_blocks', gaps.length],
        ['sctp.sack_number_of_duplicated_tsns', (c.duplicateTsns as number[]).length],
        ['sctp.sack_duplicate_tsn', c.duplicateTsns as number[]],
      );
      const gapNodes = children(node, 'sctp.sack_gap_block_start');
      expect(gapNodes.length, `${where}: gap blocks`).toBe(gaps.length);
      gaps.forEach((g, i) => expectFields(gapNodes[i], [['sctp.sack_gap_block_start', g.start], ['sctp.sack_gap_block_end', g.end]], `${where} gap ${i}`));
      break;
    }
    case 'heartbeat':
    case 'heartbeat-ack':
    case 'asconf':
    case 'asconf-ack':
    case 're-config':
      if (c.type === 'asconf') fields.push(['sctp.asconf_seq_nr_number', c.serial as number]);
      if (c.type === 'asconf-ack') fields.push(['sctp.asconf_ack_seq_nr_number', c.serial as number]);
      checkParams(node, c.params as Item[], where);
      break;
    case 'abort':
    case 'error':
      if (c.type === 'abort') fields.push(['sctp.abort_t_bit', flags & 1]);
      checkCauses(node, c.causes as Item[], where);
      break;
    case 'shutdown':
      fields.push(['sctp.shutdown_cumulative_tsn_ack', c.cumulativeTsnAck as number]);
      break;
    case 'cookie-echo':
      fields.push(['sctp.cookie', c.cookie as Uint8Array]);
      break;
    case 'ecne':
      fields.push(['sctp.ecne_lowest_tsn', c.lowestTsn as number]);
      break;
    case 'cwr':
      fields.push(['sctp.cwr_lowest_tsn', c.lowestTsn as number]);
      break;
    case 'shutdown-complete':
      fields.push(['sctp.shutdown_complete_t_bit', flags & 1]);
      break;
    case 'auth':
      fields.push(['sctp.shared_key_id', c.sharedKeyId as number], ['sctp.hmac_id', hmacCode(c.hmacId)], ['sctp.hmac', c.hmac as Uint8Array]);
      break;
    case 'pad':
      fields.push(['sctp.padding_data', c.data as Uint8Array]);
      break;
    case 'forward-tsn': {
      const streams = c.streams as { streamId: number; streamSeq: number }[];
      fields.push(['sctp.forward_tsn_tsn', c.newCumulativeTsn as number], ['sctp.forward_tsn_sid', streams.map((s) => s.streamId)], ['sctp.forward_tsn_ssn', streams.map((s) => s.streamSeq)]);
      break;
    }
    case 'i-forward-tsn': {
      const streams = c.streams as { streamId: number; unordered: boolean; mid: number }[];
      fields.push(
        ['sctp.i_forward_tsn_tsn', c.newCumulativeTsn as number],
        ['sctp.i_forward_tsn_sid', streams.map((s) => s.streamId)],
        ['sctp.i_forward_tsn_u_bit', streams.map((s) => (s.unordered ? 1 : 0))],
        ['sctp.forward_tsn_mid', streams.map((s) => s.mid)],
      );
      break;
    }
    case 'shutdown-ack':
    case 'cookie-ack':
      break;
    default:
      expect(typeof c.type, `${where}: known chunk`).toBe('number');
      fields.push(['sctp.chunk_bit_1', (c.type as number) >> 7], ['sctp.chunk_bit_2', ((c.type as number) >> 6) & 1]);
      if ((c.data as Uint8Array).length) fields.push(['sctp.chunk_value', c.data as Uint8Array]);
  }
  expectFields(node, fields, where);
}

/** Every expert info and malformed marker anywhere in a tree. */
function problems(v: OrderedValue, path = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => problems(x, path));
  if (!isObject(v)) return [];
  return v.entries.flatMap(([k, x]) => (k === '_ws.expert' || k === '_ws.malformed' ? [`${path}/${k}: ${JSON.stringify(x)}`] : problems(x, `${path}/${k}`)));
}

/** Names of every chunk, parameter and cause kind in decoded chunks. */
function kindsIn(chunks: readonly Item[], seen: Set<string>): void {
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
      const o = v as Item;
      if (typeof o.type === 'string') seen.add(`${sctpChunks.byName.has(o.type) ? 'chunk' : 'param'}:${o.type}`);
      if (typeof o.code === 'string') seen.add(`cause:${o.code}`);
      if (typeof o.type === 'number') seen.add('raw');
      Object.values(o).forEach(walk);
    }
  };
  walk(chunks);
}

describe.skipIf(!hasTshark && !inCI)('tshark interop (SCTP)', () => {
  it('tshark is available (required when CI=true)', () => {
    expect(hasTshark, 'install tshark').toBe(true);
  });

  const packets: InteropPacket[] = hasTshark ? interopPackets(COUNT) : [];
  const file = join(dir, 'sctp-interop.pcap');

  it(`${COUNT} packets over ${CARRIERS.join(', ')}: every chunk, parameter and cause kind`, () => {
    const seen = new Set<string>();
    for (const p of packets) {
      const layers = decode(p.bytes, { mode: 'strict' }).layers;
      const sctp = layers[layers.length - 1] as Extract<Layer, { layer: 'sctp' }>;
      expect(sctp.layer).toBe('sctp');
      expect(sctp.checksum?.status).toBe('valid');
      kindsIn(sctp.fields.chunks as unknown as Item[], seen);
    }
    const kinds = [...sctpChunks.byName.keys()].map((n) => `chunk:${n}`).concat([...sctpParams.byName.keys()].map((n) => `param:${n}`), [...sctpCauses.byName.keys()].map((n) => `cause:${n}`), ['raw']);
    expect(kinds.filter((k) => !seen.has(k))).toEqual([]);
    expect(new Set(packets.map((p) => p.carrier)).size).toBe(4);
  });

  it('tshark: no malformed packet, no expert info, good CRC32c, the same fields', { timeout: 120_000 }, async () => {
    writeFileSync(file, encodePcap(packets.map((p, i) => ({ data: p.bytes, timestampNs: 1_700_000_000_000_000_000n + BigInt(i) * 1000n })), { linkType: LinkType.RAW }));
    const { stdout } = await run('tshark', ['-r', file, ...TSHARK_PREFS, '-T', 'json'], { maxBuffer: 1 << 30 });
    const frames = parseOrderedJson(stdout) as OrderedValue[];
    expect(frames).toHaveLength(packets.length);
    frames.forEach((frame, i) => {
      const where = `packet ${i} (${packets[i].carrier})`;
      const layers = first(first(frame as OrderedObject, '_source') as OrderedObject, 'layers') as OrderedObject;
      expect(problems(layers), where).toEqual([]);
      // After each DATA or I-DATA chunk Wireshark hands the payload to a `data` layer and goes on
      // with the next chunk in another `sctp` layer.
      const sctpNodes = all(layers, 'sctp').filter(isObject);
      const node = sctpNodes[0];
      const decoded = decode(packets[i].bytes).layers;
      const sctp = decoded[decoded.length - 1] as Extract<Layer, { layer: 'sctp' }>;
      expectFields(
        node,
        [
          ['sctp.srcport', sctp.fields.srcPort],
          ['sctp.dstport', sctp.fields.dstPort],
          ['sctp.verification_tag', sctp.fields.verificationTag],
          ['sctp.checksum', sctp.fields.checksum],
          ['sctp.checksum.status', 1], // 1: Good
        ],
        where,
      );
      const chunks = sctp.fields.chunks as unknown as Item[];
      const chunkNodes = sctpNodes.flatMap((n) => children(n, 'sctp.chunk_type'));
      expect(chunkNodes.length, `${where}: chunk count`).toBe(chunks.length);
      chunks.forEach((c, k) => checkChunk(chunkNodes[k], c, `${where} chunks[${k}] ${String(c.type)}`));
      const payloads = all(layers, 'data')
        .filter(isObject)
        .map((d) => String(first(d, 'data.data')).replace(/:/g, ''));
      // With reassembly off, Wireshark shows the payload of first fragments (B set) only.
      const whole = (c: Item): boolean => (c.type === 'data' || c.type === 'i-data') && (c.flags as string[]).includes('beginning');
      expect(payloads, `${where}: user data`).toEqual(chunks.filter(whole).map((c) => hex(c.data as Uint8Array)));
    });
  });

  it('CLI: decode --json --lax | encode --hex gives the capture back byte for byte', { timeout: 120_000 }, async () => {
    const why = cliUnavailable();
    if (why && !inCI) return;
    expect(why).toBeUndefined();
    expect(await cliRoundTrip(file)).toEqual(packets.map((p) => p.bytes.toString('hex')));
  });
});
