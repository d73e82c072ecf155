/** The layer expression language: parse() against the builder, errors with columns, round trips. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ExpressionError, build, decode, encodeLayers, formatExpression, fuzz, ipv4, ipv6, packet, parse, parseExpression } from '../../src/index.js';

describe('parse', () => {
  it('builds the issue examples like the builder does', () => {
    expect(build('ipv4(dst=127.0.0.1,ttl=3)/udp(dstPort=33434)/raw(hex=00ff)')).toEqual(ipv4({ dst: '127.0.0.1', ttl: 3 }).udp({ dstPort: 33434 }).payload(Buffer.from([0, 255])).encode());
    expect(build("ipv6(dst=::1)/icmpv6(type=echo-request,id=7,seq=1)/raw('hello')")).toEqual(
      ipv6({ dst: '::1' }).icmpv6({ type: 'echo-request', id: 7, seq: 1 }).payload(Buffer.from('hello')).encode(),
    );
    const init = decode(build('ipv4(dst=127.0.0.1)/sctp(srcPort=5000,dstPort=5001)/init(initiateTag=1)'));
    const fields = init.layers[1].fields as { srcPort: number; chunks: { type: string; initiateTag?: number }[] };
    expect(fields.srcPort).toBe(5000);
    expect(fields.chunks).toHaveLength(1);
    expect(fields.chunks[0]).toMatchObject({ type: 'init', initiateTag: 1 });
    const two = decode(build('ipv4/sctp(verificationTag=7)/cookie-echo(cookie=abcd)/data(tsn=1,flags=[beginning,ending],data=00ff)'));
    expect((two.layers[1].fields as { chunks: { type: string }[] }).chunks.map((c) => c.type)).toEqual(['cookie-echo', 'data']);
  });

  it('takes enums by name or number, flags as [a,b] or a+b, options as objects', () => {
    expect(build('ipv6/icmpv6(type=128,id=7)')).toEqual(build('ipv6/icmpv6(type=echo-request,id=7)'));
    expect(build('ipv4/tcp(flags=[syn,ack])')).toEqual(build('ipv4/tcp(flags=syn+ack)'));
    expect(build('ipv4/tcp(flags=0x12)')).toEqual(build('ipv4/tcp(flags=syn+ack)'));
    const tcp = decode(build('ipv4/tcp(options=[{kind:mss,value:1460},{kind:nop},{kind:window-scale,shift:7}])')).layers[1].fields as { options: unknown[] };
    expect(tcp.options).toEqual([{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'window-scale', shift: 7 }]);
  });

  it('writes any field as given, overriding what would be computed', () => {
    const bytes = build('ipv4(totalLength=99,checksum=0,protocol=200)/udp(length=3,checksum=0x1234)');
    const p = decode(bytes, { mode: 'lax' });
    expect(p.layers[0].fields).toMatchObject({ totalLength: 99, checksum: 0, protocol: 200 });
    expect(bytes.readUInt16BE(20 + 6)).toBe(0x1234);
  });

  it('raw takes a quoted string, hex=, text= or size=', () => {
    expect(build("raw('hi')")).toEqual(Buffer.from('hi'));
    expect(build('raw(text="a\\"b")')).toEqual(Buffer.from('a"b'));
    expect(build('raw(hex=0011)')).toEqual(Buffer.from([0, 0x11]));
    expect(build('raw(size=3)')).toEqual(Buffer.alloc(3));
    expect(parse('ipv4/udp(corrupt=[checksum])')[1].corrupt).toEqual(['checksum']);
  });

  it.each([
    ['ipv4(dst=127.0.0.1,ttl=3)/udp(dport=33434)', 31, /udp has no field 'dport' \(did you mean dstPort\?\)/],
    ['ipv4(ttl=300)', 6, /ipv4\.ttl: 300 is not allowed/],
    ['ipv4(dst=1.2.3)/udp', 6, /ipv4\.dst/],
    ['ipv4/udpp', 6, /unknown layer 'udpp' \(did you mean udp\?\)/],
    ['ipv4(dst=127.0.0.1', 19, /unclosed '\('/],
    ['ipv4/udp/init', 10, /init is an SCTP chunk/],
    ['ipv4/sctp/init(initateTag=1)', 16, /did you mean initiateTag/],
    ["raw('abc", 5, /unterminated string/],
    ['ipv4,udp', 5, /expected '\/'/],
    ['', 1, /empty expression/],
    ['ipv4/icmp(type=echo-request,pointer=3)', 29, /pointer/],
  ])('%s: error at column %i', (expr, column, message) => {
    let error: unknown;
    try {
      build(expr);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).column).toBe(column);
    expect((error as ExpressionError).message).toMatch(/^expression column \d+: /);
    expect((error as ExpressionError).message).toMatch(message);
  });

  it('refuses every stack the builder refuses, with the builder\'s own message', () => {
    const builderMessage = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('the builder accepted it');
    };
    // Untyped calls, as plain JavaScript would make them.
    type Loose = Record<string, () => Loose>;
    const loose = (start: unknown) => start as Loose;
    const cases: [string, number, () => unknown][] = [
      ['ipv4()/udp()/tcp()', 14, () => loose(ipv4()).udp().tcp()],
      ['ipv4()/icmpv6()', 8, () => loose(ipv4()).icmpv6()],
      ['ipv6()/icmp()', 8, () => loose(ipv6()).icmp()],
      ['udp(dstPort=53)', 1, () => loose(packet()).udp()],
    ];
    for (const [expr, column, viaBuilder] of cases) {
      let error: unknown;
      try {
        parse(expr);
      } catch (e) {
        error = e;
      }
      expect(error, expr).toBeInstanceOf(ExpressionError);
      expect((error as ExpressionError).column).toBe(column);
      expect((error as ExpressionError).detail).toBe(builderMessage(viaBuilder));
    }
  });

  it('an unknown field lists the layer\'s fields', () => {
    expect(() => parse('ipv4(dst=127.0.0.1)/tcp(dstPrt=80)')).toThrow(/tcp has no field 'dstPrt' \(did you mean dstPort\?\); its fields are srcPort, dstPort, seq, ack, .*window, checksum, urgentPointer, options, padding, trailer, corrupt$/);
    expect(() => parse('ipv4/sctp/init(zzz=1)')).toThrow(/sctp chunk init has no field 'zzz'; its fields are type, .*initiateTag/);
  });

  it('formatExpression round-trips fuzzed packets of every common stack', () => {
    const stacks = ['ipv4/udp/raw(hex=0102)', 'ipv4/tcp', 'ipv6/udp', 'ipv6/icmpv6(type=echo-request)', 'ipv4/icmp(type=echo-request)', 'ipv4/sctp/data(data=00)', 'ethernet/ipv4/udp'];
    fc.assert(
      fc.property(fc.constantFrom(...stacks), fc.integer({ min: 0, max: 2 ** 31 }), (stack, seed) => {
        const [p] = fuzz(stack, { seed, count: 1 });
        const text = formatExpression(p.layers);
        expect(encodeLayers(parse(text), { onWarning: () => {} })).toEqual(p.bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('records where each layer and field was written', () => {
    const parsed = parseExpression('ipv4(ttl=3)/udp(dstPort=9)');
    expect(parsed.column(1, 'dstPort')).toBe(17);
    expect(parsed.ast.map((l) => l.name)).toEqual(['ipv4', 'udp']);
  });
});
