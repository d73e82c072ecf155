/** Byte-layout diagrams drawn from the layouts, checked against the RFCs' own figures. */
import { describe, expect, it } from 'vitest';
import { codecByName, decode, ipv4, ipv6 } from '../../src/index.js';
import { layerDiagram, packetDiagram } from '../../src/codec/diagram.js';

describe('layer diagrams', () => {
  it('UDP is RFC 768\'s header, with the bit ruler of RFC 791 figure 4', () => {
    expect(layerDiagram(codecByName('udp')!)).toBe(
      [
        ' 0                   1                   2                   3',
        ' 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1',
        '+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+',
        '|            srcPort            |            dstPort            |',
        '+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+',
        '|            length             |           checksum            |',
        '+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+',
      ].join('\n'),
    );
  });

  it('IPv4 boxes have RFC 791\'s widths; IPv6 addresses span four rows, named on one (RFC 8200 section 3)', () => {
    const v4 = layerDiagram(codecByName('ipv4')!).split('\n');
    expect(v4[3]).toBe('|version|  ihl  |   dscp    |ecn|          totalLength          |');
    expect(v4[5]).toBe('|              id               |flags|     fragmentOffset      |');
    const v6 = layerDiagram(codecByName('ipv6')!).split('\n');
    expect(v6[3]).toBe('|version|   dscp    |ecn|               flowLabel               |');
    const src = v6.slice(6, 14);
    expect(src.filter((l) => l.includes('src'))).toHaveLength(1);
    expect(src.filter((l) => l.startsWith('+ '))).toHaveLength(3); // no lines inside the address
    for (const line of v6.slice(2)) expect(line).toHaveLength(65);
  });

  it('a packet diagram labels the boxes with the decoded values, variable parts last', () => {
    const text = packetDiagram(decode(ipv4({ src: '192.0.2.1', dst: '192.0.2.2', ttl: 9 }).udp({ dstPort: 53 }).payload('hi').encode()));
    expect(text).toMatch(/^ipv4: Internet Protocol version 4 \(RFC 791\)$/m);
    expect(text).toMatch(/\|     ttl=9     \|  protocol=17  \|/);
    expect(text).toMatch(/\|                         src=192\.0\.2\.1                         \|/);
    expect(text).toMatch(/dstPort=53/);
    expect(text).toMatch(/\|\s+data=6869\s+\|/);
    expect(packetDiagram(decode(ipv6({ src: '2001:db8::1' }).udp().encode()))).toMatch(/src=2001:db8::1/);
  });
});

describe('ls --diagram and build --diagram', () => {
  it('draw from the command line', async () => {
    const { cli } = await import('../expr/run-cli.js');
    const ls = await cli(['ls', 'udp', '--diagram']);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toBe(`udp: User Datagram Protocol (RFC 768)\n${layerDiagram(codecByName('udp')!)}\n`);
    const build = await cli(['build', 'ipv4(src=127.0.0.1,dst=127.0.0.1,ttl=9)/udp(dstPort=9)', '--diagram']);
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout).toMatch(/\|     ttl=9     \|  protocol=17  \|/);
    expect(build.stdout).toMatch(/dstPort=9/);
    expect((await cli(['ls', '--diagram'])).code).toBe(2);
  });
});
