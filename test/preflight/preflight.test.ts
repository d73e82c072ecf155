/** preflight() returns every finding; PreflightError carries them all; the guard the transports use. */
import { describe, expect, it } from 'vitest';
import { ipv4 } from '../../src/builders/packet.js';
import { formatFinding, hasErrors, preflight, preflightSocket, PreflightError, PreflightGuard } from '../../src/transport/preflight/preflight.js';
import { packetFacts } from '../../src/transport/preflight/packet.js';
import { RawcraftError } from '../../src/codec/errors.js';
import { ctx, ipv6, tcpSyn, udp } from './helpers.js';

/** A TCP segment from a foreign source to the broadcast address, too large, on a Windows 10 client, unprivileged: four errors at once. */
const everythingWrong = () => {
  const big = ipv4({ src: '203.0.113.5', dst: '255.255.255.255', id: 7 }).tcp({ dstPort: 80 }).payload(Buffer.alloc(65450)).encode();
  return { packet: big, context: ctx('windows-10', { hdrincl: true, protocol: 255 }, { privileges: 'unprivileged' }) };
};

describe('preflight()', () => {
  it('returns every finding, not just the first, errors first', () => {
    const { packet, context } = everythingWrong();
    const findings = preflight(packet, context);
    const errors = findings.filter((f) => f.severity === 'error').map((f) => f.code);
    expect(errors).toEqual(['WIN_ADMIN_REQUIRED', 'WIN_MESSAGE_TOO_LARGE', 'WIN_BROADCAST_NEEDS_SO_BROADCAST', 'WIN_TCP_SEND_BLOCKED']);
    const order = findings.map((f) => f.severity);
    expect(order).toEqual([...order].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)));
    expect(hasErrors(findings)).toBe(true);
    for (const f of findings) {
      expect(Object.keys(f).sort()).toEqual(['basis', 'code', 'message', 'remedy', 'severity', 'source']);
    }
  });

  it('takes bytes, { bytes, destination } and builder steps alike', () => {
    const step = ipv4({ src: '192.0.2.10', dst: '198.51.100.7', id: 1 }).tcp({ dstPort: 80 });
    const context = ctx('windows-11', { hdrincl: true });
    const codes = (p: Parameters<typeof preflight>[0]) => preflight(p, context).map((f) => f.code);
    expect(codes(step)).toEqual(codes(step.encode()));
    expect(codes({ bytes: step.encode(), destination: '198.51.100.7' })).toEqual(codes(step.encode()));
    expect(codes(step)).toContain('WIN_TCP_SEND_BLOCKED');
  });

  it('the same packet on Linux has no error', () => {
    expect(hasErrors(preflight(tcpSyn(), ctx('linux', { hdrincl: true })))).toBe(false);
  });

  it('formats a finding with its remedy and source', () => {
    const [f] = preflight(tcpSyn(), ctx('windows-7', { hdrincl: true }));
    expect(formatFinding(f)).toMatch(/^error WIN_TCP_SEND_BLOCKED: On windows-7, TCP data cannot be sent.*\n  remedy: .*Npcap.*\n  source: Microsoft Learn.*Limitations on Raw Sockets$/s);
  });

  it('socket-level findings without a packet', () => {
    const codes = preflightSocket(ctx('windows-10', { protocol: 0 }, { privileges: 'unprivileged' })).map((f) => f.code);
    expect(codes).toEqual(['WIN_ADMIN_REQUIRED', 'WIN_PROTOCOL_ZERO', 'WIN_RECEIVE_HEADERS', 'WIN_RECEIVE_ALL_MATCHING']);
  });
});

describe('PreflightError', () => {
  it('carries all findings (warnings and infos too) and names every error in its message', () => {
    const { packet, context } = everythingWrong();
    const guard = new PreflightGuard({ hdrincl: true, protocol: 255 }, context);
    let error: unknown;
    try {
      guard.checkSend(packet);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PreflightError);
    expect(error).toBeInstanceOf(RawcraftError);
    const e = error as PreflightError;
    expect(e.code).toBe('E_PREFLIGHT');
    expect(e.platform).toBe('windows-10');
    expect(e.findings).toEqual(preflight(packet, guard.context));
    expect(e.errors.map((f) => f.code)).toEqual(['WIN_ADMIN_REQUIRED', 'WIN_MESSAGE_TOO_LARGE', 'WIN_BROADCAST_NEEDS_SO_BROADCAST', 'WIN_TCP_SEND_BLOCKED']);
    expect(e.findings.some((f) => f.severity === 'info')).toBe(true);
    for (const f of e.errors) expect(e.message).toContain(`[${f.code}]`);
    expect(e.message).toMatch(/force: true/);
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ code: 'E_PREFLIGHT', platform: 'windows-10', findings: e.findings });
  });

  it('force: the findings are returned instead of thrown', () => {
    const { packet, context } = everythingWrong();
    const guard = new PreflightGuard({ hdrincl: true, protocol: 255 }, context);
    expect(hasErrors(guard.checkSend(packet, undefined, true))).toBe(true);
  });

  it('the guard checks the socket at open', () => {
    const guard = new PreflightGuard({ family: 4, protocol: 0 }, { platform: 'windows-11', privileges: true, interfaces: [] });
    expect(() => guard.checkOpen()).toThrow(/pre-flight refused the socket for windows-11: \[WIN_PROTOCOL_ZERO\]/);
    expect(guard.checkOpen(true).map((f) => f.code)).toContain('WIN_PROTOCOL_ZERO');
    const fine = new PreflightGuard({ family: 4, protocol: 1 }, { platform: 'windows-11', privileges: true, interfaces: [] });
    expect(fine.checkOpen().every((f) => f.severity === 'info')).toBe(true);
    expect(fine.checkSend(Buffer.from('0800f7ff00000000', 'hex'), '127.0.0.1').every((f) => f.severity === 'info')).toBe(true);
  });
});

