/**
 * The fast decoder of one layer stack (ipv4/udp/raw...), generated from the layers' FastForms:
 * read each header with its compiled reader, check that the packet really is this stack in its
 * common form (lengths exact, no fragment, nothing the codecs would report), and verify the
 * checksums in place, with no decode context, steps or stack. Whatever does not fit returns
 * undefined and the general decoder (decode.ts) decodes the packet, so the result is always
 * what the general decoder gives (test/codec/fast-path.test.ts compares them).
 */
import { finishChecksum, pseudoHeaderTail, sumWords } from './checksum.js';
import { sctpChecksum } from './crc32c.js';
import type { DecodedPacket } from './types.js';
import type { FastForm, LayerCodec } from './layer.js';
import { codecs } from './registry.js';
import { firstOf, formCombinations } from './fast-form.js';

/** Decode a whole packet as the stack compiled for, or undefined. */
export type FastDecode = (buf: Buffer) => DecodedPacket | undefined;

/** 1 for protocol numbers some layer binds: after an IP layer, anything else decodes as raw. */
const boundIpProtocol = new Uint8Array(256);
for (const codec of codecs) if (codec.ipProtocol !== undefined && codec.ipProtocol < 256) boundIpProtocol[codec.ipProtocol] = 1;

const NO_LAYERS: readonly never[] = [];

/** Generate the fast decoder of a stack, or undefined when some layer has no fast form (or the stack needs the general decoder). */
export function compileFastDecode(stack: readonly LayerCodec[]): FastDecode | undefined {
  const combos = stack.length ? formCombinations(stack) : undefined;
  if (combos === undefined) return undefined;
  return firstOf(combos.flatMap((forms) => compileForms(stack, forms) ?? []));
}

/**
 * Checks that turn a packet of another stack away before any header is read: the byte-wide
 * fields a form fixes (`when`: ICMP's message types) at offsets known in advance (after headers
 * of fixed length). The stack of an echo request and that of a neighbour solicitation differ
 * only there, and reading the IPv6 header first (two addresses as text) cost a rejected try as
 * much as a whole decode. So does the packet's length when every header has a fixed one. The
 * checks after each header read stay: these only decide sooner.
 */
function earlyChecks(forms: readonly FastForm[]): string[] {
  const checks: string[] = [];
  let at = 0;
  for (const form of forms) {
    // Raw data (last): something must follow the headers.
    if (form.bytes) return [...checks, `if (end <= ${at}) return undefined;`];
    const header = form.header;
    if (header === undefined) return checks;
    for (const [field, values] of Object.entries(form.when ?? {})) {
      const place = header.placements.find((p) => p.def.name === field);
      if (place === undefined || place.def.bits !== 8 || place.bitOffset % 8 !== 0) continue;
      const def = place.def;
      // Every number the field may hold: the numbers listed, and those of the names listed.
      const codes = new Set(values.map((v) => (typeof v === 'number' ? v : def.kind === 'enum' ? def.values[v] : undefined)));
      if (codes.has(undefined)) continue;
      const byte = `buf[${at + place.bitOffset / 8}]`;
      checks.push(`if (${[...codes].map((c) => `${byte} !== ${c}`).join(' && ')}) return undefined;`);
    }
    if (form.tail) return checks;
    at += header.length;
  }
  // Headers of fixed length only: the packet is exactly as long as they are.
  return [...checks, `if (end !== ${at}) return undefined;`];
}

