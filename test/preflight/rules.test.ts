/**
 * Table-driven: rule × platform × packet → finding. Every rule of every platform fires in at
 * least one row and stays silent in another (checked at the end).
 */
import { describe, expect, it } from 'vitest';
import { preflight, RULES } from '../../src/transport/preflight/preflight.js';
import { WINDOWS_RULES } from '../../src/transport/preflight/windows.js';
import { LINUX_RULES } from '../../src/transport/preflight/linux.js';
import { DARWIN_RULES } from '../../src/transport/preflight/darwin.js';
import type { Basis, PreflightContextInput, PreflightPacket, Severity } from '../../src/transport/preflight/types.js';
import { ctx, icmp, ipv6, LOCAL, tcpSyn, udp } from './helpers.js';

interface Row {
  readonly name: string;
  readonly packet: PreflightPacket;
  readonly context: PreflightContextInput;
  /** Findings that must be there, with their severity (and basis when given). */
  readonly expect?: ReadonlyArray<readonly [code: string, severity: Severity, basis?: Basis]>;
  /** Codes that must not be there. */
  readonly absent?: readonly string[];
  /** A piece of the message of the first expected finding. */
  readonly message?: RegExp;
}

const HDR = { hdrincl: true, protocol: 255 } as const;
const v4payload = (bytes: Uint8Array, destination = '198.51.100.7') => ({ bytes, destination });
const withSrc = (packet: Buffer, src: number[]) => {
  const b = Buffer.from(packet);
  b.set(src, 12);
  return recomputeV4(b);
};
function recomputeV4(b: Buffer): Buffer {
  b.writeUInt16BE(0, 10);
  let s = 0;
  for (let i = 0; i < 20; i += 2) s += b.readUInt16BE(i);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  b.writeUInt16BE(~s & 0xffff, 10);
  return b;
}

