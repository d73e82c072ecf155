/**
 * A seeded campaign against the CLI (issue 16): random and mutated capture files, hex text,
 * hex dumps, JSON lines, expressions and scenario files fed to decode, encode, send (to capture
 * files only: nothing is ever sent on a network), preflight, build, fuzz and traffic (--out only).
 * A run fails the campaign when it exits 70, prints a stack trace, or leaves an output file
 * behind after failing (or a temporary file after anything). Case `i` of seed `s` depends on
 * (s, i) only, so one case can be replayed alone.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePcap, encodePcapng, LinkType } from '../../src/capture/index.js';
import { decode } from '../../src/codec/decode.js';
import { packetToJson } from '../../src/codec/json.js';
import { hexdump } from '../../src/codec/print.js';
import { codecs, fieldNames } from '../../src/codec/registry.js';
import { build } from '../../src/expr/index.js';
import { runInProcess, STACK_TRACE } from './in-process.js';

/** xorshift128+ seeded through splitmix64: fast, and the same on every machine. */
export class CampaignRng {
  private s0: bigint;
  private s1: bigint;
  constructor(seed: number, stream: number) {
    let x = BigInt(seed) * 0x9e3779b97f4a7c15n + BigInt(stream) + 1n;
    const next = () => {
      x = (x + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
      let z = x;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
      return z ^ (z >> 31n);
    };
    this.s0 = next();
    this.s1 = next();
  }
  /** A float in [0, 1). */
  float(): number {
    let s1 = this.s0;
    const s0 = this.s1;
    this.s0 = s0;
    s1 = (s1 ^ (s1 << 23n)) & 0xffffffffffffffffn;
    this.s1 = s1 ^ s0 ^ (s1 >> 17n) ^ (s0 >> 26n);
    return Number((this.s1 + s0) & 0x1fffffffffffffn) / 2 ** 53;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }
}

/** Packets that encode: the starting points of every mutation. */
const EXPRESSIONS = [
  'ipv4(src=192.0.2.1,dst=198.51.100.2)/udp(srcPort=1234,dstPort=53)/raw(hex=0001020304)',
  'ipv4(dst=203.0.113.5,flags=[df],options=[{kind:nop},{kind:eol}])/tcp(dstPort=80,flags=[syn],options=[{kind:mss,value:1460},{kind:sack-permitted}])',
  'ipv4(dst=198.51.100.9)/icmp(type=echo-request,id=7,seq=1)/raw(hex=68656c6c6f)',
  'ipv6(src=2001:db8::1,dst=2001:db8::2)/udp(dstPort=9)/raw(hex=aa)',
  'ipv6(dst=2001:db8::2)/icmpv6(type=echo-request,id=1,seq=2)',
  'ipv6(dst=2001:db8::2)/ipv6-hop-by-hop()/udp(dstPort=9)/raw(hex=aabb)',
  'ipv6(dst=2001:db8::2)/ipv6-fragment(id=5)/udp(dstPort=9)',
  'ethernet(src=02:00:00:00:00:01,dst=02:00:00:00:00:02)/ipv4(dst=192.0.2.9)/udp(dstPort=7)',
  'ipv4(dst=192.0.2.1)/sctp(srcPort=5000,dstPort=5001)/init(initiateTag=1)',
  'ipv4(dst=198.51.100.2)/icmp(type=destination-unreachable,code=port-unreachable)/ipv4(src=198.51.100.2,dst=192.0.2.1)/udp(srcPort=1,dstPort=2)',
];

const LAYERS = codecs.map((c) => c.name);
const fieldsOf = (layer: string): string[] => {
  const codec = codecs.find((c) => c.name === layer);
  return codec ? [...fieldNames(codec)] : ['data'];
};

/** A list nested `depth` deep: written as text directly (JSON.stringify would overflow the stack). */
class DeepList {
  constructor(readonly depth: number) {}
}

/** JSON text of any value, deep lists included. */
export function toJson(value: unknown): string {
  const deep: number[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof DeepList)) return v;
    deep.push(v.depth);
    return `\u0001DEEP${deep.length - 1}\u0001`;
  });
  return (text ?? 'null').replace(/"\\u0001DEEP(\d+)\\u0001"/g, (_m, i: string) => '['.repeat(deep[Number(i)]) + ']'.repeat(deep[Number(i)]));
}

