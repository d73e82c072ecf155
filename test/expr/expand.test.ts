/**
 * Ranges, prefixes and choices in expressions (hping3/nping style): a packet per value, per
 * combination across fields, in the documented order; bounded; every value checked.
 */
import { describe, expect, it } from 'vitest';
import { ExpressionError, MAX_EXPANSION, decode, encodeLayers, expand, parse } from '../../src/index.js';

const fields = (expr: string, layer: number, field: string): unknown[] =>
  [...expand(expr)].map((layers) => (decode(encodeLayers(layers)).layers[layer].fields as unknown as Record<string, unknown>)[field]);

function errorOf(f: () => unknown): ExpressionError {
  try {
    f();
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('expand', () => {
  it('a port range gives a packet per port, the other fields kept', () => {
    const x = expand('ipv4(dst=192.0.2.1)/tcp(dstPort=80-90,flags=[syn])');
    expect(x.count).toBe(11);
    expect(fields('ipv4(dst=192.0.2.1)/tcp(dstPort=80-90,flags=[syn])', 1, 'dstPort')).toEqual([80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90]);
    expect(fields('ipv4(dst=192.0.2.1)/tcp(dstPort=80-90,flags=[syn])', 1, 'flags')).toEqual(Array(11).fill(['syn']));
    expect(fields('ipv4/udp(dstPort=0x10-0x12)', 1, 'dstPort')).toEqual([16, 17, 18]);
  });

  it('an IPv4 prefix gives every address, network and broadcast included (as nping)', () => {
    expect(fields('ipv4(dst=192.0.2.0/28)/udp(dstPort=9)', 0, 'dst')).toEqual(Array.from({ length: 16 }, (_, i) => `192.0.2.${i}`));
    // Host bits given are ignored: the whole prefix, as nmap/nping read 192.0.2.5/30.
    expect(fields('ipv4(dst=192.0.2.5/30)', 0, 'dst')).toEqual(['192.0.2.4', '192.0.2.5', '192.0.2.6', '192.0.2.7']);
    expect(fields('ipv4(dst=192.0.2.9/32)', 0, 'dst')).toEqual(['192.0.2.9']);
  });

  it('an IPv6 prefix gives every address', () => {
    expect(fields('ipv6(dst=2001:db8::10/126)/udp(dstPort=9)', 0, 'dst')).toEqual(['2001:db8::10', '2001:db8::11', '2001:db8::12', '2001:db8::13']);
  });

  it('choices, with ranges inside, and lists as alternatives', () => {
    expect(fields('ipv4/tcp(dstPort=(22|80|8000-8002))', 1, 'dstPort')).toEqual([22, 80, 8000, 8001, 8002]);
    expect(fields('ipv4/tcp(flags=([syn]|syn+ack|0x04))', 1, 'flags')).toEqual([['syn'], ['ack', 'syn'], ['rst']]);
  });

  it('several varying fields: the cartesian product, the rightmost changing fastest', () => {
    const x = expand('ipv4(dst=192.0.2.0/31)/tcp(srcPort=(1|2),dstPort=80-81)');
    expect(x.count).toBe(8);
    const got = [...x].map((l) => `${(l[0].fields as { dst: string }).dst}:${(l[1].fields as { srcPort: number }).srcPort}>${(l[1].fields as { dstPort: number }).dstPort}`);
    expect(got).toEqual(['192.0.2.0:1>80', '192.0.2.0:1>81', '192.0.2.0:2>80', '192.0.2.0:2>81', '192.0.2.1:1>80', '192.0.2.1:1>81', '192.0.2.1:2>80', '192.0.2.1:2>81']);
    expect(x.at(5)).toEqual([...x][5]);
  });

  it('an expression without ranges is one packet, as parse() gives it', () => {
    const x = expand('ipv4(dst=192.0.2.1)/udp(dstPort=9)');
    expect(x.count).toBe(1);
    expect(encodeLayers([...x][0])).toEqual(encodeLayers(parse('ipv4(dst=192.0.2.1)/udp(dstPort=9)')));
  });

  it('refuses more than MAX_EXPANSION packets, pointing at the field that overflows', () => {
    expect(MAX_EXPANSION).toBe(1_000_000);
    const e = errorOf(() => expand('ipv4(dst=192.0.2.0/24)/tcp(srcPort=1-65535,dstPort=80)'));
    expect(e.column).toBe(36); // srcPort=1-65535: the range that goes past the bound
    expect(e.detail).toBe('the ranges give 16,776,960 packets; at most 1,000,000 are allowed');
    expect(errorOf(() => expand('ipv6(dst=2001:db8::/32)')).detail).toMatch(/more than 10\^15 packets/);
    expect(expand('ipv4/udp(srcPort=1-1000,dstPort=1-1000)').count).toBe(1_000_000);
  });

  it('checks every value: the ends of a range, each alternative, with the column of the range', () => {
    expect(errorOf(() => expand('ipv4(ttl=250-256)'))).toMatchObject({ column: 10, detail: expect.stringMatching(/ipv4\.ttl: 256 is not allowed/) });
    expect(errorOf(() => expand('ipv4/tcp(dstPort=(22|70000|80))'))).toMatchObject({ column: 18, detail: expect.stringMatching(/tcp\.dstPort: 70000/) });
    expect(errorOf(() => expand('ipv4/tcp(dstPort=90-80)'))).toMatchObject({ column: 18, detail: 'range 90-80: the first value must not exceed the last' });
    expect(errorOf(() => expand('ipv4(dst=192.0.2.0/33)')).detail).toMatch(/prefix length is at most 32/);
    expect(errorOf(() => expand('ipv4(dst=zz/24)')).detail).toMatch(/needs an IPv4 or IPv6 address/);
    // Only a header field's whole value may vary.
    expect(errorOf(() => expand('ipv4/tcp(options=[{kind:mss,value:1-2}])')).detail).toMatch(/can only be the whole value of a header field/);
    expect(errorOf(() => expand('ipv4/sctp/init(initiateTag=1-2)')).detail).toMatch(/can only be the whole value/);
  });

  it("hping3's ++80 is refused with the range that says it", () => {
    expect(() => expand('ipv4(dst=192.0.2.1)/tcp(dstPort=++80)')).toThrow(/^expression column 33: '\+\+80' \(hping3's increasing port\) is written as a range here: 80-65535 for a port/);
    expect(expand('ipv4(dst=192.0.2.1)/tcp(dstPort=65530-65535)').count).toBe(6);
  });

  it('parse() (one packet) refuses ranges instead of picking one', () => {
    expect(errorOf(() => parse('ipv4/tcp(dstPort=80-90)'))).toMatchObject({ column: 18, detail: expect.stringMatching(/gives several packets/) });
  });
});
