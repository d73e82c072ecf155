/**
 * fragment() and reassemble() for IPv4 (RFC 791 sections 2.3 and 3.2) and IPv6 (RFC 8200 section
 * 4.5, RFC 5722, RFC 6946): fragment-then-reassemble gives the original, for arbitrary datagrams,
 * MTUs and orders; every crafting option; and every reason a set cannot be reassembled.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FragmentError, decode, encodeLayers, fragment, ipv4, ipv6, reassemble, type FragmentFailure, type LayerInput, type ReassemblyFailure } from '../../src/index.js';
import { ipv6Packet } from './generators.js';

function fragmentError(fn: () => unknown): FragmentFailure | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof FragmentError) return error.reason;
    throw error;
  }
  return undefined;
}

function failure(fragments: readonly Uint8Array[], options?: Parameters<typeof reassemble>[1]): ReassemblyFailure | 'ok' {
  const r = reassemble(fragments, options);
  return r.ok ? 'ok' : r.error.reason;
}

const bytesOf = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255));

/** IPv4 datagrams with and without options (LSRR is copied into every fragment, Record Route only into the first). */
const ipv4Datagram = fc
  .tuple(fc.integer({ min: 0, max: 6000 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 0xffff }), fc.boolean())
  .map(([size, opts, id, evil]) => {
    const options =
      opts === 0
        ? undefined
        : opts === 1
          ? [{ kind: 'lsrr' as const, addresses: ['198.51.100.1', '203.0.113.1'] }]
          : [{ kind: 'record-route' as const, addresses: ['0.0.0.0', '0.0.0.0'] }, { kind: 'router-alert' as const, value: 0 }];
    return ipv4({ src: '192.0.2.1', dst: '198.51.100.2', id, flags: evil ? ['evil'] : [], options }).udp({ srcPort: 50000, dstPort: 50001 }).payload(bytesOf(size)).encode();
  });

/** IPv6 packets without a Fragment header of their own, made bigger so they need fragmenting. */
const ipv6Datagram = fc
  .tuple(ipv6Packet.filter((layers) => !layers.some((l) => l.layer === 'ipv6-fragment')), fc.integer({ min: 0, max: 5000 }))
  .map(([layers, extra]): Buffer => {
    const last = layers[layers.length - 1];
    // Grow the payload where there is raw data at the end; otherwise leave the packet as it is.
    const grown: LayerInput[] = last.layer === 'raw' ? [...layers.slice(0, -1), { layer: 'raw', fields: { data: bytesOf(extra + 1) } }] : layers;
    return encodeLayers(grown);
  });

const order = fc.oneof(fc.constant<'forward'>('forward'), fc.constant<'reverse'>('reverse'), fc.constant<'shuffle'>('shuffle'));