/** Values that stress a field: wrong types, out of range, huge, nested, empty. */
function wildValue(rng: CampaignRng): unknown {
  return rng.pick<() => unknown>([
    () => rng.int(-5, 70000),
    () => 2 ** rng.int(8, 70),
    () => -rng.float() * 1e6,
    () => rng.pick([0, 1, 255, 256, 65535, 65536, 2 ** 32, 2 ** 53, Number.MAX_VALUE]),
    () => rng.pick(['', 'x', 'echo-request', 'syn', '192.0.2.1', '2001:db8::1', '02:00:00:00:00:01', 'zz', '0x', 'ffff', '\u0000']),
    () => rng.bytes(rng.int(0, 8)).toString('hex'),
    () => null,
    () => true,
    () => [],
    () => [rng.pick(['syn', 'ack', 'df', 'nope']), rng.int(0, 9)],
    () => ({ kind: rng.pick(['mss', 'nop', 'eol', 'timestamps', 'bogus']), value: rng.int(-1, 70000) }),
    () => Array.from({ length: rng.int(0, 300) }, () => rng.int(0, 300)),
    () => new DeepList(rng.int(10, 20000)),
    () => 'a'.repeat(rng.int(100, 70000)),
  ])();
}

/** Character-level mutation of any text: the typos and truncations of real input. */
export function mutateText(text: string, rng: CampaignRng): string {
  let out = text;
  const rounds = rng.int(1, 4);
  for (let k = 0; k < rounds; k++) {
    const at = rng.int(0, out.length);
    out = rng.pick<() => string>([
      () => out.slice(0, at) + out.slice(at + rng.int(1, 4)),
      () => out.slice(0, at) + rng.pick(['(', ')', '/', ',', '=', '[', ']', '{', '}', ':', "'", '"', '\\', ' ', '\n', '\t', '-', '+', '.', 'x', 'Z', '\u0000', '\u00e9', '#', '*']) + out.slice(at),
      () => out.slice(0, at),
      () => out.slice(0, at) + out.slice(at, at + rng.int(1, 20)).repeat(rng.int(2, 4)) + out.slice(at),
    ])();
  }
  return out;
}

/** Byte-level mutation: bit flips, overwritten bytes, truncation, inserted bytes. */
export function mutateBytes(bytes: Buffer, rng: CampaignRng): Buffer {
  let out = Buffer.from(bytes);
  const rounds = rng.int(1, 6);
  for (let k = 0; k < rounds; k++) {
    const at = rng.int(0, Math.max(0, out.length - 1));
    const choice = rng.int(0, 4);
    if (choice === 0 && out.length) out[at] ^= 1 << rng.int(0, 7);
    else if (choice === 1 && out.length) out[at] = rng.pick([0, 0xff, 0x7f, 0x80, rng.int(0, 255)]);
    else if (choice === 2) out = out.subarray(0, at);
    else if (choice === 3) out = Buffer.concat([out.subarray(0, at), rng.bytes(rng.int(1, 16)), out.subarray(at)]);
    else if (out.length >= at + 4) out.writeUInt32LE(rng.pick([0, 0xffffffff, 0x7fffffff, rng.int(0, 70000)]), at);
  }
  return out;
}

/** A random expression: a valid one, a mutated one, or layers and fields drawn at random. */
function expression(rng: CampaignRng): string {
  const r = rng.float();
  if (r < 0.3) return rng.pick(EXPRESSIONS);
  if (r < 0.6) return mutateText(rng.pick(EXPRESSIONS), rng);
  const layers = Array.from({ length: rng.int(1, 4) }, () => {
    const layer = rng.pick(LAYERS);
    const args = Array.from({ length: rng.int(0, 3) }, () => {
      const field = rng.chance(0.9) ? rng.pick(fieldsOf(layer)) : 'bogus';
      const value = wildValue(rng);
      return `${field}=${typeof value === 'string' ? (rng.chance(0.5) ? value : `'${value}'`) : toJson(value)}`;
    });
    return `${layer}(${args.join(',')})`;
  });
  return layers.join('/');
}

const packetOf = (rng: CampaignRng): { bytes: Buffer; first: string } => {
  const text = rng.pick(EXPRESSIONS);
  return { bytes: build(text), first: text.split('(')[0] };
};

