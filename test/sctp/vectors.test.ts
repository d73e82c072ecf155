/**
 * SCTP vectors with their sources: packets sent by usrsctp 0.9.5 (test/sctp/fixtures/
 * usrsctp-handshake.pcap, made by usrsctp.test.ts; tshark 4.0 with `sctp.checksum:"CRC 32c"`
 * calls their checksums correct), the length and padding rules of RFC 9260 section 3.2, the
 * bundling rules of sections 5.1 and 6.10, the action bits of section 3.2, RFC 6951's port.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BundlingError,
  ContentError,
  FieldValueError,
  LengthError,
  UnknownFieldError,
  decode,
  encodeLayers,
  ipv4,
  packet,
  summary,
  toJsonValue,
  type EncodableLayer,
  type Layer,
  type PacketError,
  type SctpInput,
} from '../../src/index.js';
import { parseCapture } from '../../src/capture/index.js';

const quiet = { onWarning: () => {} };
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
type SctpLayer = Extract<Layer, { layer: 'sctp' }>;

/** The SCTP packet alone (no IP): common header and chunks. */
function sctpBytes(fields: SctpInput, onWarning: (w: PacketError) => void = () => {}): Buffer {
  return encodeLayers([{ layer: 'sctp', fields }], { onWarning });
}
function decodeSctp(bytes: Uint8Array, mode: 'strict' | 'lax' = 'strict'): { layer: SctpLayer; issues: PacketError[] } {
  const packet = decode(bytes, { from: 'sctp', mode });
  return { layer: packet.layers[0] as SctpLayer, issues: packet.issues };
}
/** Chunk bytes after the 12-byte common header. */
const chunkHex = (bytes: Uint8Array): string => hex(bytes.subarray(12));
const roundTrip = (bytes: Uint8Array): string => hex(encodeLayers(decode(bytes, { from: 'sctp', mode: 'lax' }).layers, quiet));

// ---------------------------------------------------------------------------------------------

/** Sent by usrsctp 0.9.5 (the UDP payloads of frames 3, 5 and 7 of the fixture). */
const USRSCTP = {
  initAck:
    '13899cbb5ca1ab1e3dda5f210200018424e911bb00020000000408004083f97980000004c000000480080009c00fc1808200000080020024d4c11e2018b0c71f9820d4786e8279b38f51de28f0f76a545a873bbbaa09d50b80040006000100008003000680c100000008000bc0de0007c0ffee000007011c4b414d452d42534420312e3100000000059c096b0000000040a101000000000060ea000000000000000000001eaba15c24e911bb7f000001000000000000000000000000050000007f00000100000000000000000000000005000000000000009cbb13890100000001010100000000000100002b5ca1ab1e0002000000040004000003e8000c00060005000080000004c0000004c0de0007c0ffee000200018424e911bb00020000000408004083f97980000004c000000480080009c00fc1808200000080020024d4c11e2018b0c71f9820d4786e8279b38f51de28f0f76a545a873bbbaa09d50b80040006000100008003000680c100000008000bc0de0007c0ffee0021fa0495d4fa29e54df5c24b449f05dca3a29904',
  cookieAck: '13899cbb5ca1ab1ee06ce6eb0b000004',
  sack: '13899cbb5ca1ab1e43672d0e03000010000003e80001feed00000000',
};

