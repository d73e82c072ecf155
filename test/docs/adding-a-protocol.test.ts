/**
 * docs/adding-a-protocol.md is true: this test follows it on a copy of src/. It writes the toy
 * protocol below (the guide's first code block mirrors the `toy-protocol` region: mirrors.test.ts)
 * as src/codec/protocols/toy.ts, applies the guide's own ```diff blocks to the copy (each must
 * apply exactly), imports the copy, and runs the guide's usage example (the `toy-usage` region)
 * against it: the builder, decode, the expression language, JSON, checksums and the field
 * table all know the new layer, and its bytes are the ones the header layout says (checked
 * against a checksum computed by the test's own RFC 1071 implementation). The toy's `answers`
 * rule makes request() match a pong to its ping over real raw sockets on loopback, with no
 * edit in src/transport.
 *
 * The copy is imported as TypeScript through vitest (transpiled only), and type-checked with
 * tsc apart: the files the guide writes or edits (toy.ts, registry.ts) and the usage example in
 * full, against the declarations of the rest of src/ (dist/src/**\/*.d.ts, as a referenced
 * project would be), which takes seconds where checking all of the copy again takes four times
 * as long. `npm run typecheck` checks the rest of src/ itself.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freshId, internetChecksum, requireRaw, ROOT } from '../transport/helpers.js';
import { ensureBuilt } from '../transport/built-cli.js';

// The file the guide tells you to write. A String.raw template: the code has no backticks or dollar-braces.
const TOY_PROTOCOL = String.raw`
// #region toy-protocol
/**
 * The Toy Echo Protocol: a 12-byte header on IP protocol 254 (RFC 3692: for experimentation
 * and testing), then the payload.
 */
import { compileHeader } from '../header.js';
import { enumOf, uint } from '../field.js';
import { LengthError } from '../errors.js';
import { finishChecksum, sumWords } from '../checksum.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import type { AnswerTypes, BindingTypes, LayerBinding } from '../types.js';
import { firstDifference, type AnswerRule } from '../answers.js';
import { be32 } from '../bytes.js';

const TOY_TYPES = { ping: 0, pong: 1 } as const;

export interface ToyFields {
  /** 'ping' or 'pong' (a number for any other value). */
  type: 'ping' | 'pong' | number;
  hops: number;
  /** Header plus payload, in bytes. */
  length: number;
  token: number;
  /** RFC 1071 checksum over the header and the payload. */
  checksum: number;
  reserved: number;
}

export type ToyInput = Partial<ToyFields>;

/** What request() compares of a toy message: numbers, not names. */
export interface ToyAnswerView {
  readonly type: number;
  readonly token: number;
}

// Where the layer sits, declared once: after IPv4 or IPv6 on protocol 254, with raw data after it.
const binding = { follows: ['ipv4', 'ipv6'], carries: ['raw'], ipProtocol: 254 } as const satisfies LayerBinding;

// The types: the decoded-layer union, the builder's .toy() and the JSON types derive from this.
declare module '../types.js' {
  interface LayerTypes {
    toy: { fields: ToyFields; input: ToyInput } & BindingTypes<typeof binding> & AnswerTypes<typeof answers>;
  }
}

// The fixed header, in wire order: sizes in bits, defaults, and which fields are computed.
const header = compileHeader<ToyFields>('toy', [
  enumOf('type', 8, TOY_TYPES, { doc: 'Message type', default: 0 }),
  uint('hops', 8, { doc: 'Hops so far', default: 0 }),
  uint('length', 16, { doc: 'Length of header and payload in bytes', role: 'auto' }),
  uint('token', 32, { doc: 'Chosen by the sender of a ping, echoed by the pong', default: 0 }),
  uint('checksum', 16, { doc: 'Checksum over header and payload', role: 'checksum' }),
  uint('reserved', 16, { doc: 'Zero', default: 0 }),
]);

const auto = { length: 0 };