/** JSON lines (the decode --json format) with random fields replaced, removed or nested. */
function jsonLines(rng: CampaignRng): string {
  const lines = Array.from({ length: rng.int(1, 4) }, () => {
    const { bytes, first } = packetOf(rng);
    const json = packetToJson(0, decode(bytes, { from: first === 'ethernet' ? 'ethernet' : 'auto', mode: 'lax' })) as unknown as {
      layers: { layer: string; fields: Record<string, unknown> }[];
    };
    if (rng.chance(0.8)) {
      const layer = rng.pick(json.layers);
      const keys = Object.keys(layer.fields);
      const action = rng.int(0, 3);
      if (action === 0 && keys.length) layer.fields[rng.pick(keys)] = wildValue(rng);
      else if (action === 1 && keys.length) delete layer.fields[rng.pick(keys)];
      else if (action === 2) layer.layer = rng.pick([...LAYERS, 'ipv5', '']);
      else layer.fields[rng.pick(['bogus', ...keys])] = wildValue(rng);
    }
    const line = toJson(json);
    return rng.chance(0.2) ? mutateText(line, rng) : line;
  });
  return lines.join('\n') + '\n';
}

/** Capture files of valid packets, then (usually) mutated. */
function captureFile(rng: CampaignRng): Buffer {
  const packets = Array.from({ length: rng.int(1, 4) }, () => packetOf(rng));
  const raw = packets.filter((p) => p.first !== 'ethernet');
  const file = rng.chance(0.5)
    ? encodePcap((raw.length ? raw : packets).map((p, i) => ({ data: p.bytes, timestampNs: BigInt(i) })), { linkType: raw.length ? LinkType.RAW : LinkType.ETHERNET })
    : encodePcapng(packets.map((p, i) => ({ data: p.bytes, timestampNs: BigInt(i) * 1000n, linkType: p.first === 'ethernet' ? LinkType.ETHERNET : LinkType.RAW })));
  return rng.chance(0.8) ? mutateBytes(file, rng) : file;
}

/** Hex text: plain lines, dumps in rawcraft's format, or mutated versions of either. */
function hexText(rng: CampaignRng): string {
  const packets = Array.from({ length: rng.int(1, 3) }, () => packetOf(rng).bytes);
  const text = rng.chance(0.5) ? packets.map((p) => p.toString('hex')).join('\n') + '\n' : packets.map((p) => hexdump(p)).join('\n') + '\n';
  return rng.chance(0.7) ? mutateText(text, rng) : text;
}

/** ICMP errors quoting ICMP errors, up to about 2,300 deep (what fits in 64 KiB), maybe mutated. */
function nestedIcmp(rng: CampaignRng): Buffer {
  const quote = 'ipv4(src=192.0.2.1,dst=198.51.100.2)/icmp(type=destination-unreachable,code=port-unreachable)';
  // Depths spread evenly on a log scale: mostly shallow, sometimes the whole 64 KiB.
  const depth = Math.floor(2 ** (rng.float() * Math.log2(2300))) + 1;
  const text = `${Array(depth).fill(quote).join('/')}/ipv4(src=192.0.2.1,dst=198.51.100.2)/udp(srcPort=1,dstPort=2)`;
  const bytes = build(text);
  return Buffer.from((rng.chance(0.5) ? mutateBytes(bytes, rng) : bytes).toString('hex') + '\n');
}

/** Any input file: capture, hex, JSON, random bytes, or nothing at all. */
function anyInput(rng: CampaignRng): Buffer {
  if (rng.chance(0.02)) return nestedIcmp(rng);
  return rng.pick<() => Buffer>([
    () => captureFile(rng),
    () => Buffer.from(hexText(rng)),
    () => Buffer.from(jsonLines(rng)),
    () => rng.bytes(rng.int(0, 300)),
    () => Buffer.alloc(0),
    () => Buffer.from(expression(rng) + '\n'),
  ])();
}

