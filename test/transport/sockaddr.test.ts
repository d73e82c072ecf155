/** Address text and sockaddr encoding (pure functions; no sockets). */
import { describe, expect, it } from 'vitest';
import { posixConstants } from '../../src/transport/index.js';
import {
  decodeSockaddr,
  encodeSockaddr,
  formatIPv4,
  formatIPv6,
  parseIp,
  parseIPv4,
  parseIPv6,
} from '../../src/transport/socket/sockaddr.js';
import { parseIpv4, parseIpv6 as parseIpv6Codec, readIpv6 } from '../../src/codec/bytes.js';

const linux = posixConstants('linux')!;
const darwin = posixConstants('darwin')!;

describe('address text', () => {
  it('parses and formats IPv4', () => {
    expect([...parseIPv4('192.0.2.255')!]).toEqual([192, 0, 2, 255]);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.-4', ' 1.2.3.4', '1.2.3.4x']) {
      expect(parseIPv4(bad), bad).toBeUndefined();
    }
    expect(formatIPv4(Uint8Array.of(198, 51, 100, 7))).toBe('198.51.100.7');
  });

  it('parses IPv6 forms, zones and brackets', () => {
    const hex = (s: string) => Buffer.from(parseIPv6(s)!.bytes).toString('hex');
    expect(hex('::1')).toBe('00000000000000000000000000000001');
    expect(hex('::')).toBe('0'.repeat(32));
    expect(hex('2001:db8::8:800:200c:417a')).toBe('20010db80000000000080800200c417a');
    expect(hex('::ffff:192.0.2.1')).toBe('00000000000000000000ffffc0000201');
    expect(hex('[2001:db8::1]')).toBe('20010db8000000000000000000000001');
    expect(parseIPv6('fe80::1%lo')).toMatchObject({ zone: 'lo' });
    for (const bad of ['', ':::', '1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', 'fe80::1%', '1:2:3:4:5:6:7::8']) {
      expect(parseIPv6(bad), bad).toBeUndefined();
    }
    expect(parseIp('127.0.0.1')?.family).toBe(4);
    expect(parseIp('::1')?.family).toBe(6);
    expect(parseIp('localhost')).toBeUndefined();
  });

  it('formats IPv6 canonically (RFC 5952)', () => {
    const f = (s: string) => formatIPv6(parseIPv6(s)!.bytes);
    expect(f('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(f('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // a single zero group stays
    expect(f('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // first of equal runs
    expect(f('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1'); // longest run
    expect(f('::')).toBe('::');
    expect(f('::1')).toBe('::1');
    expect(f('1::')).toBe('1::');
    expect(f('::ffff:203.0.113.5')).toBe('::ffff:203.0.113.5');
  });
});

describe('address text comes from the codec (codec/bytes.ts)', () => {
  it('agrees with parseIpv4/parseIpv6/readIpv6, and hands out copies the caller may change', () => {
    for (const text of ['::1', '2001:db8::1', 'fe80::1:2', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8']) {
      expect(formatIPv6(parseIPv6(text)!.bytes)).toBe(readIpv6(parseIpv6Codec(text)!, 0));
    }
    expect([...parseIPv4('203.0.113.7')!]).toEqual([203, 0, 113, 7]);
    expect(parseIpv4('203.0.113.7')).toBe(0xcb007107);
    const first = parseIPv6('2001:db8::99')!.bytes;
    first[15] = 0;
    expect(parseIPv6('2001:db8::99')!.bytes[15]).toBe(0x99);
    expect(parseIpv6Codec('2001:db8::99')![15]).toBe(0x99);
  });
});

describe('sockaddr encoding', () => {
  it('Linux sockaddr_in / sockaddr_in6 (host-order family, no length byte)', () => {
    const v4 = encodeSockaddr(linux, 4, parseIPv4('192.0.2.1')!);
    expect(v4.toString('hex')).toBe('0200' + '0000' + 'c0000201' + '00'.repeat(8));
    const v6 = encodeSockaddr(linux, 6, parseIPv6('2001:db8::1')!.bytes, 3);
    expect(v6.length).toBe(28);
    expect(v6.readUInt16LE(0)).toBe(10);
    expect(v6.subarray(8, 24).toString('hex')).toBe('20010db8000000000000000000000001');
    expect(v6.readUInt32LE(24)).toBe(3);
    expect(decodeSockaddr(linux, v4, v4.length)).toEqual({ family: 4, address: '192.0.2.1' });
    expect(decodeSockaddr(linux, v6, v6.length)).toEqual({ family: 6, address: '2001:db8::1' });
  });

  it('macOS sockaddrs start with sin_len', () => {
    const v4 = encodeSockaddr(darwin, 4, parseIPv4('203.0.113.9')!);
    expect([...v4.subarray(0, 2)]).toEqual([16, 2]);
    const v6 = encodeSockaddr(darwin, 6, parseIPv6('2001:db8::2')!.bytes);
    expect([...v6.subarray(0, 2)]).toEqual([28, 30]);
    expect(decodeSockaddr(darwin, v6, 28)).toEqual({ family: 6, address: '2001:db8::2' });
    expect(decodeSockaddr(darwin, v4, 1)).toBeUndefined();
  });
});
