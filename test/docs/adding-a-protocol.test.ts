/**
 * docs/adding-a-protocol.md is true: this test follows it on a copy of src/. It writes the toy
 * protocol below (the guide's first code block mirrors the `toy-protocol` region: mirrors.test.ts)
 * as src/codec/protocols/toy.ts, applies the guide's own ```diff blocks to the copy (each must
 * apply exactly: the registry line), imports the copy, and runs the guide's usage example (the `toy-usage` region)
 * against it: the builder, decode, the expression language, JSON, checksums and the field
 * table all know the new layer, and its bytes are the ones the header layout says (checked
 * against a checksum computed by the test's own RFC 1071 implementation).
 * The copy is imported as TypeScript through vitest (transpiled, not type-checked: a full
 * type-check of src/ would take longer than this whole file should).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { internetChecksum, ROOT } from '../transport/helpers.js';

// The file the guide tells you to write. A String.raw template: the code has no backticks or dollar-braces.
const TOY_PROTOCOL = String.raw`
// #region toy-protocol
/**
 * The Toy Echo Protocol: a 12-byte header on IP protocol 253 (RFC 3692: for experimentation
 * and testing), then the payload.
 */
import { compileHeader } from '../header.js';
import { enumOf, uint } from '../field.js';
import { LengthError } from '../errors.js';
import { finishChecksum, sumWords } from '../checksum.js';
import type { LayerBinding, LayerCodec } from '../layer.js';
import type { BindingTypes } from '../types.js';
import { decodeStep } from '../layer.js';

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

// The types: the decoded-layer union, the builder's .toy() and the JSON types derive from this.
declare module '../types.js' {
  interface LayerTypes {
    toy: { fields: ToyFields; input: ToyInput } & BindingTypes<typeof binding>;
  }
}

// Where it sits: after IPv4 or IPv6 (selected there by protocol number 253), and a raw payload may follow it.
const binding = { follows: ['ipv4', 'ipv6'], carries: ['raw'], ipProtocol: 253 } as const satisfies LayerBinding;

// The fixed header, in wire order: sizes in bits, defaults, and which fields are computed.
const header = compileHeader<ToyFields>('toy', [
  enumOf('type', 8, { ping: 0, pong: 1 }, { doc: 'Message type', default: 0 }),
  uint('hops', 8, { doc: 'Hops so far', default: 0 }),
  uint('length', 16, { doc: 'Length of header and payload in bytes', role: 'auto' }),
  uint('token', 32, { doc: 'Chosen by the sender of a ping, echoed by the pong', default: 0 }),
  uint('checksum', 16, { doc: 'Checksum over header and payload', role: 'checksum' }),
  uint('reserved', 16, { doc: 'Zero', default: 0 }),
]);

const auto = { length: 0 };

export const toy: LayerCodec = {
  name: 'toy',
  title: 'Toy Echo Protocol',
  rfc: 'RFC 3692 (experimental protocol 253)',
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

  summary: (f) => 'TOY ' + String(f.type) + ' token ' + String(f.token) + ' hops ' + String(f.hops),
};
// #endregion
`;

const GUIDE = readFileSync(join(ROOT, 'docs', 'adding-a-protocol.md'), 'utf8');
const COPY = join(ROOT, '.cache', 'adding-a-protocol');
afterAll(() => rmSync(COPY, { recursive: true, force: true }));

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

describe('docs/adding-a-protocol.md, followed on a copy of src/', () => {
  it('a toy protocol registered as the guide says works everywhere a built-in one does', async () => {
    rmSync(COPY, { recursive: true, force: true });
    mkdirSync(COPY, { recursive: true });
    cpSync(join(ROOT, 'src'), join(COPY, 'src'), { recursive: true });
    // 1. The protocol file.
    const file = TOY_PROTOCOL.split('\n').filter((l) => !/^\/\/ #(end)?region/.test(l)).join('\n').trim() + '\n';
    writeFileSync(join(COPY, 'src', 'codec', 'protocols', 'toy.ts'), file);
    // 2. The registry line, as the guide's diff says; no other file changes.
    const hunks = diffs();
    expect(hunks.map((h) => h.path)).toEqual(['src/codec/registry.ts', 'src/codec/registry.ts']);
    for (const hunk of hunks) apply(hunk);

    const rc = await import(pathToFileURL(join(COPY, 'src', 'index.ts')).href);
    const { protocolMarkdown } = await import(pathToFileURL(join(COPY, 'src', 'codec', 'field-table.ts')).href);
    const { ipv4, decode, summary, build, packetToJson, layersFromJson, encodeLayers } = rc;
    const logged: string[] = [];
    const console = { log: (line: string) => logged.push(line) };

    // #region toy-usage
    const bytes = ipv4({ src: '192.0.2.1', dst: '198.51.100.1' }).toy({ type: 'ping', token: 0xc0ffee }).payload('hi').encode();
    const packet = decode(bytes);
    console.log(summary(packet)); // IPv4 192.0.2.1 > 198.51.100.1 proto 253 ... / TOY ping token 12648430 hops 0 / Raw 2 bytes
    console.log(packet.layers[1].checksum.status); // valid

    // The expression language (so the CLI) and JSON know it too:
    const pong = build('ipv4(src=192.0.2.1,dst=198.51.100.1)/toy(type=pong,token=7,hops=1)');
    console.log(decode(pong).layers[1].fields.type); // pong
    // #endregion

    // The bytes are the layout's: IP protocol 253, then type, hops, length, token, checksum, reserved.
    expect(bytes[9]).toBe(253);
    const toyBytes = Buffer.from(bytes.subarray(20));
    expect(toyBytes.toString('hex')).toMatch(/^0000000e00c0ffee[0-9a-f]{4}00006869$/);
    expect(internetChecksum(toyBytes)).toBe(0); // the test's own RFC 1071 sum: the checksum is right
    expect(logged).toEqual([expect.stringMatching(/proto 253 .* \/ TOY ping token 12648430 hops 0 \/ Raw 2 bytes$/), 'valid', 'pong']);
    expect(Buffer.from(pong.subarray(20, 24)).toString('hex')).toBe('0101000c');

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
});