describe('fragment then reassemble gives the original', () => {
  it('IPv4: any datagram, MTU and order; fragments fit the MTU, are 8-octet aligned, carry only copied options after the first', () => {
    fc.assert(
      fc.property(ipv4Datagram, fc.integer({ min: 68, max: 1500 }), order, fc.nat(), (datagram, mtu, o, seed) => {
        const fragments = fragment(datagram, { mtu, order: o, seed });
        for (const f of fragments) {
          expect(f.length).toBeLessThanOrEqual(Math.max(mtu, datagram.length <= mtu ? datagram.length : 0));
          const [ip] = decode(f, { mode: 'lax' }).layers;
          expect(ip.layer).toBe('ipv4');
          if (ip.layer !== 'ipv4') return;
          expect(ip.checksum?.status).toBe('valid');
          expect(ip.fields.id).toBe(datagram.readUInt16BE(4));
          if (ip.fields.fragmentOffset > 0) {
            // RFC 791: only options with the copied flag (LSRR 131, Router Alert 148) repeat in later fragments; Record Route (7) does not.
            expect(ip.fields.options.every((opt) => opt.kind === 'lsrr' || opt.kind === 'router-alert' || opt.kind === 'eol')).toBe(true);
          }
          if (ip.fields.flags.includes('mf')) expect((ip.fields.totalLength - ip.fields.ihl * 4) % 8).toBe(0);
        }
        const back = reassemble(fragments);
        expect(back.ok).toBe(true);
        if (back.ok) expect(back.packet.toString('hex')).toBe(datagram.toString('hex'));
      }),
      { numRuns: 150 },
    );
  });

  it('IPv6: any packet with extension headers, MTU and order; the unfragmentable part repeats, the rest is split', () => {
    fc.assert(
      fc.property(ipv6Datagram, fc.integer({ min: 0, max: 1400 }), order, fc.nat(), fc.integer({ min: 0, max: 0xffffffff }), (datagram, extraMtu, o, seed, id) => {
        // At least room for the unfragmentable part, a Fragment header and 8 octets. (Lax: a grown
        // ICMPv6 error may exceed 1280 bytes, which RFC 4443 section 2.4 (c) forbids; the chain is what counts here.)
        const chain = decode(datagram, { mode: 'lax' }).layers;
        let unfrag = 40;
        let at = 40;
        for (const l of chain.slice(1)) {
          if (l.layer !== 'ipv6-hop-by-hop' && l.layer !== 'ipv6-dest-options' && l.layer !== 'ipv6-routing') break;
          at += (l.fields.length + 1) * 8;
          if (l.layer !== 'ipv6-dest-options') unfrag = at;
        }
        const mtu = unfrag + 16 + extraMtu;
        const fragments = fragment(datagram, { mtu, order: o, seed, id });
        for (const f of fragments) {
          expect(f.length).toBeLessThanOrEqual(Math.max(mtu, datagram.length));
          expect(f.subarray(8, 40).equals(datagram.subarray(8, 40))).toBe(true);
          if (fragments.length > 1) {
            const layers = decode(f, { mode: 'lax' }).layers;
            const frag = layers.find((l) => l.layer === 'ipv6-fragment');
            expect(frag?.layer === 'ipv6-fragment' && frag.fields.id).toBe(id);
          }
        }
        if (fragments.length === 1) {
          // It fitted: sent as it is.
          expect(fragments[0].equals(datagram)).toBe(true);
          return;
        }
        const back = reassemble(fragments);
        expect(back.ok).toBe(true);
        if (back.ok) expect(back.packet.toString('hex')).toBe(datagram.toString('hex'));
      }),
      { numRuns: 150 },
    );
  });

  it('duplicates, explicit orders and tiny fragments reassemble too; exact duplicates are counted and dropped', () => {
    const datagram = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp({ srcPort: 1, dstPort: 2 }).payload(bytesOf(200)).encode();
    const tiny = fragment(datagram, { mtu: 1280, fragmentSize: 8, id: 9 });
    expect(tiny).toHaveLength(Math.ceil((200 + 8) / 8));
    expect(tiny.every((f) => f.length <= 40 + 8 + 8)).toBe(true);
    const dup = fragment(datagram, { mtu: 1280, fragmentSize: 64, id: 9, order: [3, 1, 0, 2], duplicate: [0, 3] });
    expect(dup).toHaveLength(6);
    const back = reassemble(dup);
    expect(back.ok && back.duplicates).toBe(2);
    expect(back.ok && back.packet.equals(datagram)).toBe(true);
  });

  it('an atomic fragment (RFC 6946) carries the whole packet and decodes as complete', () => {
    const datagram = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).ipv6HopByHop().udp({ srcPort: 1, dstPort: 2 }).payload('atomic').encode();
    const [atomic, ...more] = fragment(datagram, { mtu: 1280, atomic: true, id: 5 });
    expect(more).toEqual([]);
    const layers = decode(atomic).layers;
    expect(layers.map((l) => l.layer)).toEqual(['ipv6', 'ipv6-hop-by-hop', 'ipv6-fragment', 'udp', 'raw']);
    expect(layers[2].fields).toMatchObject({ fragmentOffset: 0, flags: [], id: 5, nextHeader: 17 });
    expect(layers[3].checksum?.status).toBe('valid');
    const back = reassemble([atomic]);
    expect(back.ok && back.packet.equals(datagram)).toBe(true);
  });

  it('a first fragment decodes strictly: its upper layer is cut short by design, its checksum unverifiable', () => {
    const ra = ipv6({ src: 'fe80::1', dst: 'ff02::1', hopLimit: 255 })
      .icmpv6({ type: 'router-advertisement', options: Array.from({ length: 20 }, (_, i) => ({ kind: 'prefix-information' as const, prefix: `2001:db8:${i}::` })) })
      .encode();
    const udp = ipv6().udp().payload(bytesOf(3000)).encode();
    for (const datagram of [ra, udp]) {
      const [first] = fragment(datagram, { mtu: 500, id: 1 });
      const packet = decode(first, { mode: 'strict' });
      expect(packet.issues).toEqual([]);
      expect(packet.layers[2].checksum?.status).toBe('unverifiable');
    }
  });

  it('the Fragment header goes after the Routing header, before Destination Options that follow it (RFC 8200 section 4.5)', () => {
    const datagram = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' })
      .ipv6HopByHop()
      .ipv6DestOptions()
      .ipv6Routing({ addresses: ['2001:db8::3'] })
      .ipv6DestOptions()
      .udp({ srcPort: 1, dstPort: 2 })
      .payload(bytesOf(3000))
      .encode();
    const fragments = fragment(datagram, { mtu: 1280, id: 1 });
    expect(decode(fragments[0]).layers.map((l) => l.layer)).toEqual(['ipv6', 'ipv6-hop-by-hop', 'ipv6-dest-options', 'ipv6-routing', 'ipv6-fragment', 'ipv6-dest-options', 'udp', 'raw']);
    expect(decode(fragments[1]).layers.map((l) => l.layer)).toEqual(['ipv6', 'ipv6-hop-by-hop', 'ipv6-dest-options', 'ipv6-routing', 'ipv6-fragment', 'raw']);
    expect(reassemble(fragments).ok).toBe(true);
  });
});