describe('packetFacts: what the rules read from the bytes', () => {
  it('an IPv4 datagram with IP_HDRINCL', () => {
    const f = packetFacts(udp('192.0.2.10', '198.51.100.7'), { hdrincl: true });
    expect(f).toMatchObject({ family: 4, hdrincl: true, hdrinclGiven: true, protocol: 17, destination: '198.51.100.7', source: '192.0.2.10', looksLikeIpHeader: true });
    expect(f.headerProblem).toBeUndefined();
  });

  it('infers IP_HDRINCL from a consistent header when not given, and not from a payload', () => {
    expect(packetFacts(udp(), {}).hdrincl).toBe(true);
    expect(packetFacts(Buffer.from('hello'), { protocol: 17 }).hdrincl).toBe(false);
    expect(packetFacts(Buffer.alloc(4), { protocol: 255 }).hdrincl).toBe(true);
  });

  it('IPPROTO_RAW implies header inclusion for IPv4 everywhere, for IPv6 on Linux only (as the sockets open it)', () => {
    const v6 = { bytes: Buffer.alloc(8), destination: '2001:db8::9' };
    expect(packetFacts(v6, { family: 6, protocol: 255 }, 'linux').hdrincl).toBe(true);
    expect(packetFacts(v6, { family: 6, protocol: 255 }, 'windows').hdrincl).toBe(false);
    expect(packetFacts(v6, { family: 6, protocol: 255 }, 'macos').hdrincl).toBe(false);
    expect(packetFacts(Buffer.alloc(4), { family: 4, protocol: 255 }, 'windows').hdrincl).toBe(true);
    // preflightSocket reads the same rule: on Windows an IPv6 IPPROTO_RAW socket without IPV6_HDRINCL is not a header-including one.
    const codes = (platform: string) => preflightSocket(ctx(platform, { family: 6, protocol: 255 })).map((f) => f.code);
    expect(codes('windows-10')).not.toContain('WIN_IPV6_HDRINCL');
    expect(codes('linux-6.1.0')).toContain('LINUX_IPV6_HDRINCL');
  });

  it('a corrupt checksum is not a consistent header (but still a header with IP_HDRINCL)', () => {
    const b = Buffer.from(udp());
    b[10] ^= 1;
    expect(packetFacts(b, {}).looksLikeIpHeader).toBe(false);
    expect(packetFacts(b, { hdrincl: true })).toMatchObject({ protocol: 17, headerProblem: undefined });
  });

  it('IPv6: the upper protocol after extension headers, the destination from the header', () => {
    const hopByHop = Buffer.concat([Buffer.from([6, 0, 1, 4, 0, 0, 0, 0]), Buffer.alloc(20)]);
    const f = packetFacts(ipv6(0, hopByHop), { hdrincl: true, family: 6 });
    expect(f).toMatchObject({ family: 6, protocol: 6, destination: '2001:db8::2' });
  });

  it('IPv6: the walk to the upper protocol skips AH (RFC 4302: length in 4-octet units minus 2), as the codec does', () => {
    // AH with a 96-bit ICV (payload length 4: 24 bytes), then 20 bytes of TCP.
    const ah = Buffer.concat([Buffer.from([6, 4, 0, 0, 0, 0, 0x10, 0x01, 0, 0, 0, 1]), Buffer.alloc(12), Buffer.alloc(20)]);
    expect(packetFacts(ipv6(51, ah), { hdrincl: true, family: 6 })).toMatchObject({ family: 6, protocol: 6 });
    const hopByHopThenAh = Buffer.concat([Buffer.from([51, 0, 1, 4, 0, 0, 0, 0]), ah]);
    expect(packetFacts(ipv6(0, hopByHopThenAh), { hdrincl: true, family: 6 }).protocol).toBe(6);
  });

  it('without IP_HDRINCL the destination is the sendto address, else the connected one', () => {
    expect(packetFacts({ bytes: Buffer.alloc(8), destination: '2001:db8::9' }, { protocol: 17, hdrincl: false })).toMatchObject({ family: 6, destination: '2001:db8::9', protocol: 17 });
    expect(packetFacts(Buffer.alloc(8), { protocol: 1, hdrincl: false, connect: '198.51.100.1' }).destination).toBe('198.51.100.1');
  });
});