// Which message answers which, for request() and requestMany(): a pong with the ping's token.
const answers: AnswerRule<ToyAnswerView, ToyFields> = {
  what: 'a toy message',
  view: (f) => ({ type: typeof f.type === 'number' ? f.type : TOY_TYPES[f.type], token: f.token }),
  // An ICMP error may quote only the first 8 bytes of the header.
  viewOfHead: (b) => (b.length >= 8 ? { type: b[0], token: be32(b, 4) } : undefined),
  answers(ping, pong) {
    if (ping.type !== TOY_TYPES.ping) return { ok: false, reason: 'the request is no ping' };
    if (pong.type !== TOY_TYPES.pong) return { ok: false, reason: 'not a pong' };
    return pong.token === ping.token ? { ok: true } : { ok: false, reason: 'token ' + pong.token + ' differs (expected ' + ping.token + ')' };
  },
  quoteDiffers: (ping, quoted) =>
    firstDifference([
      ['type', quoted.type, ping.type],
      ['token', quoted.token, ping.token],
    ]),
  describe: (v) => 'toy ' + (v.type === TOY_TYPES.pong ? 'pong' : 'ping') + ' token ' + v.token,
};

export const toy: LayerCodec = {
  name: 'toy',
  title: 'Toy Echo Protocol',
  rfc: 'RFC 3692 (experimental protocol 254)',
  fields: header.fields,
  ...binding,
  writesEveryByte: true,

  measure: () => header.length,

  write(buf, frames, index) {
    const frame = frames[index];
    auto.length = frame.payloadEnd - frame.offset; // used only when the field was left out
    frame.headerSum = header.write(buf, frame.offset, frame.fields as unknown as ToyFields, auto);
    frame.summedLength = header.length;
  },

  checksumOffset: 8,

  fillChecksum(buf, frames, index) {
    const frame = frames[index];
    if (frame.fields.checksum !== undefined) return; // given: written as given, even when wrong
    const value = finishChecksum(sumWords(buf, frame.offset + frame.summedLength, frame.payloadEnd, frame.headerSum));
    buf[frame.offset + 8] = value >>> 8;
    buf[frame.offset + 9] = value & 255;
  },

  decode(ctx, off, end) {
    if (end - off < header.length) throw new LengthError('toy', off, header.length, end - off, 'buffer');
    const fields = header.read(ctx.buf, off);
    let payloadEnd = off + fields.length;
    let complete = true;
    if (fields.length < header.length || payloadEnd > end) {
      // Strict decoding throws this; lax decoding reports it and goes on with what is there.
      ctx.report(new LengthError('toy', off, fields.length, end - off, 'toy.length', 'the length does not match the bytes'));
      payloadEnd = end;
      complete = false;
    }
    return decodeStep(fields as unknown as Record<string, unknown>, off + header.length, payloadEnd, 'raw', complete);
  },

  verifyChecksum(ctx, off, end, fields, complete) {
    const actual = fields.checksum as number;
    if (!complete) return { status: 'unverifiable', actual };
    const sum = ctx.sumWords(off, end);
    return { status: finishChecksum(sum) === 0 ? 'valid' : 'invalid', expected: finishChecksum(sum - actual), actual };
  },

  answers,

  summary: (f) => 'TOY ' + String(f.type) + ' token ' + String(f.token) + ' hops ' + String(f.hops),
};
// #endregion
`;

const GUIDE = readFileSync(join(ROOT, 'docs', 'adding-a-protocol.md'), 'utf8');
const COPY = join(ROOT, '.cache', 'adding-a-protocol');
const TYPES = join(ROOT, '.cache', 'adding-a-protocol-types');
afterAll(() => {
  rmSync(COPY, { recursive: true, force: true });
  rmSync(TYPES, { recursive: true, force: true });
});

/** The guide's ```diff blocks: the file (`+++ b/PATH`) and its hunks. */
function diffs(): { path: string; remove: string[]; add: string[] }[] {
  return [...GUIDE.matchAll(/```diff\n([\s\S]*?)```/g)].flatMap((m) => {
    const lines = m[1].replace(/\n$/, '').split('\n');
    const path = /^\+\+\+ b\/(\S+)/.exec(lines.find((l) => l.startsWith('+++ '))!)![1];
    const hunks: { path: string; remove: string[]; add: string[] }[] = [];
    for (const line of lines.filter((l) => !/^(---|\+\+\+) /.test(l))) {
      if (line.startsWith('@@')) {
        hunks.push({ path, remove: [], add: [] });
        continue;
      }
      const hunk = hunks[hunks.length - 1];
      const [mark, text] = [line[0], line.slice(1)];
      if (mark !== '+') hunk.remove.push(text);
      if (mark !== '-') hunk.add.push(text);
    }
    return hunks;
  });
}