describe('fragment crafting options and errors', () => {
  const big4 = (flags: ('df' | 'mf')[] = []): Buffer => ipv4({ src: '192.0.2.1', dst: '198.51.100.2', id: 77, flags }).udp({ srcPort: 1, dstPort: 2 }).payload(bytesOf(3000)).encode();

  it('refuses Don\u2019t Fragment unless forced, and forced fragments keep DF', () => {
    expect(fragmentError(() => fragment(big4(['df']), { mtu: 1500 }))).toBe('dont-fragment');
    const forced = fragment(big4(['df']), { mtu: 1500, force: true });
    expect(forced.length).toBe(3);
    for (const f of forced) expect(f[6] & 0x40).toBe(0x40);
    // A datagram that fits is returned as it is, DF or not.
    const small = ipv4({ flags: ['df'] }).udp().payload('x').encode();
    expect(fragment(small, { mtu: 1500 })).toEqual([small]);
  });

  it('reports each reason it cannot fragment', () => {
    expect(fragmentError(() => fragment(big4(), { mtu: 27 }))).toBe('mtu-too-small');
    expect(fragmentError(() => fragment(big4(), { mtu: 1500, fragmentSize: 2048 }))).toBe('mtu-too-small');
    expect(fragmentError(() => fragment(big4(), { mtu: 1500, fragmentSize: 12 }))).toBe('bad-option');
    expect(fragmentError(() => fragment(big4(), { mtu: 1500, overlap: 4 }))).toBe('bad-option');
    expect(fragmentError(() => fragment(big4(), { mtu: 1500, fragmentSize: 64, overlap: 64 }))).toBe('bad-option');
    expect(fragmentError(() => fragment(big4(), { mtu: 1500, order: [0, 7] }))).toBe('bad-option');
    expect(fragmentError(() => fragment(Buffer.from([0x10, 1, 2, 3]), { mtu: 1500 }))).toBe('not-ip');
    expect(fragmentError(() => fragment(big4().subarray(0, 100), { mtu: 60 }))).toBe('malformed');
    const already = ipv6().ipv6Fragment({ flags: ['mf'] }).udp().payload(bytesOf(2000)).encode();
    expect(fragmentError(() => fragment(already, { mtu: 1280 }))).toBe('already-fragmented');
    const jumbo = ipv6().ipv6HopByHop({ options: [{ kind: 'jumbo' }] }).udp().payload(bytesOf(70000)).encode();
    expect(fragmentError(() => fragment(jumbo, { mtu: 1280 }))).toBe('jumbogram');
    expect(fragmentError(() => fragment(ipv6().udp().payload(bytesOf(2000)).encode(), { mtu: 1280, id: 2 ** 32 }))).toBe('bad-option');
  });

  it('overlapping fragments repeat the data, or conflict with overlapFill', () => {
    const datagram = big4();
    const same = fragment(datagram, { mtu: 1500, fragmentSize: 1024, overlap: 16 });
    expect(same.map((f) => f.readUInt16BE(6) & 0x1fff)).toEqual([0, 126, 252]); // 1024/8 - 16/8, then again
    expect(reassemble(same).ok).toBe(true);
    expect(failure(same, { ipv4Overlap: 'reject' })).toBe('overlap');
    const conflicting = fragment(datagram, { mtu: 1500, fragmentSize: 1024, overlap: 16, overlapFill: 0xee });
    // RFC 791's algorithm: later data wins; BSD/RFC 815 style: earlier data wins.
    const last = reassemble(conflicting, { ipv4Overlap: 'last' });
    const first = reassemble(conflicting, { ipv4Overlap: 'first' });
    expect(last.ok && last.packet.subarray(20 + 1008, 20 + 1024).every((b) => b === 0xee)).toBe(true);
    expect(first.ok && first.packet.equals(datagram)).toBe(true);
  });

  it('IPv4 fragments of a fragment keep their place (offsets add, MF stays on the last)', () => {
    const [a, b] = fragment(big4(), { mtu: 1500 });
    const again = fragment(b, { mtu: 600 });
    expect(again.length).toBeGreaterThan(1);
    expect((again[0].readUInt16BE(6) & 0x1fff) * 8).toBe(1480);
    expect(again.every((f) => (f[6] & 0x20) === 0x20)).toBe(true);
    const [, , c] = fragment(big4(), { mtu: 1500 });
    const back = reassemble([a, ...again, c]);
    expect(back.ok && back.packet.equals(big4())).toBe(true);
  });
});

