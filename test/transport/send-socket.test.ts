/**
 * The choices shared by the raw transport and `rawcraft preflight` (send-socket.ts), and the
 * left-out source (source.ts), without sockets: the route lookup is replaced by a table.
 */
import { describe, expect, it } from 'vitest';
import { ipv4, packet } from '../../src/builders/packet.js';
import { ipFacts } from '../../src/transport/ip-header.js';
import { includesHeader, sendSocket } from '../../src/transport/transports/send-socket.js';
import { leavesSourceOut, withRouteSource } from '../../src/transport/transports/source.js';
import { parse } from '../../src/expr/parse.js';

const facts = (bytes: Uint8Array) => ipFacts(bytes)!;

describe('which socket a datagram goes out on', () => {
  const v4 = ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).udp({ dstPort: 9 }).encode();
  const v6 = packet().ipv6({ src: '::1', dst: '::1' }).udp({ dstPort: 9 }).encode();
  const v6Flow = packet().ipv6({ src: '::1', dst: '::1', flowLabel: 5 }).udp({ dstPort: 9 }).encode();
  const v6Hbh = packet().ipv6({ src: '::1', dst: '::1' }).ipv6HopByHop().udp({ dstPort: 9 }).encode();
  const v6Length = packet().ipv6({ src: '::1', dst: '::1', payloadLength: 99 }).udp({ dstPort: 9 }).encode();

  it('IPv4: IP_HDRINCL unless hdrincl is false, on every OS', () => {
    for (const os of ['linux', 'darwin', 'win32', 'windows']) expect(includesHeader(facts(v4), v4, {}, os)).toBe(true);
    expect(includesHeader(facts(v4), v4, { hdrincl: false }, 'linux')).toBe(false);
    expect(sendSocket(facts(v4), v4, { hdrincl: false }, 'linux')).toMatchObject({ socket: { family: 4, protocol: 17, hdrincl: false }, bytes: v4.subarray(20) });
  });

  it('IPv6 by default: IPV6_HDRINCL on Linux only for what a per-protocol socket cannot send as built', () => {
    expect(includesHeader(facts(v6), v6, {}, 'linux')).toBe(false);
    for (const b of [v6Flow, v6Hbh, v6Length]) expect(includesHeader(facts(b), b, {}, 'linux')).toBe(true);
    expect(includesHeader(facts(v6Hbh), v6Hbh, {}, 'darwin')).toBe(false);
    expect(sendSocket(facts(v6Hbh), v6Hbh, {}, 'linux')).toMatchObject({ socket: { family: 6, protocol: 255, hdrincl: true }, bytes: v6Hbh });
  });

  it('IPv6 with ipv6Hdrincl given: as given', () => {
    expect(includesHeader(facts(v6), v6, { ipv6Hdrincl: true }, 'linux')).toBe(true);
    expect(includesHeader(facts(v6Flow), v6Flow, { ipv6Hdrincl: false }, 'linux')).toBe(false);
  });
});

describe('a left-out source', () => {
  const routes = new Map([['4/198.18.2.2', '198.18.1.2'], ['6/2001:db8:2::2', '2001:db8:1::2']]);
  const lookup = async (destination: string, family: 4 | 6) => routes.get(`${family}/${destination}`);

  it('is the route\'s source towards the destination, for IPv4 and IPv6', async () => {
    const v4 = await withRouteSource(parse('ipv4(dst=198.18.2.2)/udp(dstPort=9)'), lookup);
    expect(v4.filled).toBe('198.18.1.2');
    expect(v4.layers[0].fields).toMatchObject({ src: '198.18.1.2', dst: '198.18.2.2' });
    const v6 = await withRouteSource(parse('ipv6(dst=2001:db8:2::2)/udp(dstPort=9)'), lookup);
    expect(v6.layers[0].fields).toMatchObject({ src: '2001:db8:1::2' });
  });

  it('is left alone when given, and reported when there is no route', async () => {
    const given = parse('ipv4(src=192.0.2.1,dst=198.18.2.2)/udp');
    expect(await withRouteSource(given, lookup)).toEqual({ layers: given });
    const none = await withRouteSource(parse('ipv4(dst=203.0.113.9)/udp'), lookup);
    expect(none.unrouted).toBe('203.0.113.9');
    expect(none.filled).toBeUndefined();
  });

  it('uses the codec\'s default destination when dst is left out too', async () => {
    const seen: string[] = [];
    await withRouteSource(parse('ipv6/udp'), async (d) => (seen.push(d), undefined));
    expect(seen).toEqual(['::1']);
  });

  it('is told apart from a given one on builder layers', () => {
    expect(leavesSourceOut(ipv4({ dst: '127.0.0.1' }).layers[0])).toBe(true);
    expect(leavesSourceOut(ipv4({ src: '127.0.0.1' }).layers[0])).toBe(false);
    expect(leavesSourceOut({ layer: 'udp', fields: {} })).toBe(false);
  });
});
