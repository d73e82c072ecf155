/**
 * decode(encode(x)) gives back x, for arbitrary valid field values of every protocol: the
 * explicit fields come back as given, the computed ones (lengths, protocol numbers, IHL, data
 * offset, checksums) come back correct.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encodeLayers, toJsonValue, type EncodableLayer, type Layer } from '../../src/index.js';
import {
  BOUND_ETHER_TYPES,
  BOUND_IP_PROTOCOLS,
  ICMP_ERROR_TYPES,
  bytes,
  decodedOptions,
  ethernetFields,
  icmpFields,
  ipv4Fields,
  ipv4OptionSize,
  linuxSllFields,
  tcpFields,
  tcpOptionSize,
  u16,
  u8,
  udpPort,
  validPacket,
  type Opt,
} from './arbitraries.js';

const RUNS = { numRuns: 200 };

function roundTrip(layers: EncodableLayer[], from: string): { bytes: Buffer; layers: Layer[] } {
  const bytes = encodeLayers(layers);
  const d = decode(bytes, { from });
  expect(d.issues).toEqual([]);
  // And the decoded layers encode to the same bytes (through JSON too: see lax.test.ts).
  expect(encodeLayers(d.layers as unknown as EncodableLayer[])).toEqual(bytes);
  return { bytes, layers: d.layers };
}

/** Fields in their JSON form (bytes as hex), as the generators give them. */
const json = (layer: Layer) => toJsonValue(layer.fields);
const statuses = (layers: Layer[]) => layers.map((l) => l.checksum?.status ?? null);