const rows: Row[] = [
  // ---- Windows: privileges ----
  { name: 'unprivileged on Windows 10: socket() fails with WSAEACCES', packet: icmp(), context: ctx('windows-10', {}, { privileges: 'unprivileged' }), expect: [['WIN_ADMIN_REQUIRED', 'error']], message: /socket\(\) fails with WSAEACCES.*Vista/ },
  { name: 'unprivileged on XP SP2: enforced at later operations', packet: icmp(), context: ctx('windows-xp-sp2', {}, { privileges: false }), expect: [['WIN_ADMIN_REQUIRED', 'error']], message: /later calls such as sendto\(\)/ },
  { name: 'unknown elevation on Windows 11: a warning', packet: icmp(), context: ctx('windows-11', {}, { privileges: 'unknown' }), expect: [['WIN_ADMIN_REQUIRED', 'warning']] },
  { name: 'elevated: no privilege finding', packet: icmp(), context: ctx('windows-11'), absent: ['WIN_ADMIN_REQUIRED'] },
  // ---- protocol 0 ----
  { name: 'protocol 0 refused', packet: v4payload(Buffer.from('0800f7ff00000000', 'hex')), context: ctx('windows-10', { protocol: 0, hdrincl: false }), expect: [['WIN_PROTOCOL_ZERO', 'error']] },
  { name: 'protocol 1 fine', packet: v4payload(Buffer.from('0800f7ff00000000', 'hex')), context: ctx('windows-10', { protocol: 1, hdrincl: false }), absent: ['WIN_PROTOCOL_ZERO'] },
  // ---- bind of raw TCP ----
  { name: 'bind raw TCP on Windows 7', packet: v4payload(Buffer.alloc(20)), context: ctx('windows-7', { protocol: 6, hdrincl: false, bind: '192.0.2.10' }), expect: [['WIN_TCP_BIND', 'error', 'documented']], message: /bind\(\) of a raw IPPROTO_TCP socket/ },
  { name: 'bind raw TCP on Windows 10: observed', packet: v4payload(Buffer.alloc(20)), context: ctx('windows-10', { protocol: 6, hdrincl: false, bind: '192.0.2.10' }), expect: [['WIN_TCP_BIND', 'error', 'observed']] },
  { name: 'bind raw TCP on Server 2022: not documented', packet: v4payload(Buffer.alloc(20)), context: ctx('windows-server-2022', { protocol: 6, hdrincl: false, bind: '192.0.2.10' }), expect: [['WIN_TCP_BIND', 'warning', 'inferred']] },
  { name: 'bind raw TCP on Server 2008 R2: exempt', packet: v4payload(Buffer.alloc(20)), context: ctx('windows-server-2008r2', { protocol: 6, hdrincl: false, bind: '192.0.2.10' }), expect: [['WIN_TCP_BIND', 'info', 'documented']] },
  { name: 'bind raw UDP is allowed', packet: v4payload(Buffer.alloc(8)), context: ctx('windows-10', { protocol: 17, hdrincl: false, bind: '192.0.2.10' }), absent: ['WIN_TCP_BIND'] },
  // ---- header inclusion ----
  { name: 'IP_HDRINCL with 10 bytes', packet: v4payload(Buffer.alloc(10)), context: ctx('windows-10', HDR), expect: [['WIN_HDRINCL_HEADER', 'error']], message: /10 bytes long/ },
  { name: 'IP_HDRINCL with an IPv6 header', packet: v4payload(ipv6(17, Buffer.alloc(8))), context: ctx('windows-10', { ...HDR, family: 4 }), expect: [['WIN_HDRINCL_HEADER', 'error']], message: /version 6, not 4/ },
  { name: 'IP_HDRINCL with IHL 4', packet: (() => { const b = Buffer.from(udp()); b[0] = 0x44; return b; })(), context: ctx('windows-10', HDR), expect: [['WIN_HDRINCL_HEADER', 'error']], message: /IHL\) is 4 words/ },
  { name: 'IPV6_HDRINCL with 30 bytes', packet: { bytes: Buffer.alloc(30), destination: '2001:db8::2' }, context: ctx('windows-10', { family: 6, hdrincl: true, protocol: 17 }), expect: [['WIN_HDRINCL_HEADER', 'error'], ['WIN_IPV6_HDRINCL', 'warning']] },
  { name: 'IP_HDRINCL with a whole datagram', packet: udp(), context: ctx('windows-10', HDR), absent: ['WIN_HDRINCL_HEADER', 'WIN_HEADER_WITHOUT_HDRINCL'] },
  { name: 'header included without IP_HDRINCL', packet: v4payload(udp()), context: ctx('windows-10', { protocol: 17, hdrincl: false }), expect: [['WIN_HEADER_WITHOUT_HDRINCL', 'error']] },
  { name: 'IPv6 header included without IPV6_HDRINCL', packet: { bytes: ipv6(17, Buffer.alloc(8)), destination: '2001:db8::2' }, context: ctx('windows-10', { family: 6, protocol: 17, hdrincl: false }), expect: [['WIN_HEADER_WITHOUT_HDRINCL', 'error']] },
  { name: 'payload only without IP_HDRINCL', packet: v4payload(Buffer.from('hello')), context: ctx('windows-10', { protocol: 17, hdrincl: false }), absent: ['WIN_HEADER_WITHOUT_HDRINCL', 'WIN_HDRINCL_HEADER'] },
  { name: 'IPV6_HDRINCL discouraged', packet: { bytes: ipv6(17, Buffer.alloc(8)), destination: '2001:db8::2' }, context: ctx('windows-11', { family: 6, hdrincl: true, protocol: 17 }), expect: [['WIN_IPV6_HDRINCL', 'warning']], message: /RFC 3542/ },
  { name: 'IPv6 without IPV6_HDRINCL', packet: { bytes: Buffer.alloc(8), destination: '2001:db8::2' }, context: ctx('windows-11', { family: 6, hdrincl: false, protocol: 17 }), absent: ['WIN_IPV6_HDRINCL'] },
  // ---- size ----
  { name: '65,468 bytes: too large', packet: v4payload(Buffer.alloc(65468)), context: ctx('windows-10', { protocol: 17, hdrincl: false }), expect: [['WIN_MESSAGE_TOO_LARGE', 'error']], message: /65,467/ },
  { name: '65,467 bytes: fine', packet: v4payload(Buffer.alloc(65467)), context: ctx('windows-10', { protocol: 17, hdrincl: false }), absent: ['WIN_MESSAGE_TOO_LARGE'] },
  // ---- broadcast and multicast ----
  { name: 'limited broadcast without SO_BROADCAST', packet: udp('192.0.2.10', '255.255.255.255'), context: ctx('windows-10', HDR), expect: [['WIN_BROADCAST_NEEDS_SO_BROADCAST', 'error']], message: /WSAEACCES/ },
  { name: 'directed broadcast of a local /24', packet: v4payload(Buffer.alloc(8), '192.0.2.255'), context: ctx('windows-10', { protocol: 17, hdrincl: false }), expect: [['WIN_BROADCAST_NEEDS_SO_BROADCAST', 'error']] },
  { name: 'x.x.x.255 of no local network is not a broadcast', packet: v4payload(Buffer.alloc(8), '203.0.113.255'), context: ctx('windows-10', { protocol: 17, hdrincl: false }), absent: ['WIN_BROADCAST_NEEDS_SO_BROADCAST'] },
  { name: 'broadcast with SO_BROADCAST', packet: udp('192.0.2.10', '255.255.255.255'), context: ctx('windows-10', { ...HDR, broadcast: true }), absent: ['WIN_BROADCAST_NEEDS_SO_BROADCAST'] },
  { name: 'multicast: no membership needed', packet: udp('192.0.2.10', '224.0.0.251'), context: ctx('windows-10', HDR), expect: [['WIN_MULTICAST_NO_MEMBERSHIP', 'info']] },
  { name: 'IPv6 multicast', packet: { bytes: Buffer.alloc(8), destination: 'ff02::1' }, context: ctx('windows-10', { family: 6, protocol: 17, hdrincl: false }), expect: [['WIN_MULTICAST_NO_MEMBERSHIP', 'info']] },
  { name: 'unicast: no multicast note', packet: udp(), context: ctx('windows-10', HDR), absent: ['WIN_MULTICAST_NO_MEMBERSHIP'] },
  // ---- TCP data, by version ----
  ...(
    [
      ['windows-7', 'error', 'documented'],
      ['windows-vista', 'error', 'documented'],
      ['windows-xp-sp2', 'error', 'documented'],
      ['windows-xp-sp3', 'error', 'documented'],
      ['windows-8', 'error', 'observed'],
      ['windows-8.1', 'error', 'observed'],
      ['windows-10', 'error', 'observed'],
      ['windows-11', 'error', 'observed'],
      ['windows-xp-sp1', 'info', 'documented'],
      ['windows-2000', 'info', 'documented'],
      ['windows-server-2003', 'info', 'documented'],
      ['windows-server-2008', 'info', 'documented'],
      ['windows-server-2008r2', 'info', 'documented'],
      ['windows-server-2012', 'warning', 'inferred'],
      ['windows-server-2012r2', 'warning', 'inferred'],
      ['windows-server-2016', 'warning', 'inferred'],
      ['windows-server-2019', 'warning', 'inferred'],
      ['windows-server-2022', 'warning', 'inferred'],
      ['windows-server-2025', 'warning', 'inferred'],
    ] as const
  ).map(([platform, severity, basis]): Row => ({
    name: `TCP over a raw socket on ${platform}: ${severity} (${basis})`,
    packet: tcpSyn(),
    context: ctx(platform, HDR),
    expect: [['WIN_TCP_SEND_BLOCKED', severity, basis]],
    ...(basis === 'observed' ? { message: /observed behaviour.*not on the document/ } : basis === 'inferred' ? { message: /does not name/ } : {}),
  })),
  { name: 'TCP payload on a protocol-6 socket (no IP_HDRINCL)', packet: v4payload(Buffer.alloc(20)), context: ctx('windows-10', { protocol: 6, hdrincl: false }), expect: [['WIN_TCP_SEND_BLOCKED', 'error', 'observed']] },
  { name: 'UDP is not TCP', packet: udp(), context: ctx('windows-10', HDR), absent: ['WIN_TCP_SEND_BLOCKED'] },
  // ---- UDP source address ----
  { name: 'spoofed UDP source on Windows 7: dropped', packet: udp('203.0.113.5'), context: ctx('windows-7', HDR), expect: [['WIN_UDP_SOURCE_NOT_LOCAL', 'error', 'documented']], message: /dropped silently/ },
  { name: 'spoofed UDP source on Windows 11: observed', packet: udp('203.0.113.5'), context: ctx('windows-11', HDR), expect: [['WIN_UDP_SOURCE_NOT_LOCAL', 'error', 'observed']] },
  { name: 'spoofed UDP source on Server 2022: not documented', packet: udp('203.0.113.5'), context: ctx('windows-server-2022', HDR), expect: [['WIN_UDP_SOURCE_NOT_LOCAL', 'warning', 'inferred']] },
  { name: 'spoofed UDP source on Server 2008: exempt', packet: udp('203.0.113.5'), context: ctx('windows-server-2008', HDR), expect: [['WIN_UDP_SOURCE_NOT_LOCAL', 'info']] },
  { name: 'local UDP source', packet: udp('192.0.2.10'), context: ctx('windows-11', HDR), absent: ['WIN_UDP_SOURCE_NOT_LOCAL'] },
  { name: 'UDP source 0.0.0.0 (filled in by the stack)', packet: udp('0.0.0.0'), context: ctx('windows-11', HDR), absent: ['WIN_UDP_SOURCE_NOT_LOCAL'] },
  { name: 'UDP source 127.0.0.2 counts as loopback', packet: udp('127.0.0.2', '127.0.0.1'), context: ctx('windows-11', HDR), absent: ['WIN_UDP_SOURCE_NOT_LOCAL'] },
  { name: 'spoofed ICMP is not restricted', packet: icmp('198.51.100.7', '203.0.113.5'), context: ctx('windows-11', HDR), absent: ['WIN_UDP_SOURCE_NOT_LOCAL'] },
  // ---- receiving ----
  { name: 'IPv4 receive: header included', packet: icmp(), context: ctx('windows-10', HDR), expect: [['WIN_RECEIVE_HEADERS', 'info'], ['WIN_RECEIVE_ALL_MATCHING', 'info']], message: /always start with their IPv4 header/ },
  { name: 'IPv6 receive: no header', packet: { bytes: Buffer.alloc(8), destination: '2001:db8::2' }, context: ctx('windows-10', { family: 6, protocol: 58, hdrincl: false }), expect: [['WIN_RECEIVE_HEADERS', 'info']], message: /never include an IPv6 header/ },

  // ---- Linux ----
  { name: 'Linux without CAP_NET_RAW', packet: icmp(), context: ctx('linux', {}, { privileges: 'unprivileged' }), expect: [['LINUX_CAP_NET_RAW', 'error']], message: /EPERM/ },
  { name: 'Linux, rights unknown', packet: icmp(), context: ctx('linux', {}, { privileges: 'unknown' }), expect: [['LINUX_CAP_NET_RAW', 'warning']] },
  { name: 'Linux as root', packet: icmp(), context: ctx('linux'), absent: ['LINUX_CAP_NET_RAW'] },
  { name: 'Linux IP_HDRINCL with 12 bytes', packet: v4payload(Buffer.from('450000000000000040110000', 'hex')), context: ctx('linux', HDR), expect: [['LINUX_HDRINCL_HEADER', 'error']], message: /EINVAL/ },
  { name: 'Linux rewrites a wrong checksum', packet: (() => { const b = Buffer.from(udp()); b[10] ^= 0xff; return b; })(), context: ctx('linux', HDR), expect: [['LINUX_HDRINCL_REWRITES', 'warning']], message: /checksum 0x[0-9a-f]{4} becomes 0x/ },
  { name: 'Linux rewrites a wrong total length', packet: (() => { const b = Buffer.from(udp()); b.writeUInt16BE(999, 2); return recomputeV4(b); })(), context: ctx('linux', HDR), expect: [['LINUX_HDRINCL_REWRITES', 'warning']], message: /totalLength 999 becomes/ },
  { name: 'Linux fills in a zero id', packet: (() => { const b = Buffer.from(udp()); b.writeUInt16BE(0, 4); return recomputeV4(b); })(), context: ctx('linux', HDR), expect: [['LINUX_HDRINCL_REWRITES', 'warning']], message: /id 0 is replaced/ },
  { name: 'Linux leaves a zero id alone when DF is set (seen on loopback)', packet: (() => { const b = Buffer.from(udp()); b.writeUInt16BE(0, 4); b[6] |= 0x40; return recomputeV4(b); })(), context: ctx('linux', HDR), absent: ['LINUX_HDRINCL_REWRITES'] },
  { name: 'Linux fills in a zero source', packet: withSrc(udp(), [0, 0, 0, 0]), context: ctx('linux', HDR), expect: [['LINUX_HDRINCL_REWRITES', 'warning']], message: /src 0\.0\.0\.0 is replaced/ },
  { name: 'Linux leaves a correct header alone', packet: udp(), context: ctx('linux', HDR), absent: ['LINUX_HDRINCL_REWRITES', 'LINUX_HDRINCL_HEADER'] },
  { name: 'Linux 4.4 has no IPV6_HDRINCL', packet: ipv6(17, Buffer.alloc(8)), context: ctx('linux-4.4.0', { family: 6, hdrincl: true, protocol: 255 }), expect: [['LINUX_IPV6_HDRINCL', 'error']] },
  { name: 'Linux 6.1 takes the IPv6 header', packet: ipv6(17, Buffer.alloc(8)), context: ctx('linux-6.1.0', { family: 6, hdrincl: true, protocol: 255 }), expect: [['LINUX_IPV6_HDRINCL', 'info']] },
  { name: 'Linux IPv6 without IPV6_HDRINCL', packet: { bytes: Buffer.alloc(8), destination: '2001:db8::2' }, context: ctx('linux', { family: 6, hdrincl: false, protocol: 17 }), absent: ['LINUX_IPV6_HDRINCL', 'LINUX_HDRINCL_HEADER'] },
  { name: 'Linux broadcast without SO_BROADCAST', packet: udp('192.0.2.10', '255.255.255.255'), context: ctx('linux', HDR), expect: [['LINUX_BROADCAST', 'error']], message: /EACCES/ },
  { name: 'Linux broadcast with SO_BROADCAST', packet: udp('192.0.2.10', '255.255.255.255'), context: ctx('linux', { ...HDR, broadcast: true }), absent: ['LINUX_BROADCAST'] },
  { name: 'Linux receive note', packet: v4payload(Buffer.alloc(8)), context: ctx('linux', { protocol: 1, hdrincl: false }), expect: [['LINUX_RECEIVE', 'info']], message: /ICMP \(1\) gets a copy .* with their IPv4 header/ },
  { name: 'Linux IPPROTO_RAW receives nothing', packet: udp(), context: ctx('linux', HDR), expect: [['LINUX_RECEIVE', 'info']], message: /only sends/ },
  { name: 'Linux TCP is fine', packet: tcpSyn(), context: ctx('linux', HDR), absent: ['WIN_TCP_SEND_BLOCKED', 'LINUX_HDRINCL_REWRITES'] },
  { name: 'IPv4 datagram over 65,535 bytes', packet: v4payload(Buffer.alloc(65516)), context: ctx('linux', { protocol: 17, hdrincl: false }), expect: [['IP_TOO_LARGE', 'error']], message: /65536 bytes/ },
  { name: 'IPv4 datagram of 65,535 bytes', packet: v4payload(Buffer.alloc(65515)), context: ctx('linux', { protocol: 17, hdrincl: false }), absent: ['IP_TOO_LARGE'] },

  // ---- macOS ----
  { name: 'macOS not root', packet: icmp(), context: ctx('macos', {}, { privileges: 'unprivileged' }), expect: [['MACOS_ROOT_REQUIRED', 'error']] },
  { name: 'macOS rights unknown', packet: icmp(), context: ctx('macos-14', {}, { privileges: 'unknown' }), expect: [['MACOS_ROOT_REQUIRED', 'warning']] },
  { name: 'macOS as root, without IP_HDRINCL', packet: v4payload(Buffer.alloc(8)), context: ctx('macos', { protocol: 1, hdrincl: false }), absent: ['MACOS_ROOT_REQUIRED', 'MACOS_HDRINCL_BYTE_ORDER'] },
  { name: 'macOS IP_HDRINCL byte order', packet: udp(), context: ctx('macos', HDR), expect: [['MACOS_HDRINCL_BYTE_ORDER', 'info']], absent: ['MACOS_HDRINCL_HEADER'], message: /host byte order/ },
  { name: 'macOS IP_HDRINCL with a short header', packet: v4payload(Buffer.alloc(8)), context: ctx('macos', HDR), expect: [['MACOS_HDRINCL_HEADER', 'error']], absent: ['MACOS_HDRINCL_BYTE_ORDER'] },
  { name: 'macOS has no IPV6_HDRINCL', packet: ipv6(17, Buffer.alloc(8)), context: ctx('macos', { family: 6, hdrincl: true, protocol: 17 }), expect: [['MACOS_NO_IPV6_HDRINCL', 'error']] },
  { name: 'macOS IPv6 without header inclusion', packet: { bytes: Buffer.alloc(8), destination: '2001:db8::2' }, context: ctx('macos', { family: 6, hdrincl: false, protocol: 17 }), absent: ['MACOS_NO_IPV6_HDRINCL'] },
  { name: 'macOS broadcast', packet: udp('192.0.2.10', '255.255.255.255'), context: ctx('macos', HDR), expect: [['MACOS_BROADCAST', 'error']] },
  { name: 'macOS broadcast with SO_BROADCAST', packet: udp('192.0.2.10', '255.255.255.255'), context: ctx('macos', { ...HDR, broadcast: true }), absent: ['MACOS_BROADCAST'] },
  { name: 'macOS receive note', packet: { bytes: Buffer.alloc(8), destination: '2001:db8::2' }, context: ctx('macos', { family: 6, protocol: 58, hdrincl: false }), expect: [['MACOS_RECEIVE', 'info']], message: /without their IPv6 header/ },

  // ---- other systems ----
  { name: 'FreeBSD: not covered', packet: icmp(), context: { platform: { os: 'other', name: 'freebsd' }, privileges: 'elevated', interfaces: LOCAL }, expect: [['PLATFORM_NOT_COVERED', 'info']] },
];

