/**
 * The vectors of vectors.ts: decoded fields, exact re-encoding, the builder producing the same
 * bytes with every computed field left out, checksums re-verified by an independent RFC 8200
 * section 8.1 implementation, and (where tshark is installed) confirmed by tshark.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIpv6 } from '../../src/codec/bytes.js';
import { LinkType, createCaptureWriter, decode, encodeLayers, ipv6, layersFromJson, packetToJson } from '../../src/index.js';
import { VECTORS, vectorBytes } from './vectors.js';
import { CHECK_PREFS, SEVERITY, actualFields, COMPARED_FIELDS, expectedFields, hasTshark, inCI, tsharkFields } from './tshark-helpers.js';

/** One's-complement sum of 16-bit words (RFC 1071), written out independently of src/codec/checksum.ts. */
function onesSum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (i + 1 < bytes.length ? bytes[i + 1] : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The RFC 8200 section 8.1 pseudo-header, laid out as the RFC draws it: source, destination, 32-bit length, 3 zero octets, next header. */
function pseudoHeader(src: string, dst: string, length: number, nextHeader: number): Buffer {
  const b = Buffer.alloc(40);
  b.set(parseIpv6(src)!, 0);
  b.set(parseIpv6(dst)!, 16);
  b.writeUInt32BE(length, 32);
  b[39] = nextHeader;
  return b;
}

/** Offset of layer `index` in the bytes: the length of the headers before it (every field explicit, so nothing is recomputed). */
function offsetOf(bytes: Buffer, index: number): number {
  const json = packetToJson(0, decode(bytes));
  return encodeLayers(layersFromJson({ layers: json.layers.slice(0, index) }, 0)).length;
}

describe('IPv6 vectors', () => {
  for (const v of VECTORS) {
    describe(`${v.name} (${v.source})`, () => {
      const bytes = vectorBytes(v);

      it('decodes to the fields the RFC layout gives', () => {
        const packet = decode(bytes, { mode: 'strict' });
        expect(packet.issues).toEqual([]);
        expect(packet.layers.map((l) => l.layer)).toEqual(v.layers);
        for (const [i, fields] of Object.entries(v.fields)) expect(packet.layers[Number(i)].fields, `layer ${i}`).toMatchObject(fields);
        for (const l of packet.layers) if (l.checksum) expect(l.checksum.status, l.layer).not.toBe('invalid');
      });

      it('re-encodes byte-exactly, and the builder makes the same bytes with every computed field left out', () => {
        expect(encodeLayers(layersFromJson(JSON.parse(JSON.stringify(packetToJson(0, decode(bytes)))), 0)).toString('hex')).toBe(bytes.toString('hex'));
        expect(v.build().encode().toString('hex')).toBe(bytes.toString('hex'));
      });

      if (v.upper) {
        const { layer, protocol, destination } = v.upper;
        it(`checksum verifies over the pseudo-header with destination ${destination} (independent RFC 1071 / RFC 8200 section 8.1 sum)`, () => {
          const at = offsetOf(bytes, layer);
          const upperBytes = bytes.subarray(at, 40 + bytes.readUInt16BE(4));
          const src = decode(bytes).layers[0].fields as { src: string };
          expect(onesSum(Buffer.concat([pseudoHeader(src.src, destination, upperBytes.length, protocol), upperBytes]))).toBe(0xffff);
        });
      }
    });
  }
});

describe('RFC 8200 section 8.1 pseudo-header with a Routing header (the libnet#34 / scapy#858 class of bug)', () => {
  const routed = VECTORS.filter((v) => v.name.includes('Routing') || v.name.includes('Segment Routing'));

  it('has vectors for type 0, type 2 and SRH', () => {
    expect(routed).toHaveLength(3);
  });

  for (const v of routed) {
    it(`${v.name}: the checksum is wrong over the IPv6 header's destination, right over the final one`, () => {
      const bytes = vectorBytes(v);
      const { layer, protocol, destination } = v.upper!;
      const at = offsetOf(bytes, layer);
      const upperBytes = bytes.subarray(at);
      const header = decode(bytes).layers[0].fields as { src: string; dst: string };
      expect(header.dst).not.toBe(destination);
      expect(onesSum(Buffer.concat([pseudoHeader(header.src, header.dst, upperBytes.length, protocol), upperBytes]))).not.toBe(0xffff);
      expect(onesSum(Buffer.concat([pseudoHeader(header.src, destination, upperBytes.length, protocol), upperBytes]))).toBe(0xffff);
    });
  }

  it('with no segments left, the IPv6 destination is the final destination', () => {
    const bytes = ipv6({ src: '2001:db8::1', dst: '2001:db8::c' }).ipv6Routing({ addresses: ['2001:db8::b', '2001:db8::c'], segmentsLeft: 0 }).udp({ srcPort: 49152, dstPort: 7 }).payload('rh0').encode();
    const udpAt = 40 + 40;
    expect(onesSum(Buffer.concat([pseudoHeader('2001:db8::1', '2001:db8::c', bytes.length - udpAt, 17), bytes.subarray(udpAt)]))).toBe(0xffff);
    // The same datagram arrives at 2001:db8::c either way; only the checksum's view of "final" changes with segments left.
    const inFlight = ipv6({ src: '2001:db8::1', dst: '2001:db8::b' }).ipv6Routing({ addresses: ['2001:db8::b', '2001:db8::c'], segmentsLeft: 1 }).udp({ srcPort: 49152, dstPort: 7 }).payload('rh0').encode();
    expect(inFlight.readUInt16BE(udpAt + 6)).toBe(bytes.readUInt16BE(udpAt + 6));
  });

  it('the upper-layer protocol is the one after all extension headers, and the decoder flags the header-destination checksum', () => {
    const v = VECTORS.find((x) => x.name.startsWith('Segment Routing'))!;
    const bytes = Buffer.from(vectorBytes(v));
    // Rewrite the UDP checksum as a stack that ignores the SRH would (Scapy before the fix, libnet): header destination.
    const at = offsetOf(bytes, 2);
    bytes.writeUInt16BE(0, at + 6);
    const wrong = (~onesSum(Buffer.concat([pseudoHeader('2001:db8::1', '2001:db8::2', bytes.length - at, 17), bytes.subarray(at)])) & 0xffff) || 0xffff;
    bytes.writeUInt16BE(wrong, at + 6);
    const verdict = decode(bytes, { mode: 'lax' }).layers[2].checksum!;
    expect(verdict.status).toBe('invalid');
    expect(verdict.expected).toBe(v.fields[2].checksum);
  });

  it('uses the last Routing header with segments left when there are several, and the one nearest the upper layer only', () => {
    const two = ipv6({ src: '2001:db8::1', dst: '2001:db8::a' })
      .ipv6Routing({ segments: ['2001:db8::e1'], segmentsLeft: 0 })
      .ipv6DestOptions()
      .ipv6Routing({ addresses: ['2001:db8::e2'], segmentsLeft: 1 })
      .udp({ srcPort: 1, dstPort: 2 })
      .payload('x')
      .encode();
    const at = 40 + 24 + 8 + 24;
    expect(onesSum(Buffer.concat([pseudoHeader('2001:db8::1', '2001:db8::e2', two.length - at, 17), two.subarray(at)]))).toBe(0xffff);
    expect(decode(two).layers[4].checksum?.status).toBe('valid');
  });
});

describe.skipIf(!hasTshark && !inCI)('IPv6 vectors confirmed by tshark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rawcraft-ipv6-vectors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('tshark dissects every vector without faults, with good checksums and the same fields', async () => {
    if (!hasTshark) throw new Error('tshark is not on PATH and CI=true: install tshark');
    const path = join(dir, 'vectors.pcap');
    const writer = createCaptureWriter(path, { format: 'pcap', linkType: LinkType.IPV6 });
    for (const v of VECTORS) await writer.write({ data: vectorBytes(v), timestampNs: 0n, linkType: LinkType.IPV6 });
    await writer.close();
    // Without reassembly, so tshark dissects the UDP header in the first fragment as it stands.
    const frames = await tsharkFields(path, [...new Set(['_ws.malformed', '_ws.expert.severity', '_ws.expert.message', 'udp.checksum.status', 'tcp.checksum.status', 'icmpv6.checksum.status', ...COMPARED_FIELDS])], [...CHECK_PREFS, '-o', 'ipv6.defragment:FALSE']);
    expect(frames).toHaveLength(VECTORS.length);
    frames.forEach((f, i) => {
      const where = VECTORS[i].name;
      expect(f['_ws.malformed'], where).toBeUndefined();
      for (const k of ['udp.checksum.status', 'tcp.checksum.status', 'icmpv6.checksum.status']) for (const s of f[k] ?? []) expect(s, `${where} ${k}`).not.toBe('0');
      (f['_ws.expert.severity'] ?? []).forEach((s, k) => {
        const message = f['_ws.expert.message']?.[k] ?? '';
        // Notes only: type 0 is deprecated (RFC 5095), a SYN is a SYN.
        expect(Number(s) < SEVERITY.warn || /deprecated/.test(message), `${where}: ${message}`).toBe(true);
      });
      expect(actualFields(f), where).toEqual(expectedFields(decode(vectorBytes(VECTORS[i])).layers));
    });
  });
});