/** A scenario: flows of valid or random templates, value specs, broken fractions; small counts. */
function scenario(rng: CampaignRng): string {
  const spec = (): string =>
    rng.pick<() => string>([
      () => `{ sequence: { start: ${rng.int(0, 70000)}, step: ${rng.int(0, 3000)}${rng.chance(0.3) ? `, end: ${rng.int(0, 70000)}` : ''}${rng.chance(0.3) ? `, wrap: ${rng.pick(['false', 'true', '3'])}` : ''} } }`,
      () => `{ range: [${rng.int(0, 70000)}, ${rng.int(0, 70000)}] }`,
      () => `{ choice: [${rng.int(0, 300)}, ${rng.int(0, 300)}] }`,
      () => `{ sequence: [${rng.int(0, 70000)}, ${toJson(wildValue(rng)).slice(0, 50)}] }`,
      () => `{ weighted: [ { value: ${rng.int(0, 70)}, weight: ${rng.int(0, 3)} } ] }`,
      () => rng.pick(['random', 'zeros', 'hex:00ff', '"text"', '[df]']),
      () => toJson(wildValue(rng)).slice(0, 200),
    ])();
  const keys = ['ipv4.id', 'ipv4.ttl', 'ipv4.src', 'ipv6.flowLabel', 'ipv6.dst', 'udp.srcPort', 'tcp.seq', 'tcp.window', 'raw.size', 'raw.content', 'icmp.seq', 'sctp.verificationTag', 'udp.bogus', 'nope.field'];
  const flows = Array.from({ length: rng.int(1, 3) }, (_, i) => {
    const template = rng.chance(0.7) ? rng.pick(EXPRESSIONS) : expression(rng);
    const vary = Array.from({ length: rng.int(0, 3) }, () => `      ${rng.pick(keys)}: ${spec()}`);
    const broken = rng.chance(0.4) ? `\n    broken: { ${rng.pick(['checksum', 'truncated', 'length', 'options', 'bogus'])}: ${rng.pick([0.1, 0.5, 1, 2, -1])} }` : '';
    return `  - name: f${i}\n    template: "${template.replace(/"/g, "'")}"\n    count: ${rng.pick([0, 1, 5, 30, -1, 1.5])}\n    rate: ${rng.pick([1, 1000, 0, 1e6])}${vary.length ? `\n    vary:\n${vary.join('\n')}` : ''}${broken}`;
  });
  const text = `seed: ${rng.int(0, 5)}\nflows:\n${flows.join('\n')}\n`;
  return rng.chance(0.3) ? mutateText(text, rng).replace(/\d{5,}/g, '99') : text;
}

export interface CampaignCase {
  readonly argv: string[];
  readonly stdin: Buffer;
  /** Output files the command would create (relative to the case directory). */
  readonly outputs: string[];
  /** Input files to write before the run: name -> content. */
  readonly files: Record<string, Buffer>;
}

