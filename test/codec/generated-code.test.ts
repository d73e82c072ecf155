/**
 * Issue 11's constraint: code the codec generates at load or run time carries a
 * `//# sourceURL=rawcraft/...` name, so a profile or a stack trace says which layout it came
 * from (docs/performance.md says the codec compiles code, so eval-free runtimes are not supported).
 * The Function constructor is watched while rawcraft loads and while every kind of generated
 * code is exercised: general and fast encoders, fast decoders, header read/write, key checks,
 * option lists, SCTP's compiled chunk lists, automatic fields and traffic templates.
 */
import { describe, expect, it } from 'vitest';

describe('generated code', () => {
  it('names every function it compiles with a sourceURL under rawcraft/', async () => {
    const sources: string[] = [];
    const original = globalThis.Function;
    globalThis.Function = new Proxy(original, {
      construct(target, args: string[]) {
        sources.push(String(args[args.length - 1]));
        return Reflect.construct(target, args) as object;
      },
      apply(target, self, args: string[]) {
        sources.push(String(args[args.length - 1]));
        return Reflect.apply(target, self, args) as unknown;
      },
    });
    try {
      // Nothing of rawcraft is loaded in this file before (vitest isolates test files): loaded now, while watched.
      const { ipv4, ipv6, decode, encodeLayers, PatchableTemplate } = await import('../../src/index.js');
      const { setFastPath } = await import('../../src/codec/fast-path.js');
      const sctp = (i: number) =>
        ipv4({ src: '192.0.2.1', dst: '198.51.100.2', id: i + 1 })
          .sctp({ srcPort: 5000, dstPort: 5001, chunks: [{ type: 'init', initiateTag: i + 1, params: [{ type: 'ipv4-address', address: '192.0.2.1' }, { type: 'ecn-capable' }] }] })
          .encode();
      for (let i = 0; i < 8; i++) {
        // Several rounds: SCTP compiles a chunk list's shape once it has met it a few times.
        decode(sctp(i));
        decode(ipv4({ dst: '198.51.100.2', options: [{ kind: 'router-alert' }] }).tcp({ dstPort: 80, options: [{ kind: 'mss', value: 1460 }] }).encode());
        decode(ipv6({ dst: '2001:db8::2' }).icmpv6({ type: 'echo-request', id: 1, seq: i }).encode());
        decode(ipv4({ dst: '198.51.100.2' }).icmp({ type: 'destination-unreachable', code: 'port-unreachable' }).ipv4({ dst: '192.0.2.1' }).udp({ dstPort: 53 }).encode());
      }
      setFastPath(false);
      encodeLayers([{ layer: 'ipv4', fields: { dst: '198.51.100.2' } }, { layer: 'udp' }]);
      setFastPath(true);
      new PatchableTemplate([{ layer: 'ipv4', fields: { dst: '198.51.100.2' } }, { layer: 'udp' }]).patcherFor([[1, 'srcPort']])([7]);
    } finally {
      globalThis.Function = original;
    }
    expect(sources.length).toBeGreaterThan(20);
    const unnamed = sources.filter((s) => !/\/\/# sourceURL=rawcraft\/\S+\.js\s*$/.test(s));
    expect(unnamed.map((s) => s.slice(0, 160))).toEqual([]);
  });
});
