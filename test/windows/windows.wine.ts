/**
 * The Windows (Winsock) transport, for real: Windows node.exe, koffi's Windows binary and
 * Wine's ws2_32.dll over real Linux raw sockets. Each test runs one scenario of
 * test/windows/remote/suite.ts under Wine and checks its result, some against what a
 * Linux-side raw socket saw on loopback. Run by `npm run test:windows`.
 *
 * Only 127.0.0.1 and ::1 are sent to.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RawSocket } from '../../src/transport/socket/raw-socket.js';
import type { ReceivedDatagram } from '../../src/transport/socket/raw-socket.js';
import { at, requireWine, runScenario, stopWine, type Json } from './harness.js';

afterAll(() => stopWine());

function checksum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i + 1 < b.length; i += 2) s += (b[i] << 8) | b[i + 1];
  if (b.length % 2) s += b[b.length - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

const unique = () => ((process.pid * 7919 + Date.now() + Math.floor(Math.random() * 65536)) & 0xfffe) + 1;

/** A complete IPv4 datagram 127.0.0.1 -> 127.0.0.1 with every field Linux could rewrite already right (non-zero id, checksum, length, source). */
function ipv4(protocol: number, id: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(20 + payload.length);
  b[0] = 0x45;
  b.writeUInt16BE(b.length, 2);
  b.writeUInt16BE(id, 4);
  b.writeUInt16BE(0x4000, 6);
  b[8] = 61;
  b[9] = protocol;
  b.set([127, 0, 0, 1], 12);
  b.set([127, 0, 0, 1], 16);
  b.writeUInt16BE(checksum(b.subarray(0, 20)), 10);
  b.set(payload, 20);
  return b;
}

function icmpEcho(id: number, seq: number): Buffer {
  const b = Buffer.alloc(8 + 20);
  b[0] = 8;
  b.writeUInt16BE(id, 4);
  b.writeUInt16BE(seq, 6);
  b.write('rawcraft hdrincl ---', 8);
  b.writeUInt16BE(checksum(b), 2);
  return b;
}

/** A TCP SYN from 127.0.0.1:srcPort to 127.0.0.1:9 with sequence number `seq`, checksummed. */
function tcpSyn(srcPort: number, seq: number): Buffer {
  const t = Buffer.alloc(20);
  t.writeUInt16BE(srcPort, 0);
  t.writeUInt16BE(9, 2);
  t.writeUInt32BE(seq >>> 0, 4);
  t[12] = 5 << 4;
  t[13] = 0x02; // SYN
  t.writeUInt16BE(1024, 14);
  const pseudo = Buffer.concat([Buffer.from([127, 0, 0, 1, 127, 0, 0, 1, 0, 6, 0, 20]), t]);
  t.writeUInt16BE(checksum(pseudo), 16);
  return t;
}

/** An IPv6 UDP datagram ::1 -> ::1 (hop limit 7) with `data`. */
function ipv6Udp(port: number, data: string): Buffer {
  const payload = Buffer.from(data);
  const b = Buffer.alloc(48 + payload.length);
  b.writeUInt32BE(0x60000000, 0);
  b.writeUInt16BE(8 + payload.length, 4);
  b[6] = 17;
  b[7] = 7;
  b[23] = 1; // ::1
  b[39] = 1; // ::1
  b.writeUInt16BE(port, 40);
  b.writeUInt16BE(port, 42);
  b.writeUInt16BE(8 + payload.length, 44);
  b.set(payload, 48);
  return b;
}

/** Every datagram on `socket` matching `match` within `ms`. */
async function collect(socket: RawSocket, match: (d: ReceivedDatagram) => boolean, ms: number): Promise<ReceivedDatagram[]> {
  const out: ReceivedDatagram[] = [];
  for await (const d of socket.receive({ timeoutMs: ms, filter: match })) out.push(d);
  return out;
}

const codes = (findings: Json | undefined) => (Array.isArray(findings) ? findings.map((f) => at(f, 'code')) : []);