/** The command line and files of case `index` of `seed`, in directory `dir`. */
export function makeCase(seed: number, index: number, dir: string): CampaignCase {
  const rng = new CampaignRng(seed, index);
  const files: Record<string, Buffer> = {};
  const input = (content: Buffer): string => {
    if (rng.chance(0.15)) return '-';
    files['in'] = content;
    return join(dir, 'in');
  };
  const out = (name: string) => join(dir, name);
  let stdin: Buffer = Buffer.alloc(0);
  const withStdin = (content: Buffer): string => {
    const where = input(content);
    if (where === '-') stdin = content;
    return where;
  };
  const command = rng.pick(['decode', 'decode', 'decode-hex', 'encode', 'send', 'preflight', 'build', 'fuzz', 'traffic']);
  const argv: string[] = [];
  const outputs: string[] = [];
  switch (command) {
    case 'decode':
      argv.push('decode', withStdin(anyInput(rng)), ...(rng.chance(0.5) ? ['--json'] : []), ...(rng.chance(0.5) ? ['--lax'] : []), ...(rng.chance(0.2) ? ['--dump'] : []));
      break;
    case 'decode-hex':
      argv.push('decode', '--hex', rng.chance(0.5) ? hexText(rng).split('\n')[0] : rng.bytes(rng.int(0, 40)).toString('hex'), ...(rng.chance(0.5) ? ['--lax'] : []));
      break;
    case 'encode': {
      const target = rng.pick(['--hex', '--pcap', '--pcapng']);
      argv.push('encode', withStdin(rng.chance(0.8) ? Buffer.from(jsonLines(rng)) : anyInput(rng)));
      if (target === '--hex') argv.push('--hex');
      else {
        argv.push(target, out('out.cap'));
        outputs.push('out.cap');
      }
      break;
    }
    case 'send': {
      const kind = rng.pick(['pcap', 'pcapng']);
      const source = rng.chance(0.3) ? expression(rng) : withStdin(anyInput(rng));
      argv.push('send', source, '--transport', `${kind}:${out('sent.cap')}`, ...(rng.chance(0.3) ? ['--count', String(rng.int(1, 3))] : []), ...(rng.chance(0.5) ? ['--json'] : []));
      outputs.push('sent.cap');
      break;
    }
    case 'preflight':
      argv.push('preflight', rng.chance(0.3) ? expression(rng) : withStdin(anyInput(rng)), ...(rng.chance(0.5) ? ['--json'] : []));
      if (rng.chance(0.5)) argv.push('--platform', rng.pick(['linux', 'macos', 'windows', 'windows-10', 'freebsd', '']));
      if (rng.chance(0.3)) argv.push(rng.pick(['--elevated', '--unprivileged', '--hdrincl', '--broadcast']));
      if (rng.chance(0.2)) argv.push('--source-addresses', rng.pick(['192.0.2.1', '2001:db8::1,192.0.2.1', 'nope', '']));
      break;
    case 'build': {
      argv.push('build', expression(rng));
      const mode = rng.pick(['', '--json', '--hex', '--pcap', '--pcapng']);
      if (mode === '--pcap' || mode === '--pcapng') {
        argv.push(mode, out('built.cap'));
        outputs.push('built.cap');
      } else if (mode) argv.push(mode);
      break;
    }
    case 'fuzz':
      argv.push('fuzz', expression(rng), '--count', String(rng.int(1, 4)), '--seed', String(rng.int(0, 1000)));
      if (rng.chance(0.3)) argv.push('--break', rng.pick(['checksums', 'lengths', 'checksums,lengths', 'bogus']));
      if (rng.chance(0.5)) {
        argv.push('--out', out('fuzz.pcapng'));
        outputs.push('fuzz.pcapng');
      }
      break;
    case 'traffic':
      files['scenario.yaml'] = Buffer.from(scenario(rng));
      argv.push('traffic', join(dir, 'scenario.yaml'), '--out', out('traffic.pcapng'), ...(rng.chance(0.3) ? ['--seed', String(rng.int(0, 9))] : []));
      outputs.push('traffic.pcapng');
      break;
  }
  return { argv, stdin, outputs, files };
}

export interface CampaignFailure {
  readonly seed: number;
  readonly index: number;
  readonly argv: string[];
  readonly problem: string;
  readonly stderr: string;
}

/** Run one case in-process in `dir` (emptied first); undefined when it behaved. */
export async function runCase(seed: number, index: number, dir: string): Promise<CampaignFailure | undefined> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const c = makeCase(seed, index, dir);
  for (const [name, content] of Object.entries(c.files)) writeFileSync(join(dir, name), content);
  const r = await runInProcess(c.argv, c.stdin);
  const fail = (problem: string): CampaignFailure => ({ seed, index, argv: c.argv, problem, stderr: r.stderr.slice(0, 2000) });
  if (r.code === 70 || r.internal !== undefined) return fail('internal error (exit 70)');
  if (STACK_TRACE.test(r.stderr)) return fail('stack trace in stderr');
  if (![0, 1, 2].includes(r.code)) return fail(`exit code ${r.code}`);
  const left = readdirSync(dir);
  const temporary = left.filter((f) => f.endsWith('.tmp'));
  if (temporary.length) return fail(`temporary files left: ${temporary.join(', ')}`);
  if (r.code === 2) {
    const partial = c.outputs.filter((o) => left.includes(o));
    if (partial.length) return fail(`failed run left output files: ${partial.join(', ')}`);
  }
  return undefined;
}

/** How to replay one case. */
export function describeFailure(f: CampaignFailure): string {
  return [
    `seed ${f.seed}, case ${f.index}: ${f.problem}`,
    `  argv: ${JSON.stringify(f.argv.map((a) => (a.length > 300 ? `${a.slice(0, 300)}... (${a.length} characters)` : a)))}`,
    `  stderr: ${f.stderr.split('\n').slice(0, 8).join('\n          ')}`,
    `  replay: CAMPAIGN_SEED=${f.seed} CAMPAIGN_CASE=${f.index} npx vitest run test/cli/fuzz-campaign.test.ts`,
  ].join('\n');
}