/** Apply one hunk: its context and removed lines must appear once, exactly. */
function apply(hunk: { path: string; remove: string[]; add: string[] }): void {
  const file = join(COPY, hunk.path);
  const text = readFileSync(file, 'utf8');
  const before = hunk.remove.join('\n');
  expect(text.split(before).length - 1, `the guide's hunk for ${hunk.path} no longer applies:\n${before}`).toBe(1);
  writeFileSync(file, text.replace(before, hunk.add.join('\n')));
}

/** The guide's usage example (the `toy-usage` region of this file), as written. */
function usageExample(): string {
  const own = readFileSync(new URL(import.meta.url), 'utf8');
  return /\/\/ #region toy-usage\n([\s\S]*?)\n\s*\/\/ #endregion/.exec(own)![1].replace(/^ {4}/gm, '');
}

/** The copy of src/ with the guide followed: the toy file written, the diffs applied. Made once. */
let followed: Promise<{ readonly touched: readonly string[] }> | undefined;
function followGuide(): Promise<{ readonly touched: readonly string[] }> {
  followed ??= (async () => {
    rmSync(COPY, { recursive: true, force: true });
    mkdirSync(COPY, { recursive: true });
    cpSync(join(ROOT, 'src'), join(COPY, 'src'), { recursive: true });
    // 1. The protocol file.
    const file = TOY_PROTOCOL.split('\n').filter((l) => !/^\/\/ #(end)?region/.test(l)).join('\n').trim() + '\n';
    writeFileSync(join(COPY, 'src', 'codec', 'protocols', 'toy.ts'), file);
    // 2. The registry (and the layers that may follow it), as the guide's diffs say.
    const hunks = diffs();
    expect(hunks.map((h) => h.path)).toContain('src/codec/registry.ts');
    for (const hunk of hunks) apply(hunk);
    return { touched: ['src/codec/protocols/toy.ts', ...new Set(hunks.map((h) => h.path))] };
  })();
  return followed;
}

/** The copy is imported at run time, untyped: its types are checked by tsc in the second test. */
type Untyped = any;
const importCopy = async (path: string): Promise<Untyped> => import(pathToFileURL(join(COPY, ...path.split('/'))).href);

describe('docs/adding-a-protocol.md, followed on a copy of src/', () => {
  it('a toy protocol registered as the guide says works everywhere a built-in one does', async () => {
    await followGuide();
    const rc = await importCopy('src/index.ts');
    const { protocolMarkdown } = await importCopy('src/codec/field-table.ts');
    const { ipv4, decode, summary, build, packetToJson, layersFromJson, encodeLayers } = rc;
    const logged: string[] = [];
    const console = { log: (line: string) => logged.push(line) };

    // #region toy-usage
    const bytes = ipv4({ src: '192.0.2.1', dst: '198.51.100.1' }).toy({ type: 'ping', token: 0xc0ffee }).payload('hi').encode();
    const packet = decode(bytes);
    console.log(summary(packet)); // IPv4 192.0.2.1 > 198.51.100.1 proto 254 ... / TOY ping token 12648430 hops 0 / Raw 2 bytes
    const toyLayer = packet.layers[1];
    if (toyLayer.layer === 'toy') console.log(`token ${toyLayer.fields.token}, checksum ${toyLayer.checksum?.status}`); // token 12648430, checksum valid

    // The expression language (so the CLI) and JSON know it too:
    const pong = decode(build('ipv4(src=192.0.2.1,dst=198.51.100.1)/toy(type=pong,token=7,hops=1)')).layers[1];
    if (pong.layer === 'toy') console.log(pong.fields.type); // pong
    // #endregion

    // The bytes are the layout's: IP protocol 254, then type, hops, length, token, checksum, reserved.
    expect(bytes[9]).toBe(254);
    const toyBytes = Buffer.from(bytes.subarray(20));
    expect(toyBytes.toString('hex')).toMatch(/^0000000e00c0ffee[0-9a-f]{4}00006869$/);
    expect(internetChecksum(toyBytes)).toBe(0); // the test's own RFC 1071 sum: the checksum is right
    expect(logged).toEqual([expect.stringMatching(/proto 254 .* \/ TOY ping token 12648430 hops 0 \/ Raw 2 bytes$/), 'token 12648430, checksum valid', 'pong']);
    expect(Buffer.from(build('ipv4(src=192.0.2.1,dst=198.51.100.1)/toy(type=pong,token=7,hops=1)').subarray(20, 24)).toString('hex')).toBe('0101000c');

    // Overrides and deliberate breakage, as for any layer; lax decoding reports a lying length.
    const wrong = ipv4({ src: '192.0.2.1', dst: '198.51.100.1' }).toy({ checksum: 0x1234, length: 99 }).encode();
    expect(Buffer.from(wrong.subarray(20, 32)).toString('hex')).toBe('000000630000000012340000');
    const lax = decode(wrong, { mode: 'lax' });
    expect(lax.issues.map((i: Error) => i.message)).toEqual([expect.stringContaining('toy at offset 20: needs 99 bytes (from toy.length)')]);
    expect(() => decode(wrong)).toThrow(/toy\.length/);
    expect(decode(ipv4({ src: '192.0.2.1', dst: '198.51.100.1' }).toy().corrupt('checksum').encode()).layers[1].checksum.status).toBe('invalid');

    // JSON round trip, and the generated field table of docs/protocols.
    const json = JSON.parse(JSON.stringify(packetToJson(0, packet)));
    expect(json.layers[1]).toMatchObject({ layer: 'toy', fields: { type: 'ping', token: 0xc0ffee } });
    expect(Buffer.from(encodeLayers(layersFromJson(json, 0))).equals(Buffer.from(bytes))).toBe(true);
    const page = protocolMarkdown(rc.codecByName('toy'));
    expect(page).toContain('Toy Echo Protocol');
    expect(page).toMatch(/token/);
  }, 60_000);

  it('type-checks: the toy file, the edited registry and the usage example compile (and a misspelt field does not)', async () => {
    const { touched } = await followGuide();
    await ensureBuilt();
    // The rest of src/ as its declarations (what a project reference gives); the guide's files as source.
    rmSync(TYPES, { recursive: true, force: true });
    const declarations = join(ROOT, 'dist', 'src');
    const copyDeclarations = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) copyDeclarations(path);
        // Only those of files src/ still has: dist keeps the outputs of deleted ones.
        else if (e.name.endsWith('.d.ts') && existsSync(join(ROOT, 'src', relative(declarations, path).replace(/\.d\.ts$/, '.ts')))) {
          cpSync(path, join(TYPES, 'src', relative(declarations, path)));
        }
      }
    };
    copyDeclarations(declarations);
    for (const file of touched) {
      rmSync(join(TYPES, file.replace(/\.ts$/, '.d.ts')), { force: true });
      cpSync(join(COPY, file), join(TYPES, file));
    }
    const imports = "import { build, decode, ipv4, summary } from '../index.js';\n";
    // What the typed builder refuses; an unused @ts-expect-error would be an error too (TS2578).
    const refused = "// @ts-expect-error -- toy follows IP, not UDP\nipv4().udp().toy();\n";
    mkdirSync(join(TYPES, 'src', 'usage'), { recursive: true });
    writeFileSync(join(TYPES, 'src', 'usage', 'toy-usage.ts'), imports + usageExample() + '\n' + refused);
    // The check can fail: the same usage with a toy field misspelt must be the one error.
    writeFileSync(join(TYPES, 'src', 'usage', 'misspelt.ts'), imports + usageExample().replace('token: 0xc0ffee', 'tokn: 0xc0ffee'));
    writeFileSync(join(TYPES, 'tsconfig.json'), JSON.stringify({ extends: relative(TYPES, join(ROOT, 'tsconfig.json')), compilerOptions: { noEmit: true, rootDir: '.' }, include: ['src'] }));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const out = await promisify(execFile)(process.execPath, [tsc, '-p', join(TYPES, 'tsconfig.json')], { cwd: TYPES }).then(
      (r) => r.stdout,
      (e: { stdout: string }) => e.stdout,
    );
    expect(out.trim().split('\n')).toEqual([expect.stringMatching(/^src\/usage\/misspelt\.ts\(\d+,\d+\): error TS\d+: .*'tokn' does not exist/)]);
  }, 120_000);

  it('request() matches the toy pong to its ping over raw sockets on ::1 (the toy file\'s answers rule; nothing in src/transport knows it)', async (ctx) => {
    requireRaw(ctx);
    await followGuide();
    const rc = await importCopy('src/index.ts');
    const token = ((freshId() << 16) | freshId()) >>> 0;
    // Over IPv6 loopback: the IPv4 listeners of other tests on protocols 253 and 254 never see these.
    const lo6 = { src: '::1', dst: '::1' };
    // A responder: on our ping, first a pong with another token (rejected), then the right one.
    // IPv6 raw sockets deliver the payload only: the toy layer comes first.
    await using responder = rc.openTransport('raw');
    const pings = responder.receive({
      protocols: [{ family: 6, protocol: 254 }],
      timeoutMs: 5000,
      count: 1,
      filter: (p: Untyped) => p.layers[0]?.layer === 'toy' && p.layers[0].fields.type === 'ping' && p.layers[0].fields.token === token,
    });
    const answering = (async () => {
      for await (const ping of pings) {
        const hops = ping.packet.layers[0].fields.hops + 1;
        await responder.send(rc.ipv6(lo6).toy({ type: 'pong', token: (token + 1) >>> 0, hops }).payload('hi'));
        await responder.send(rc.ipv6(lo6).toy({ type: 'pong', token, hops }).payload('hi'));
      }
    })();
    await using t = rc.openTransport('raw');
    const result = await rc.request(t, rc.ipv6(lo6).toy({ type: 'ping', token }).payload('hi'), { timeoutMs: 5000 });
    await answering;
    const reasons: string[] = result.rejected.map((r: Untyped) => `${r.candidate}: ${r.reason}`);
    const why = `${result.status === 'timeout' ? result.explanation : ''}\nrejected:\n${reasons.join('\n')}`;
    expect(result.status, why).toBe('answered');
    expect(result.answer, why).toBe('reply');
    expect(result.view).toMatchObject({ family: 6, src: '::1', protocol: 254, upper: { layer: 'toy', type: 1, token } });
    expect(result.reply.packet.layers[0].fields).toMatchObject({ type: 'pong', token, hops: 1 });
    // What came first was rejected with the rule's own reasons: our ping looped back, the wrong pong.
    expect(reasons).toContain(`toy pong token ${(token + 1) >>> 0} from ::1: token ${(token + 1) >>> 0} differs (expected ${token})`);
    expect(reasons).toContain(`toy ping token ${token} from ::1: not a pong`);

    // An ICMP error quoting a ping answers it, read by the rule (whole, or cut to 8 bytes as RFC 792 allows).
    const lo = { src: '127.0.0.1', dst: '127.0.0.1' };
    const sent = rc.ipv4({ ...lo, id: 4242 }).toy({ type: 'ping', token }).payload('hi');
    const probe = { view: rc.viewOf(rc.decode(sent.encode()).layers), srcAsBuilt: true, idAsBuilt: true };
    const unreachable = (quote: Untyped) => rc.ipv4(lo).icmp({ type: 'destination-unreachable', code: 'protocol-unreachable' }).payload(quote);
    const quoted = (bytes: Uint8Array) => rc.matchAnswer(probe, rc.viewOf(rc.decode(unreachable(bytes).encode(), { mode: 'lax' }).layers));
    expect(quoted(sent.encode())).toEqual({ ok: true, answer: 'icmp-error' });
    expect(quoted(sent.encode().subarray(0, 28))).toEqual({ ok: true, answer: 'icmp-error' });
    const other = Buffer.from(sent.encode().subarray(0, 28));
    other.writeUInt32BE((token + 1) >>> 0, 24);
    expect(quoted(other)).toEqual({ ok: false, reason: `quoted token ${(token + 1) >>> 0} differs (expected ${token})` });
  }, 60_000);
});