describe('decode(encode(x)) equals x', () => {
  it('IPv4 with arbitrary option lists (and a raw payload)', () => {
    fc.assert(
      fc.property(ipv4Fields, fc.integer({ min: 0, max: 255 }).filter((p) => !BOUND_IP_PROTOCOLS.has(p)), bytes(64), (ip, protocol, data) => {
        const { bytes: b, layers } = roundTrip([{ layer: 'ipv4', fields: { ...ip, protocol } }, { layer: 'raw', fields: { data } }], 'ipv4');
        const optionBytes = ip.options.reduce((n, o) => n + ipv4OptionSize(o), 0);
        const headerLength = 20 + Math.ceil(optionBytes / 4) * 4;
        expect(json(layers[0])).toEqual({
          ...ip,
          protocol,
          options: decodedOptions(ip.options, ipv4OptionSize),
          ihl: headerLength / 4,
          totalLength: headerLength + data.length,
          checksum: b.readUInt16BE(10),
        });
        expect(layers[0].checksum?.status).toBe('valid');
        expect(layers.slice(1)).toEqual(data.length ? [{ layer: 'raw', fields: { data } }] : []);
      }),
      RUNS,
    );
  });

  it('IPv4 fragments: offset and MF come back, the payload stays raw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8191 }), fc.boolean(), u8, bytes(32), (fragmentOffset, mf, protocol, data) => {
        const fields = { fragmentOffset, flags: mf ? ['mf'] : [], protocol };
        const { layers } = roundTrip([{ layer: 'ipv4', fields }, { layer: 'raw', fields: { data } }], 'ipv4');
        expect(layers[0].fields).toMatchObject(fields);
        expect(layers.map((l) => l.layer)).toEqual(data.length ? ['ipv4', 'raw'] : ['ipv4']);
      }),
      RUNS,
    );
  });

  it('UDP: ports, payload, optional explicit checksum', () => {
    fc.assert(
      fc.property(ipv4Fields, fc.record({ srcPort: udpPort, dstPort: udpPort }), fc.option(u16, { nil: undefined }), bytes(64), (ip, ports, checksum, data) => {
        const udp = checksum === undefined ? ports : { ...ports, checksum };
        const { layers } = roundTrip([{ layer: 'ipv4', fields: ip }, { layer: 'udp', fields: udp }, { layer: 'raw', fields: { data } }], 'ipv4');
        expect(layers[0].fields).toMatchObject({ protocol: 17 });
        expect(layers[1].fields).toMatchObject({ ...udp, length: 8 + data.length });
        const fragment = ip.flags.includes('mf');
        if (checksum === undefined) {
          expect(layers[1].fields).not.toMatchObject({ checksum: 0 });
          expect(layers[1].checksum?.status).toBe(fragment ? 'unverifiable' : 'valid');
        } else if (checksum === 0) {
          expect(layers[1].checksum).toEqual({ status: 'unverifiable', actual: 0 });
        }
      }),
      RUNS,
    );
  });

  it('TCP with arbitrary options', () => {
    fc.assert(
      fc.property(ipv4Fields, tcpFields, bytes(64), (ip, tcp, data) => {
        const layers: EncodableLayer[] = [{ layer: 'ipv4', fields: ip }, { layer: 'tcp', fields: tcp }];
        if (data.length) layers.push({ layer: 'raw', fields: { data } });
        const { layers: out } = roundTrip(layers, 'ipv4');
        const optionBytes = tcp.options.reduce((n, o) => n + tcpOptionSize(o), 0);
        expect(json(out[1])).toEqual({
          ...tcp,
          options: decodedOptions(tcp.options, tcpOptionSize),
          dataOffset: 5 + Math.ceil(optionBytes / 4),
          checksum: (out[1].fields as { checksum: number }).checksum,
        });
        expect(out[1].checksum?.status).toBe(ip.flags.includes('mf') ? 'unverifiable' : 'valid');
      }),
      RUNS,
    );
  });

  it('ICMP, every known type and unknown ones', () => {
    fc.assert(
      fc.property(icmpFields, bytes(32), (icmp, data) => {
        // An error message's payload is a quoted datagram; give the others raw data.
        const quotes = ICMP_ERROR_TYPES.has(icmp.type as string);
        const layers: EncodableLayer[] = [{ layer: 'ipv4', fields: {} }, { layer: 'icmp', fields: icmp }];
        if (!quotes && data.length) layers.push({ layer: 'raw', fields: { data } });
        const { layers: out } = roundTrip(layers, 'ipv4');
        expect(out[1].fields).toEqual({ ...icmp, checksum: (out[1].fields as { checksum: number }).checksum });
        expect(statuses(out).slice(0, 2)).toEqual(['valid', 'valid']);
      }),
      RUNS,
    );
  });

  it('ICMP errors quoting an IPv4/UDP datagram', () => {
    fc.assert(
      fc.property(icmpFields.filter((f) => ICMP_ERROR_TYPES.has(f.type as string)), ipv4Fields, fc.record({ srcPort: udpPort, dstPort: udpPort }), bytes(16), (icmp, ip, udp, data) => {
        const layers: EncodableLayer[] = [{ layer: 'ipv4', fields: {} }, { layer: 'icmp', fields: icmp }, { layer: 'ipv4', fields: ip }, { layer: 'udp', fields: udp }];
        if (data.length) layers.push({ layer: 'raw', fields: { data } });
        const { layers: out } = roundTrip(layers, 'ipv4');
        expect(json(out[2])).toMatchObject({ ...ip, options: decodedOptions(ip.options as Opt[], ipv4OptionSize) });
        expect(out[3].fields).toMatchObject(udp);
      }),
      RUNS,
    );
  });

  it('Ethernet with VLAN tags', () => {
    fc.assert(
      fc.property(ethernetFields, fc.boolean(), bytes(48), u16.filter((t) => t > 1500 && !BOUND_ETHER_TYPES.has(t) && ![0x8100, 0x88a8, 0x9100].includes(t)), (eth, ip, data, etherType) => {
        const layers: EncodableLayer[] = ip
          ? [{ layer: 'ethernet', fields: eth }, { layer: 'ipv4', fields: {} }, { layer: 'udp', fields: {} }, { layer: 'raw', fields: { data } }]
          : [{ layer: 'ethernet', fields: { ...eth, etherType } }, { layer: 'raw', fields: { data } }];
        const { layers: out } = roundTrip(layers.filter((l) => l.layer !== 'raw' || data.length), 'ethernet');
        expect(out[0].fields).toEqual({ ...eth, etherType: ip ? 0x0800 : etherType });
        expect(out.map((l) => l.layer)).toEqual(layers.filter((l) => l.layer !== 'raw' || data.length).map((l) => l.layer));
      }),
      RUNS,
    );
  });

  it('Linux SLL', () => {
    fc.assert(
      fc.property(linuxSllFields, (sll) => {
        const { layers } = roundTrip([{ layer: 'linux-sll', fields: sll }, { layer: 'ipv4', fields: {} }, { layer: 'tcp', fields: {} }], 'linux-sll');
        expect(json(layers[0])).toEqual({ ...sll, protocol: 0x0800 });
      }),
      RUNS,
    );
  });

  it('whole valid stacks decode without issues and with no invalid checksum', () => {
    fc.assert(
      fc.property(validPacket, ({ from, layers }) => {
        const b = encodeLayers(layers);
        const d = decode(b, { from });
        expect(d.issues).toEqual([]);
        expect(statuses(d.layers)).not.toContain('invalid');
        expect(d.layers.map((l) => l.layer)).toEqual(layers.filter((l) => l.layer !== 'raw' || ((l.fields as { data?: Buffer }).data as Buffer).length).map((l) => l.layer));
      }),
      RUNS,
    );
  });
});