const fired = new Set<string>();
const silent = new Set<string>();

describe('pre-flight rules: rule × platform × packet → finding', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const findings = preflight(row.packet, row.context);
    const byCode = new Map(findings.map((f) => [f.code, f]));
    for (const [code, severity, basis] of row.expect ?? []) {
      const f = byCode.get(code);
      expect(f, `${code} in ${findings.map((x) => x.code).join(', ')}`).toBeDefined();
      expect(f!.severity).toBe(severity);
      if (basis) expect(f!.basis).toBe(basis);
      expect(f!.remedy.length).toBeGreaterThan(10);
      expect(f!.source.document.length).toBeGreaterThan(3);
      expect(f!.source.section.length).toBeGreaterThan(3);
      fired.add(code);
    }
    if (row.message && row.expect?.length) expect(byCode.get(row.expect[0][0])!.message).toMatch(row.message);
    for (const code of row.absent ?? []) {
      expect(byCode.has(code), `${code} should be absent`).toBe(false);
      silent.add(code);
    }
  });

  it('every Windows, Linux and macOS rule fires in some row', () => {
    for (const rule of [...WINDOWS_RULES, ...LINUX_RULES, ...DARWIN_RULES]) expect(fired.has(rule.id), rule.id).toBe(true);
    expect(RULES.length).toBe(WINDOWS_RULES.length + LINUX_RULES.length + DARWIN_RULES.length + 2);
  });

  it('every rule that depends on the packet or socket is shown silent in some row', () => {
    const alwaysOn = new Set(['WIN_RECEIVE_HEADERS', 'WIN_RECEIVE_ALL_MATCHING', 'LINUX_RECEIVE', 'MACOS_RECEIVE', 'PLATFORM_NOT_COVERED']);
    for (const rule of RULES) if (!alwaysOn.has(rule.id)) expect(silent.has(rule.id), rule.id).toBe(true);
  });

  it('Windows rules only fire for Windows, Linux ones for Linux, macOS ones for macOS', () => {
    const packet = udp('203.0.113.5', '255.255.255.255');
    const on = (platform: string) => preflight(packet, ctx(platform, HDR, { privileges: 'unprivileged' })).map((f) => f.code);
    expect(on('windows-10').every((c) => c.startsWith('WIN_'))).toBe(true);
    expect(on('linux').every((c) => c.startsWith('LINUX_'))).toBe(true);
    expect(on('macos').every((c) => c.startsWith('MACOS_'))).toBe(true);
  });
});