describe('packets from usrsctp (a stack we did not write)', () => {
  it.each(Object.entries(USRSCTP))('%s: decodes strictly with a valid CRC32c; computing the checksum gives usrsctp\u2019s bytes', (_name, text) => {
    const bytes = Buffer.from(text, 'hex');
    const { layer, issues } = decodeSctp(bytes);
    expect(issues).toEqual([]);
    expect(layer.checksum?.status).toBe('valid');
    expect(roundTrip(bytes)).toBe(text);
    // Leave the checksum out: rawcraft computes exactly the value usrsctp wrote.
    const { checksum: _given, ...rest } = layer.fields;
    expect(hex(encodeLayers([{ layer: 'sctp', fields: rest as SctpInput }]))).toBe(text);
  });

  it('INIT ACK: every field and parameter', () => {
    const { layer } = decodeSctp(Buffer.from(USRSCTP.initAck, 'hex'));
    expect(layer.fields).toMatchObject({ srcPort: 5001, dstPort: 40123, verificationTag: 0x5ca1ab1e, checksum: 0x3dda5f21 });
    const [chunk] = layer.fields.chunks;
    if (chunk.type !== 'init-ack') throw new Error(String(chunk.type));
    expect(chunk).toMatchObject({ initiateTag: 0x24e911bb, arwnd: 131072, outboundStreams: 4, inboundStreams: 2048, initialTsn: 1082390905 });
    expect(toJsonValue(chunk.params.slice(0, 7))).toEqual([
      { type: 'ecn-capable' },
      { type: 'forward-tsn-supported' },
      { type: 'supported-extensions', chunkTypes: ['forward-tsn', 'auth', 'asconf', 'asconf-ack', 're-config'] },
      { type: 'random', random: 'd4c11e2018b0c71f9820d4786e8279b38f51de28f0f76a545a873bbbaa09d50b' },
      // One HMAC id, 6 bytes: padded to 8, the padding counted in the chunk length (not the last parameter).
      { type: 'requested-hmac-algorithm', hmacIds: ['sha-1'] },
      { type: 'chunk-list', chunkTypes: ['asconf-ack', 'asconf'] },
      // The INIT's unknown parameter, returned as type, length and value; its padding is the outer one's.
      { type: 'unrecognized-parameter', params: [{ type: 0xc0de, action: 'skip-report', data: 'c0ffee' }] },
    ]);
    expect(chunk.params[7].type).toBe('state-cookie');
    expect(summary({ layers: [layer] })).toBe('SCTP 5001 > 40123 vtag 0x5ca1ab1e [INIT-ACK itag 0x24e911bb tsn 1082390905]');
  });

  it('the whole capture: Ethernet (lo) / IPv4 / UDP 9899 / SCTP; valid CRC32c except the INIT we spoilt on purpose', () => {
    const records = parseCapture(readFileSync(fileURLToPath(new URL('./fixtures/usrsctp-handshake.pcap', import.meta.url))));
    const lines = records.map((r) => {
      const p = decode(r.data, { from: 'ethernet' });
      expect(p.issues).toEqual([]);
      expect(hex(encodeLayers(p.layers, quiet))).toBe(hex(r.data));
      const sctp = p.layers[3] as SctpLayer;
      return `${sctp.checksum?.status} ${sctp.fields.chunks.map((c) => c.type).join('+')}`;
    });
    expect(lines).toEqual(['invalid init', 'valid init', 'valid init-ack', 'valid cookie-echo', 'valid cookie-ack', 'valid data', 'valid sack', 'valid abort']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('lengths and padding (RFC 9260 section 3.2)', () => {
  it('a chunk with an empty value has length 4', () => {
    expect(chunkHex(sctpBytes({ chunks: [{ type: 'cookie-ack' }] }))).toBe('0b000004');
  });

  it('a chunk is padded to 4 bytes; the padding is not counted', () => {
    const bytes = sctpBytes({ chunks: [{ type: 'data', flags: ['beginning', 'ending'], tsn: 1, data: 'aabbccddee' }, { type: 'cookie-ack' }] });
    // length 0x15 = 21 (16 + 5 bytes of data), then 3 zero bytes, then the next chunk.
    expect(chunkHex(bytes)).toBe('00030015' + '00000001000000000000000' + '0' + 'aabbccddee' + '000000' + '0b000004');
  });

  it("the last parameter's padding is the chunk's: not counted; other parameters' padding is counted", () => {
    const init = { type: 'init', initiateTag: 1, arwnd: 1500, outboundStreams: 1, inboundStreams: 1, initialTsn: 0 } as const;
    // Supported Address Types with one type: 6 bytes.
    const last = sctpBytes({ chunks: [{ ...init, params: [{ type: 'ecn-capable' }, { type: 'supported-address-types', addressTypes: ['ipv4-address'] }] }] });
    expect(chunkHex(last)).toBe('0100001e' + '00000001000005dc0001000100000000' + '80000004' + '000c00060005' + '0000');
    const notLast = sctpBytes({ chunks: [{ ...init, params: [{ type: 'supported-address-types', addressTypes: ['ipv4-address'] }, { type: 'ecn-capable' }] }] });
    expect(chunkHex(notLast)).toBe('01000020' + '00000001000005dc0001000100000000' + '000c000600050000' + '80000004');
  });

  it('the same for causes, and for lists inside a parameter', () => {
    // Missing Mandatory Parameter with one type: 10 bytes, last in the ERROR chunk.
    const error = sctpBytes({ chunks: [{ type: 'error', causes: [{ code: 'missing-mandatory-parameter', parameterTypes: ['state-cookie'] }] }] });
    expect(chunkHex(error)).toBe('0900000e' + '0002000a000000010007' + '0000');
    // Error Cause Indication holding it: 8 + 10 = 18, the cause's padding is the parameter's.
    const ack = sctpBytes({ chunks: [{ type: 'asconf-ack', serial: 7, params: [{ type: 'error-cause-indication', correlationId: 9, causes: [{ code: 'missing-mandatory-parameter', parameterTypes: ['state-cookie'] }] }] }] });
    expect(chunkHex(ack)).toBe('8000001a' + '00000007' + 'c0030012' + '00000009' + '0002000a000000010007' + '0000');
  });

  it("Scapy 2.5's length (the last parameter's padding counted) decodes, keeps that padding, reports the deviation, and round-trips", () => {
    // INIT as rawcraft writes it (length 0x1a = 26), and as Scapy 2.5 writes it (0x1c = 28).
    const ours = '0100001a00000001000005dc0001000100000000000c000600050000';
    const scapy = '0100001c00000001000005dc0001000100000000000c000600050000';
    const header = '0009000900000000' + '00000000';
    expect(decodeSctp(Buffer.from(header + ours, 'hex')).issues).toEqual([]);
    // RFC 9260 section 3.2: the chunk Length must not count it; strict decoding says so, lax reads on.
    expect(() => decodeSctp(Buffer.from(header + scapy, 'hex'))).toThrow(/chunks\[0\]\.params\[0\]\.padding at offset 38: .*RFC 9260 section 3\.2/);
    const { layer, issues } = decodeSctp(Buffer.from(header + scapy, 'hex'), 'lax');
    expect(issues.map((i) => [(i as ContentError).field, i.offset, (i as { rule?: string }).rule])).toEqual([['chunks[0].params[0].padding', 38, 'params-last-padding-counted']]);
    const [chunk] = layer.fields.chunks;
    if (chunk.type !== 'init') throw new Error('not init');
    expect(toJsonValue(chunk.params)).toEqual([{ type: 'supported-address-types', addressTypes: ['ipv4-address'], padding: '0000' }]);
    expect(roundTrip(Buffer.from(header + scapy, 'hex')).slice(24)).toBe(scapy);
    // Without the explicit padding, rawcraft writes RFC 9260's length.
    const { padding: _p, ...param } = chunk.params[0];
    expect(chunkHex(sctpBytes({ chunks: [{ ...chunk, params: [param] } as never] }))).toBe(ours);
  });

  it('non-zero padding bytes are kept, and so is a missing final padding: both reported', () => {
    const text = '0009000900000000' + '00000000' + '00030011' + '000000010000000000000000' + 'ff' + 'abcdef';
    const rules = (issues: PacketError[]) => issues.map((i) => [i.offset, (i as { rule?: string }).rule]);
    const { layer, issues } = decodeSctp(Buffer.from(text, 'hex'), 'lax');
    expect(toJsonValue(layer.fields.chunks[0])).toMatchObject({ type: 'data', data: 'ff', padding: 'abcdef' });
    expect(rules(issues)).toEqual([[29, 'chunks-padding-zero']]);
    expect(() => decodeSctp(Buffer.from(text, 'hex'))).toThrow(ContentError);
    expect(roundTrip(Buffer.from(text, 'hex'))).toBe(text);
    const cut = text.slice(0, -6);
    const decodedCut = decodeSctp(Buffer.from(cut, 'hex'), 'lax');
    expect(toJsonValue(decodedCut.layer.fields.chunks[0])).toMatchObject({ data: 'ff', padding: '' });
    expect(rules(decodedCut.issues)).toEqual([[29, 'chunks-padding-missing']]);
    expect(roundTrip(Buffer.from(cut, 'hex'))).toBe(cut);
  });
});

describe('explicit values are written as given', () => {
  it('a checksum, including 0', () => {
    for (const checksum of [0, 0x12345678]) {
      const bytes = sctpBytes({ checksum, chunks: [{ type: 'cookie-ack' }] });
      expect(bytes.readUInt32BE(8)).toBe(checksum);
      const { layer } = decodeSctp(bytes);
      expect(layer.checksum).toEqual({ status: 'invalid', expected: sctpBytes({ chunks: [{ type: 'cookie-ack' }] }).readUInt32BE(8), actual: checksum });
    }
  });

  it('a wrong chunk length: kept; strict decoding throws, lax decoding keeps it raw and round-trips', () => {
    const bytes = sctpBytes({ chunks: [{ type: 'data', flags: ['beginning', 'ending'], tsn: 5, data: '0102', length: 100 }] });
    expect(bytes.readUInt16BE(14)).toBe(100);
    expect(() => decodeSctp(bytes)).toThrow(LengthError);
    const { layer, issues } = decodeSctp(bytes, 'lax');
    expect(issues.map((i) => i.code)).toEqual(['E_LENGTH']);
    // The rest of the packet is its value: the 14 bytes written and their 2 bytes of padding.
    expect(toJsonValue(layer.fields.chunks)).toEqual([{ type: 0, action: 'stop', flags: 3, data: '000000050000000000000000' + '0102' + '0000', length: 100 }]);
    expect(roundTrip(bytes)).toBe(hex(bytes));
  });

  it('a wrong parameter length, a wrong count, explicit padding', () => {
    const bytes = sctpBytes({
      chunks: [
        { type: 'heartbeat', params: [{ type: 'heartbeat-info', info: 'aabb', length: 5 }] },
        { type: 'sack', cumulativeTsnAck: 1, gapBlockCount: 2, gapBlocks: [{ start: 1, end: 2 }] },
        { type: 'cookie-ack', padding: 'ffff' },
      ],
    });
    expect(chunkHex(bytes)).toBe('0400000a' + '00010005aabb' + '0000' + '03000014' + '00000001' + '0000ffff' + '00020000' + '00010002' + '0b000004' + 'ffff');
    const { layer, issues } = decodeSctp(bytes, 'lax');
    expect(toJsonValue(layer.fields.chunks[0])).toEqual({ type: 'heartbeat', params: [{ type: 'heartbeat-info', info: 'aa', padding: 'bb' }] });
    expect(issues.map((i) => `${i.code} ${(i as ContentError).field ?? ''}`)).toEqual([
      // The parameter's Length 5 leaves 1 byte of its padding ('bb'), not zero: RFC 9260 section 3.2.1.
      'E_CONTENT chunks[0].params[0].padding',
      'E_CONTENT chunks[0].params[0].padding',
      'E_CONTENT chunks[1].gapBlockCount',
      // COOKIE ACK's explicit padding 'ffff': not zero, and 2 bytes where it needs none.
      'E_CONTENT chunks[2].padding',
      'E_CONTENT chunks[2].padding',
      'E_BUNDLING ',
    ]);
    expect(layer.fields.chunks.map((c) => c.type)).toEqual(['heartbeat', 3, 'cookie-ack']);
    expect(roundTrip(bytes)).toBe(hex(bytes));
  });

  it('a body that does not fit its chunk type stays raw (lax) or throws (strict)', () => {
    const text = '0009000900000000' + '00000000' + '07000006' + 'abcd' + '0000';
    expect(() => decodeSctp(Buffer.from(text, 'hex'))).toThrow(ContentError);
    const { layer, issues } = decodeSctp(Buffer.from(text, 'hex'), 'lax');
    expect(issues).toHaveLength(1);
    expect(toJsonValue(layer.fields.chunks)).toEqual([{ type: 7, action: 'stop', flags: 0, data: 'abcd' }]);
  });
});

describe('bundling (RFC 9260 sections 5.1 and 6.10)', () => {
  const cases: [string, SctpInput['chunks'], string[]][] = [
    ['INIT with DATA', [{ type: 'init' }, { type: 'data', data: '00' }], ['INIT must be the only chunk']],
    ['INIT ACK with SACK', [{ type: 'sack' }, { type: 'init-ack' }], ['INIT-ACK must be the only chunk']],
    ['SHUTDOWN COMPLETE with ABORT', [{ type: 'shutdown-complete' }, { type: 'abort' }], ['SHUTDOWN-COMPLETE must be the only chunk']],
    ['COOKIE ECHO second', [{ type: 'sack' }, { type: 'cookie-echo', cookie: '00' }], ['COOKIE-ECHO must be the first chunk']],
    ['a control chunk after DATA', [{ type: 'data', data: '00' }, { type: 'sack' }], ['control chunk SACK follows data chunk 0']],
    ['COOKIE ECHO, SACK, DATA, I-DATA: fine', [{ type: 'cookie-echo', cookie: '00' }, { type: 'sack' }, { type: 'data', data: '00' }, { type: 'i-data', data: '00' }], []],
  ];

  it.each(cases)('%s: a warning when crafted, an issue when decoded', (_name, chunks, messages) => {
    const warnings: PacketError[] = [];
    const bytes = sctpBytes({ chunks }, (w) => warnings.push(w));
    expect(warnings.map((w) => w.code)).toEqual(messages.map(() => 'E_BUNDLING'));
    warnings.forEach((w, i) => expect(w.message).toContain(messages[i]));
    const { issues } = decodeSctp(bytes, 'lax');
    expect(issues.map((i) => i.message.replace(/ at offset \d+/, ''))).toEqual(warnings.map((w) => w.message));
    if (messages.length) expect(() => decodeSctp(bytes)).toThrow(BundlingError);
  });

  it('without a handler, warnings go to process.emitWarning (type RawcraftWarning)', async () => {
    const seen = new Promise<Error & { code?: string }>((resolve) => process.once('warning', resolve));
    encodeLayers([{ layer: 'sctp', fields: { chunks: [{ type: 'init' }, { type: 'init' }] } }]);
    const warning = await seen;
    expect(warning.name).toBe('RawcraftWarning');
    expect(warning.code).toBe('E_BUNDLING');
  });
});

describe('unknown types: kept raw, with their action bits (RFC 9260 sections 3.2, 3.2.1)', () => {
  it.each([
    [0x3f, 'stop'],
    [0x7f, 'stop-report'],
    [0xbf, 'skip'],
    [0xff, 'skip-report'],
  ])('chunk type %i: %s', (type, action) => {
    const bytes = sctpBytes({ chunks: [{ type, flags: 0x81, data: '0102' }] });
    expect(toJsonValue(decodeSctp(bytes).layer.fields.chunks)).toEqual([{ type, action, flags: 0x81, data: '0102' }]);
  });

  it('parameter types, likewise; a wrong action is refused', () => {
    const bytes = sctpBytes({ chunks: [{ type: 'heartbeat', params: [{ type: 0x4001, data: '' }, { type: 0xffff, data: '01' }] }] });
    const [chunk] = decodeSctp(bytes).layer.fields.chunks;
    expect(toJsonValue(chunk)).toEqual({ type: 'heartbeat', params: [{ type: 0x4001, action: 'stop-report', data: '' }, { type: 0xffff, action: 'skip-report', data: '01' }] });
    expect(() => sctpBytes({ chunks: [{ type: 200, action: 'stop', data: '' }] })).toThrow(FieldValueError);
  });
});

describe('carriers', () => {
  const chunks = [{ type: 'cookie-ack' }] as const;
  const layersOf = (layers: EncodableLayer[]): string[] => decode(encodeLayers(layers)).layers.map((l) => l.layer);

  it('IPv4 protocol 132 and IPv6 next header 132', () => {
    const v4 = ipv4({ src: '192.0.2.1', dst: '198.51.100.1' }).sctp({ chunks: [...chunks] }).encode();
    expect(v4[9]).toBe(132);
    expect(decode(v4).layers.map((l) => l.layer)).toEqual(['ipv4', 'sctp']);
    const v6 = packet().ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).sctp({ chunks: [...chunks] }).encode();
    expect(v6[6]).toBe(132);
    expect(decode(v6).layers.map((l) => [l.layer, l.checksum?.status ?? '-'].join(' '))).toEqual(['ipv6 -', 'sctp valid']);
  });

  it('UDP encapsulation (RFC 6951): port 9899 either way selects SCTP; other ports stay raw', () => {
    const over = (srcPort: number, dstPort: number) => layersOf([{ layer: 'ipv4' }, { layer: 'udp', fields: { srcPort, dstPort } }, { layer: 'sctp', fields: { chunks: [...chunks] } }]);
    expect(over(40000, 9899)).toEqual(['ipv4', 'udp', 'sctp']);
    expect(over(9899, 40000)).toEqual(['ipv4', 'udp', 'sctp']);
    expect(over(40000, 9898)).toEqual(['ipv4', 'udp', 'raw']);
    const v6 = packet().ipv6().udp({ srcPort: 9899, dstPort: 9899 }).sctp({ chunks: [...chunks] }).build();
    expect(v6.layers.map((l) => `${l.layer} ${l.checksum?.status ?? '-'}`)).toEqual(['ipv6 -', 'udp valid', 'sctp valid']);
  });

  it('an IPv4 fragment or a truncated packet: the CRC32c is unverifiable', () => {
    const bytes = ipv4({ flags: ['mf'] }).sctp({ chunks: [{ type: 'data', data: '00' }] }).encode();
    expect(decode(bytes).layers[1].checksum?.status).toBe('unverifiable');
  });

  it("corrupt('checksum') writes a wrong CRC32c", () => {
    const built = ipv4().sctp({ chunks: [...chunks] }).corrupt('checksum').build();
    expect(built.layers[1].checksum?.status).toBe('invalid');
  });
});

describe('errors name the place and what is allowed', () => {
  it('an unknown chunk type name', () => {
    expect(() => sctpBytes({ chunks: [{ type: 'dtaa' } as never] })).toThrow(/sctp\.chunks\[0\]\.type: "dtaa" is not allowed; expected one of data, init/);
  });
  it('a field the chunk does not have, with a suggestion', () => {
    const error = (() => {
      try {
        sctpBytes({ chunks: [{ type: 'data', tns: 5 } as never] });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownFieldError);
    expect((error as Error).message).toMatch(/chunks\[0\] \(data chunk\) has no field 'tns' \(did you mean tsn\?\)/);
  });
  it('a value out of range, deep in the list', () => {
    expect(() => sctpBytes({ chunks: [{ type: 'init', params: [{ type: 'cookie-preservative', lifespanIncrement: -1 }] }] })).toThrow(/sctp\.chunks\[0\]\.params\[0\]\.lifespanIncrement: -1 is not allowed/);
  });
  it('paths through nested lists and tails, made only when thrown, and the value\'s error before a fixed field\'s', () => {
    const ok = { type: 'data', data: '00' } as const;
    expect(() => sctpBytes({ chunks: [ok, { type: 'data', tsn: 1, data: 'zz' }] })).toThrow(/sctp\.chunks\[1\]\.data: "zz" is not allowed/);
    expect(() => sctpBytes({ chunks: [{ type: 'init', params: [{ type: 'ecn-capable' }, { type: 'supported-address-types', addressTypes: ['ipv4-address', 70000] }] }] })).toThrow(
      /sctp\.chunks\[0\]\.params\[1\]\.addressTypes\[1\]: 70000 is not allowed/,
    );
    expect(() => sctpBytes({ chunks: [{ type: 'init', params: [{ type: 'ecn-capable' }, { type: 'ipv4-address', address: '192.0.2.300' }] }] })).toThrow(/sctp\.chunks\[0\]\.params\[1\]\.address: "192\.0\.2\.300"/);
    expect(() => sctpBytes({ chunks: [ok, { type: 'data', tsn: -1, data: 'zz' }] })).toThrow(/chunks\[1\]\.data/);
  });
  it('I-DATA: ppid on first fragments, fsn on the others', () => {
    expect(() => sctpBytes({ chunks: [{ type: 'i-data', flags: ['beginning'], fsn: 3 }] })).toThrow(/fsn/);
    expect(() => sctpBytes({ chunks: [{ type: 'i-data', flags: ['ending'], ppid: 3 }] })).toThrow(/ppid/);
  });
  it('a flag the chunk does not have', () => {
    expect(() => sctpBytes({ chunks: [{ type: 'abort', flags: ['beginning'] as never }] })).toThrow(/a list of tag-reflected or an integer 0\.\.255/);
  });
});