describe('Winsock under Wine (Windows node.exe, koffi win32, ws2_32.dll)', () => {
  it('detection sees the Windows 10 client that Wine presents, and root as elevated', async (ctx) => {
    requireWine(ctx);
    const r = await runScenario('context');
    expect(r.ok, r.output).toBe(true);
    expect(r.data?.process).toBe('win32');
    expect(r.data?.platform).toMatchObject({ os: 'windows', edition: 'client', release: '10' });
    expect(String(at(r.data?.platform, 'wine'))).toMatch(/^\d+\./);
    expect(r.data?.privileges).toBe('elevated');
  });

  it('ICMP echo round trip to 127.0.0.1, the IPv4 header first, the event loop running while waiting', async (ctx) => {
    requireWine(ctx);
    const id = unique();
    const r = await runScenario('icmp-echo', { id });
    expect(r.ok, JSON.stringify(r.error) + r.output).toBe(true);
    expect(r.data?.sent).toBe(32);
    const reply = Buffer.from(String(at(r.data?.reply, 'hex')), 'hex');
    expect(at(r.data?.reply, 'from')).toBe('127.0.0.1');
    expect(at(r.data?.reply, 'includesIpHeader')).toBe(true);
    expect(reply[0] >> 4).toBe(4);
    const o = (reply[0] & 0x0f) * 4;
    expect(reply[o]).toBe(0); // echo reply
    expect(reply.readUInt16BE(o + 4)).toBe(id);
    expect(reply.subarray(o + 8)).toEqual(Buffer.from(String(r.data?.request), 'hex').subarray(8));
    expect(checksum(reply.subarray(o))).toBe(0);
    // 300 ms of waiting with nothing to read: a 10 ms interval kept firing (WSAPoll is on a worker thread).
    expect(Number(r.data?.idleMs)).toBeGreaterThanOrEqual(250);
    expect(Number(r.data?.ticks)).toBeGreaterThanOrEqual(15);
    expect(codes(r.data?.findings)).toEqual(['WIN_RECEIVE_HEADERS', 'WIN_RECEIVE_ALL_MATCHING']);
  });

  it('a hand-built IP_HDRINCL datagram is seen byte for byte by a Linux raw socket', async (ctx) => {
    requireWine(ctx);
    const icmpId = unique();
    const packet = ipv4(1, unique(), icmpEcho(icmpId, 3));
    using watcher = RawSocket.open({ family: 4, protocol: 1 });
    const seen = collect(watcher, (d) => d.bytes.length === packet.length && d.bytes[20] === 8 && d.bytes.readUInt16BE(24) === icmpId, 15_000);
    const r = await runScenario('hdrincl-send', { packet: packet.toString('hex') });
    watcher.close();
    expect(r.ok, JSON.stringify(r.error) + r.output).toBe(true);
    expect(r.data).toMatchObject({ hdrincl: true, sent: packet.length });
    const got = await seen;
    expect(got.length).toBe(1);
    expect(got[0].bytes.toString('hex')).toBe(packet.toString('hex'));
  });

  it('socket options reach the wire: IP_TTL and IP_TOS set through Winsock are in the datagram Linux receives', async (ctx) => {
    requireWine(ctx);
    const id = unique();
    using watcher = RawSocket.open({ family: 4, protocol: 1 });
    const seen = collect(watcher, (d) => d.bytes[20] === 8 && d.bytes.readUInt16BE(24) === id, 15_000);
    const r = await runScenario('options', { id });
    watcher.close();
    expect(r.ok, JSON.stringify(r.error) + r.output).toBe(true);
    expect(at(r.data, 'result')).toBe(32);
    // The four options of plainIntOptions, one setsockopt each (FIONBIO goes through ioctlsocket).
    expect(at(r.data, 'calls.setsockopt')).toBe(4);
    const got = await seen;
    expect(got.length).toBe(1);
    expect(got[0].bytes[8]).toBe(7); // TTL
    expect(got[0].bytes[1]).toBe(0x20); // TOS
  });

  it('a TCP segment is refused by pre-flight before any Winsock call (Wine presents a Windows 10 client); forced, it leaves', async (ctx) => {
    requireWine(ctx);
    const port = 40000 + (unique() % 20000);
    const seq = unique() * 65536 + 7;
    const packet = ipv4(6, unique(), tcpSyn(port, seq));
    using watcher = RawSocket.open({ family: 4, protocol: 6 });
    const seen = collect(watcher, (d) => d.bytes.readUInt16BE(20) === port && d.bytes.readUInt32BE(24) === seq >>> 0, 15_000);
    const r = await runScenario('tcp-refused', { packet: packet.toString('hex') });
    watcher.close();
    expect(r.ok, JSON.stringify(r.error) + r.output).toBe(true);
    const refused = r.data?.refused;
    expect(at(refused, 'error.kind')).toBe('PreflightError');
    expect(at(refused, 'error.platform')).toMatch(/^windows-10/);
    expect(codes(at(refused, 'error.findings'))).toContain('WIN_TCP_SEND_BLOCKED');
    const finding = (at(refused, 'error.findings') as Json[]).find((f) => at(f, 'code') === 'WIN_TCP_SEND_BLOCKED');
    expect(at(finding, 'severity')).toBe('error');
    expect(at(finding, 'basis')).toBe('observed');
    expect(String(at(finding, 'message'))).toMatch(/observed behaviour/);
    expect(at(refused, 'calls')).toEqual({}); // not one Winsock call
    // force: the same bytes go through Wine to Linux, which has no such restriction.
    expect(at(r.data?.forced, 'result')).toBe(packet.length);
    expect(at(r.data?.forced, 'calls')).toEqual({ sendto: 1 });
    const got = await seen;
    expect(got.length).toBe(1); // only the forced one left
    expect(got[0].bytes.toString('hex')).toBe(packet.toString('hex'));
  });

  it('a broadcast destination without SO_BROADCAST is refused by pre-flight, before any Winsock call', async (ctx) => {
    requireWine(ctx);
    const r = await runScenario('broadcast', { id: unique() });
    expect(r.ok, JSON.stringify(r.error) + r.output).toBe(true);
    expect(at(r.data?.refused, 'error.kind')).toBe('PreflightError');
    expect(codes(at(r.data?.refused, 'error.findings'))).toContain('WIN_BROADCAST_NEEDS_SO_BROADCAST');
    expect(at(r.data?.refused, 'calls')).toEqual({});
  });

  it('as an unprivileged user: pre-flight says so; forced, socket() fails with WSAEACCES and the error says what to do', async (ctx) => {
    requireWine(ctx);
    const r = await runScenario('unprivileged', {}, 'nobody');
    expect(r.ok, JSON.stringify(r.error) + r.output).toBe(true);
    expect(r.data?.privileges).toBe('unprivileged');
    expect(at(r.data?.plain, 'error.kind')).toBe('PreflightError');
    expect(codes(at(r.data?.plain, 'error.findings'))).toContain('WIN_ADMIN_REQUIRED');
    expect(at(r.data?.plain, 'calls')).toEqual({});
    const e = at(r.data?.forced, 'error');
    expect(e).toMatchObject({ kind: 'WinsockError', syscall: 'WSASocketW', errno: 10013, errnoName: 'WSAEACCES' });
    expect(String(at(e, 'remedy'))).toMatch(/Administrator/);
    expect(String(at(e, 'remedy'))).toMatch(/CAP_NET_RAW/);
    expect(String(at(e, 'message'))).toMatch(/WSAEACCES \(10013/);
  });

  it("Wine's limits come out as clear errors: raw ICMPv6, IPV6_HDRINCL, SIO_RCVALL; protocol 0 is refused by pre-flight", async (ctx) => {
    requireWine(ctx);
    const r = await runScenario('limits');
    expect(r.ok, JSON.stringify(r.error) + r.output).toBe(true);
    const d = r.data!;
    expect(at(d.icmpv6, 'error')).toMatchObject({ kind: 'WinsockError', errno: 10043, errnoName: 'WSAEPROTONOSUPPORT', syscall: 'WSASocketW' });
    expect(String(at(d.icmpv6, 'error.remedy'))).toMatch(/no raw ICMPv6 sockets/);
    expect(at(d.ipv6Hdrincl, 'error')).toMatchObject({ kind: 'WinsockError', errno: 10042, errnoName: 'WSAENOPROTOOPT', option: 'IPV6_HDRINCL' });
    expect(String(at(d.ipv6Hdrincl, 'error.remedy'))).toMatch(/sendIpv6/);
    expect(at(d.rcvall, 'error')).toMatchObject({ kind: 'WinsockError', errno: 10045, errnoName: 'WSAEOPNOTSUPP', option: 'SIO_RCVALL' });
    expect(String(at(d.rcvall, 'error.remedy'))).toMatch(/Npcap/);
    expect(at(d.protocolZero, 'error.kind')).toBe('PreflightError');
    expect(codes(at(d.protocolZero, 'error.findings'))).toContain('WIN_PROTOCOL_ZERO');
    expect(at(d.protocolZero, 'calls')).toEqual({});
    expect(at(d.protocolZeroForced, 'error')).toMatchObject({ errno: 10043, errnoName: 'WSAEPROTONOSUPPORT' });
    expect(String(at(d.protocolZeroForced, 'error.remedy'))).toMatch(/protocol 0/);
  });

  it('IPv6 without IPV6_HDRINCL: sendIpv6() strips the header and the rest reaches a Linux raw socket on ::1', async (ctx) => {
    requireWine(ctx);
    const port = 40000 + (unique() % 20000);
    const marker = `rawcraft-v6-${unique()}`;
    const packet = ipv6Udp(port, marker);
    using watcher = RawSocket.open({ family: 6, protocol: 17 });
    const seen = collect(watcher, (d) => d.bytes.length >= 8 && d.bytes.readUInt16BE(0) === port && d.bytes.subarray(8).toString() === marker, 15_000);
    const r = await runScenario('ipv6-send', { packet: packet.toString('hex') });
    watcher.close();
    expect(r.ok, JSON.stringify(r.error) + r.output).toBe(true);
    expect(r.data?.sent).toBe(packet.length - 40);
    const got = await seen;
    expect(got.length).toBe(1);
    expect(got[0].from).toBe('::1');
    expect(got[0].bytes.toString('hex')).toBe(packet.subarray(40).toString('hex'));
  });

  it("the probe: raw sockets open although Wine's catalog lists no RAW entry, and says so", async (ctx) => {
    requireWine(ctx);
    const r = await runScenario('probe');
    expect(r.ok, JSON.stringify(r.error) + r.output).toBe(true);
    const d = r.data!;
    expect(d.platformName).toMatch(/^windows-10 \(Wine/);
    expect(d.privileges).toBe('elevated');
    const sockets = d.sockets as Json[];
    const sock = (family: number, protocol: number) => sockets.find((s) => at(s, 'family') === family && at(s, 'protocol') === protocol);
    for (const p of [1, 6, 17, 255]) {
      expect(at(sock(4, p), 'opens'), `IPv4 protocol ${p}`).toBe(true);
      expect(at(sock(4, p), 'hdrincl.supported'), `IPv4 protocol ${p} IP_HDRINCL`).toBe(true);
    }
    expect(at(sock(6, 58), 'opens')).toBe(false);
    expect(at(sock(6, 58), 'error.name')).toBe('WSAEPROTONOSUPPORT');
    expect(at(sock(6, 17), 'hdrincl.supported')).toBe(false);
    expect(at(sock(6, 17), 'hdrincl.error.name')).toBe('WSAENOPROTOOPT');
    expect((at(d.catalog, 'entries') as Json[]).length).toBeGreaterThan(0);
    expect(at(d.catalog, 'raw')).toEqual([]);
    expect((d.disagreements as Json[]).join('\n')).toMatch(/lists no RAW\/IP \(AF_INET\) entry, yet raw IPv4 sockets open/);
  });

  it("the link transport on Windows loads Npcap's wpcap.dll; without Npcap (as under Wine) the error names it", async (ctx) => {
    requireWine(ctx);
    const r = await runScenario('libpcap-missing');
    expect(r.ok, JSON.stringify(r.error) + r.output).toBe(true);
    expect(r.data).toMatchObject({ loaded: false, code: 'E_LINK_UNAVAILABLE' });
    expect(String(r.data!.message)).toMatch(/System32\\Npcap\\wpcap\.dll \(absent\).*wpcap\.dll/);
    expect(String(r.data!.remedy)).toMatch(/Npcap.*WinPcap API-compatible Mode/);
  });
});