/** The fast decoder of a stack for one choice of form per layer. */
function compileForms(stack: readonly LayerCodec[], forms: readonly FastForm[]): FastDecode | undefined {
  const n = stack.length;
  const env: Record<string, unknown> = { sumWords, fold: finishChecksum, crc: sctpChecksum, tail: pseudoHeaderTail, bound: boundIpProtocol, NO_LAYERS };
  const consts = ['const sumWords = env.sumWords, fold = env.fold, crc = env.crc, tail = env.tail, bound = env.bound, NO_LAYERS = env.NO_LAYERS;'];
  const body: string[] = ['const end = buf.length;', 'const o0 = 0;', ...earlyChecks(forms)];
  const layers: string[] = [];

  for (let i = 0; i < n; i++) {
    const form = forms[i];
    const codec = stack[i];
    const f = `f${i}`;
    const o = `o${i}`;
    env[`c${i}`] = codec;
    consts.push(`const c${i} = env.c${i};`);
    if (form.bytes) {
      // Raw data: the rest of the packet, which the general decoder shows only when not empty.
      if (i !== n - 1) return undefined;
      body.push(`if (${o} >= end) return undefined;`, `const ${f} = { ${JSON.stringify(form.bytes)}: buf.subarray(${o}, end) };`);
      layers.push(`{ layer: ${JSON.stringify(codec.name)}, fields: ${f} }`);
      continue;
    }
    const header = form.header!;
    env[`r${i}`] = header.read;
    consts.push(`const r${i} = env.r${i};`);
    body.push(`if (end - ${o} < ${header.length}) return undefined;`);
    // A byte-wide next-protocol field is checked before reading the header: a packet of another
    // stack (TCP where this one has UDP) is turned away for the price of one load.
    for (const [field, how] of Object.entries(form.auto ?? {})) {
      const place = header.placements.find((p) => p.def.name === field);
      const number = stack[i + 1]?.ipProtocol;
      if (typeof how === 'object' && 'nextProtocol' in how && number !== undefined && place && place.def.bits === 8 && place.bitOffset % 8 === 0) {
        body.push(`if (buf[${o} + ${place.bitOffset / 8}] !== ${number}) return undefined;`);
      }
    }
    body.push(`const ${f} = r${i}(buf, ${o});`);
    // The header length: fixed, or from a header-words field when an option tail may follow.
    const words = Object.entries(form.auto ?? {}).find(([, how]) => how === 'headerWords')?.[0];
    if (words !== undefined && form.tail) {
      body.push(`const hl${i} = ${f}[${JSON.stringify(words)}] * 4;`, `if (hl${i} < ${header.length} || ${o} + hl${i} > end) return undefined;`);
    } else if (form.tail) {
      // No length field: the tail (SCTP's chunks, ND options) runs to the end of the packet, so
      // nothing can follow it (a stack with more layers is never this form's).
      if (i < n - 1) return undefined;
      body.push(`const hl${i} = end - ${o};`);
    } else {
      if (words !== undefined) body.push(`if (${f}[${JSON.stringify(words)}] !== ${header.length / 4}) return undefined;`);
      body.push(`const hl${i} = ${header.length};`);
    }
    for (const [field, how] of Object.entries(form.auto ?? {})) {
      const value = `${f}[${JSON.stringify(field)}]`;
      // Exact lengths only: a shorter one leaves a trailer, a longer one a truncated packet.
      if (how === 'length') body.push(`if (${value} !== end - ${o}) return undefined;`);
      else if (how === 'payloadLength') body.push(`if (${value} !== end - ${o} - hl${i}) return undefined;`);
      else if (typeof how === 'object' && 'nextProtocol' in how) {
        const next = stack[i + 1];
        if (next === undefined) return undefined;
        const number = next.ipProtocol;
        // The number must select the next layer of this stack: its own, or any unbound one for raw data.
        if (number !== undefined) body.push(`if (${value} !== ${number}) return undefined;`);
        else if (next.fast?.bytes) body.push(`if (bound[${value}] === 1) return undefined;`);
        else return undefined;
      }
    }
    for (const [field, values] of Object.entries(form.when ?? {})) {
      const value = `${f}[${JSON.stringify(field)}]`;
      body.push(`if (${values.map((v) => `${value} !== ${JSON.stringify(v)}`).join(' && ')}) return undefined;`);
    }
    if (form.decoded) {
      env[`k${i}`] = form.decoded;
      consts.push(`const k${i} = env.k${i};`);
      body.push(`if (!k${i}(${f}, buf, ${o}, ${o} + hl${i})) return undefined;`);
    }
    const last = i === n - 1;
    // Nothing after the last layer; otherwise the next layer starts where this header ends.
    body.push(last ? `if (${o} + hl${i} !== end) return undefined;` : `const o${i + 1} = ${o} + hl${i};`);
    // A layer that names no next protocol is followed by raw data (UDP's bound ports were refused above).
    if (!last && !Object.values(form.auto ?? {}).some((how) => typeof how === 'object' && 'nextProtocol' in how) && !forms[i + 1].bytes && form.next !== stack[i + 1].name) return undefined;
    // A form that names its next layer is followed by nothing else (an ICMP error by its quote).
    if (form.next !== undefined && (last || form.next !== stack[i + 1].name)) return undefined;

    // The checksum verdict, as the codec's verifyChecksum gives it for a complete layer.
    const sum = form.checksum;
    if (sum === undefined) {
      layers.push(`{ layer: ${JSON.stringify(codec.name)}, fields: ${f} }`);
      continue;
    }
    const actual = `${f}.checksum`;
    if (sum.kind === 'crc32c') {
      body.push(`const e${i} = crc(buf, ${o}, end);`, `const v${i} = { status: e${i} === ${actual} ? 'valid' : 'invalid', expected: e${i}, actual: ${actual} };`);
      layers.push(`{ layer: ${JSON.stringify(codec.name)}, fields: ${f}, checksum: v${i} }`);
      continue;
    }
    let covered: string;
    let zeroAs = 0;
    if (sum.kind === 'header') covered = `sumWords(buf, ${o}, ${o} + hl${i})`;
    else if (sum.kind === 'message') covered = `sumWords(buf, ${o}, end)`;
    else {
      const ip = i - 1;
      if (ip < 0 || stack[ip].pseudoHeaderSum === undefined) return undefined;
      env[`p${ip}`] = stack[ip].pseudoHeaderSum;
      consts.push(`const p${ip} = env.p${ip};`);
      covered = `p${ip}.call(c${ip}, buf, o${ip}, f${ip}, NO_LAYERS) + tail(${sum.protocol}, end - ${o}) + sumWords(buf, ${o}, end)`;
      zeroAs = sum.zeroAs;
    }
    body.push(
      `const s${i} = ${covered};`,
      `let x${i} = fold(s${i} - ${actual});`,
      zeroAs ? `if (x${i} === 0) x${i} = ${zeroAs};` : '',
      `const v${i} = { status: fold(s${i}) === 0 ? 'valid' : 'invalid', expected: x${i}, actual: ${actual} };`,
    );
    layers.push(`{ layer: ${JSON.stringify(codec.name)}, fields: ${f}, checksum: v${i} }`);
  }
  body.push(`return { layers: [${layers.join(', ')}], issues: [] };`);
  const layerNames = stack.map((c) => c.name.replace(/\W/g, '_')).join('_');
  const src = `${consts.join('\n')}\nreturn function fastDecode_${layerNames}(buf) {\n${body.join('\n')}\n};\n//# sourceURL=rawcraft/decode/${layerNames}.js`;
  return new Function('env', src)(env) as FastDecode;
}