describe('reassemble says why it cannot', () => {
  const v6 = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp({ srcPort: 1, dstPort: 2 }).payload(bytesOf(300)).encode();
  const parts = fragment(v6, { mtu: 1280, fragmentSize: 104, id: 42 }); // 308 octets: 104 + 104 + 100

  it('in order, the parts reassemble', () => {
    expect(parts).toHaveLength(3);
    expect(failure(parts)).toBe('ok');
  });

  it('empty, not IP, not a fragment, mixed datagrams', () => {
    expect(failure([])).toBe('empty');
    expect(failure([Buffer.from('zz')])).toBe('not-ip');
    expect(failure([v6])).toBe('not-a-fragment');
    expect(failure([parts[0], fragment(v6, { mtu: 1280, fragmentSize: 104, id: 43 })[1], parts[2]])).toBe('mixed-datagrams');
    expect(failure([parts[0], ipv4().udp().encode()])).toBe('mixed-datagrams');
    expect(failure([parts[0].subarray(0, 30)])).toBe('malformed');
  });

  it('missing first, missing last, a gap', () => {
    expect(failure([parts[1], parts[2]])).toBe('missing-first');
    expect(failure([parts[0], parts[1]])).toBe('missing-last');
    const r = reassemble([parts[0], parts[2]]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.reason).toBe('gap');
      expect(r.error.dataOffset).toBe(104);
      expect(r.error.message).toMatch(/octet 104/);
    }
  });

  it('IPv6 overlaps discard the datagram (RFC 5722), exact duplicates do not', () => {
    const overlapping = fragment(v6, { mtu: 1280, fragmentSize: 104, overlap: 8, id: 42 });
    const r = reassemble(overlapping);
    expect(!r.ok && r.error.reason).toBe('overlap');
    expect(!r.ok && r.error.fragment).toBe(1);
    // Even with ipv4Overlap set: the IPv6 rule is not a policy choice.
    expect(failure(overlapping, { ipv4Overlap: 'first' })).toBe('overlap');
    expect(failure([parts[0], parts[1], parts[1], parts[2]])).toBe('ok');
  });

  it('a non-last fragment that is not a multiple of 8 octets, two different ends, data past the end', () => {
    const odd = Buffer.from(parts[0]);
    odd.writeUInt16BE(odd.readUInt16BE(4) - 1, 4);
    expect(failure([odd.subarray(0, odd.length - 1), parts[1], parts[2]])).toBe('bad-length');
    const shortLast = Buffer.from(parts[2]);
    shortLast.writeUInt16BE(shortLast.readUInt16BE(4) - 8, 4);
    expect(failure([parts[0], parts[1], parts[2], shortLast.subarray(0, shortLast.length - 8)])).toBe('inconsistent-length');
    // Fragment 1 turned into a last fragment: fragment 2 lies past its end.
    const early = Buffer.from(parts[1]);
    early[40 + 3] &= 0xfe;
    expect(failure([parts[0], early, parts[2]])).toBe('inconsistent-length');
    expect(failure([parts[0], parts[2], early])).toBe('inconsistent-length');
    // A last fragment ending at 200, while fragment 1 reaches 208.
    const shortEnd = Buffer.from(parts[1].subarray(0, parts[1].length - 8));
    shortEnd.writeUInt16BE(shortEnd.readUInt16BE(4) - 8, 4);
    shortEnd[40 + 3] &= 0xfe;
    expect(failure([parts[0], parts[1], shortEnd])).toBe('beyond-end');
  });

  it('more than 65535 octets', () => {
    const huge = Buffer.from(parts[2]);
    // The last fragment moved to offset 65528: the datagram would end at 65628.
    huge.writeUInt16BE(8191 << 3, 40 + 2);
    expect(failure([parts[0], huge])).toBe('too-long');
  });
});
