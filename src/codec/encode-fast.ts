/**
 * The fast path of a layer stack: when every layer has a FastForm (layer.ts), one function is
 * generated that does what a hand-written encoder does: read the fields into locals, write the
 * bytes, and compute checksums from the values (the pseudo-header from the IP layer's address
 * locals), with no frames and no per-layer calls. Whenever a packet does not fit (an unknown
 * field, a variable part, a value to reject), it returns undefined and the general encoder
 * (encode-plan.ts) does the work, so errors and unusual packets come out exactly as before.
 * The "not fast-able" signals are: a check in the generated code returning undefined, and a
 * PacketError thrown by a value check (header.ts helpers, a tail's measure); any other exception
 * is a bug and is not swallowed.
 */
import { finishChecksum, sumWords } from './checksum.js';
import { sctpChecksum } from './crc32c.js';
import type { FieldDef } from './field.js';
import type { WriteCode } from './header.js';
import type { FastForm, LayerCodec } from './layer.js';
import { fieldNames } from './registry.js';
import { keyCheckCode } from './key-check.js';
import { PacketError } from './errors.js';
import { firstOf, formCombinations } from './fast-form.js';

/**
 * Encode one packet, or return undefined to leave it to the general path. The input is a list
 * of layers (`{ fields, trailer, corrupt }`, outermost first) or the last link of a builder
 * chain (ChainLink in encode-plan.ts), as compiled for.
 */
export type FastRun = (input: unknown) => Buffer | undefined;

/** How the compiled code reads its input. */
export type FastInput = 'list' | 'chain';

const EMPTY = new Uint8Array(0);
const EMPTY_FIELDS = Object.freeze({});

/** The RFC 1071 sum of an address local (a number for IPv4, 16 bytes for IPv6), as inline code. */
function addressSum(def: FieldDef | undefined, local: string): string {
  if (def?.kind === 'ipv4') return `((${local} >>> 16) + (${local} & 65535))`;
  if (def?.kind !== 'ipv6') throw new Error(`fast form: pseudo-header field ${def?.name} is no IP address`);
  const words = Array.from({ length: 8 }, (_, k) => `((${local}[${2 * k}] << 8) | ${local}[${2 * k + 1}])`);
  return `(${words.join(' + ')})`;
}

/** Generate the fast encoder of a stack, or undefined when some layer has no fast form or the stack needs the general path's care. */
export function compileFast(codecs: readonly LayerCodec[], input: FastInput): FastRun | undefined {
  const combos = codecs.length ? formCombinations(codecs) : undefined;
  if (combos === undefined) return undefined;
  return firstOf(combos.flatMap((forms) => compileForms(codecs, forms, input) ?? []));
}

/** The fast encoder of a stack for one choice of form per layer. */
function compileForms(codecs: readonly LayerCodec[], forms: readonly FastForm[], input: FastInput): FastRun | undefined {
  const n = codecs.length;
  const env: Record<string, unknown> = { sumWords, fold: finishChecksum, crc: sctpChecksum, Buffer, EMPTY, EMPTY_FIELDS };
  const consts: string[] = ['const sumWords = env.sumWords, fold = env.fold, crc = env.crc, Buffer = env.Buffer, EMPTY = env.EMPTY, EMPTY_FIELDS = env.EMPTY_FIELDS;'];
  const check: string[] = [];
  const measure: string[] = [];
  const write: string[] = [];
  const checksums: string[] = [];
  const written: (WriteCode | undefined)[] = [];
  // Each layer's fields into x0..xn; a trailer or corrupt request anywhere is the general path's.
  if (input === 'chain') {
    for (let i = n - 1; i >= 0; i--) check.push(`const b${i} = ${i === n - 1 ? 'X' : `b${i + 1}.parent`};`, `if (b${i}.extra !== undefined) return undefined;`);
  } else {
    for (let i = 0; i < n; i++) check.push(`const b${i} = X[${i}];`, `if (b${i}.trailer !== undefined || b${i}.corrupt !== undefined) return undefined;`);
  }
  const fixedLength = (i: number): number => forms[i].header?.length ?? 0;

  for (let i = 0; i < n; i++) {
    const form = forms[i];
    const x = `x${i}`;
    // In a list, fields may be left out (none given); null is not "none" and goes to the general path.
    check.push(`let ${x} = b${i}.fields;`, input === 'list' ? `if (${x} === undefined) ${x} = EMPTY_FIELDS;` : '', `if (typeof ${x} !== 'object' || ${x} === null) return undefined;`);
    // The names the fast form covers; any other key (a typo included) goes to the general path, which reports it.
    const names = form.header ? form.header.fields.map((f) => f.name) : form.bytes ? [form.bytes] : [];
    if (form.tail) names.push(form.tail.field);
    for (const name of names) if (!fieldNames(codecs[i]).has(name)) throw new Error(`${codecs[i].name}: fast form names unknown field ${name}`);
    check.push(keyCheckCode(names, x, 'return undefined;'));
    for (const [field, values] of Object.entries(form.when ?? {})) {
      const local = `${x}_${field.replace(/\W/g, '_')}`;
      // Left out, the field takes its default: enough only when the default is one of the values.
      const def = form.header?.fields.find((f) => f.name === field);
      const defaultFits = def !== undefined && 'default' in def && values.includes(def.default as number);
      const missing = defaultFits ? `${local} !== undefined && ` : '';
      check.push(`const ${local} = ${x}[${JSON.stringify(field)}];`, `if (${missing}${values.map((v) => `${local} !== ${JSON.stringify(v)}`).join(' && ')}) return undefined;`);
    }
    // Header lengths.
    if (form.bytes) {
      measure.push(`let d${i} = ${x}[${JSON.stringify(form.bytes)}];`, `if (d${i} === undefined) d${i} = EMPTY; else if (!(d${i} instanceof Uint8Array)) return undefined;`, `const hl${i} = d${i}.length;`);
    } else if (form.tail) {
      env[`t${i}`] = form.tail;
      consts.push(`const t${i} = env.t${i};`);
      const field = JSON.stringify(form.tail.field);
      measure.push(
        `const tl${i} = ${x}[${field}] === undefined ? 0 : t${i}.measure(${x}[${field}]);`,
        `if (tl${i} < 0) return undefined;`,
        `const hl${i} = ${fixedLength(i)} + ((tl${i} + 3) & ~3);`,
        `if (hl${i} > ${form.tail.maxHeader}) return undefined;`,
      );
    } else {
      measure.push(`const hl${i} = ${fixedLength(i)};`);
    }
    measure.push(`const o${i} = ${i ? `o${i - 1} + hl${i - 1}` : '0'};`);
  }
  measure.push(`const total = o${n - 1} + hl${n - 1};`);

  for (let i = 0; i < n; i++) {
    const form = forms[i];
    const x = `x${i}`;
    if (form.bytes) {
      write.push(`buf.set(d${i}, o${i});`);
      written.push(undefined);
      continue;
    }
    const header = form.header!;
    env[`h${i}`] = header.helpers;
    consts.push(`const h${i} = env.h${i};`);
    const auto = (name: string): string => {
      const how = form.auto?.[name];
      const def = header.fields.find((f) => f.name === name)!;
      if (how === 'headerWords') return `(hl${i} >>> 2)`;
      if (how === 'length' || how === 'payloadLength') {
        const value = how === 'length' ? `(total - o${i})` : `(total - o${i} - hl${i})`;
        // Too long for the field: the general path reports it (or makes a jumbogram).
        measure.push(`if (${value} > ${2 ** def.bits - 1} && ${x}[${JSON.stringify(name)}] === undefined) return undefined;`);
        return value;
      }
      if (how !== undefined && 'nextUdpPort' in how) return String(codecs[i + 1]?.udpPort ?? how.nextUdpPort);
      if (how !== undefined) return String(codecs[i + 1]?.ipProtocol ?? how.nextProtocol);
      throw new Error(`${codecs[i].name}: fast form has no value for automatic field ${name}`);
    };
    const code = header.writeCode({ fields: x, offset: `o${i}`, helpers: `h${i}`, prefix: `p${i}_`, auto });
    written.push(code);
    write.push(code.code);
    // The header's sum from the values, for a checksum that covers the header.
    if (form.checksum !== undefined) write.push(`const s${i} = ${code.sum};`);
    if (form.tail) {
      const field = JSON.stringify(form.tail.field);
      write.push(
        `if (tl${i} > 0) { let at = t${i}.write(${x}[${field}], buf, o${i} + ${header.length}); while (at < o${i} + hl${i}) buf[at++] = 0; }`,
      );
    }
  }

  // Checksums, innermost first: outer ones (ICMP's over a quoted datagram) cover inner bytes.
  for (let i = n - 1; i >= 0; i--) {
    const form = forms[i];
    const sum = form.checksum;
    if (sum === undefined) continue;
    const at = codecs[i].checksumOffset;
    if (at === undefined) throw new Error(`${codecs[i].name}: fast form has a checksum but no checksumOffset`);
    const x = `x${i}`;
    const rest = `o${i} + ${fixedLength(i)}`;
    if (sum.kind === 'crc32c') {
      // SCTP: CRC32c over the message, the 32-bit field read as zero (sctpChecksum), written big-endian.
      checksums.push(
        `if (${x}.checksum === undefined) { const c = crc(buf, o${i}, total); const at = o${i} + ${at}; buf[at] = c >>> 24; buf[at + 1] = (c >>> 16) & 255; buf[at + 2] = (c >>> 8) & 255; buf[at + 3] = c & 255; }`,
      );
      continue;
    }
    let value: string;
    if (sum.kind === 'header') {
      // Over the header only (IPv4): the fixed part is summed already, an option tail is read back.
      value = form.tail ? `fold(sumWords(buf, ${rest}, o${i} + hl${i}, s${i}))` : `fold(s${i})`;
    } else if (sum.kind === 'message') {
      value = `fold(sumWords(buf, ${rest}, total, s${i}))`;
    } else {
      // The pseudo-header comes from the IP layer right before; anything between (or none) is the general path's.
      const ip = i - 1;
      const pseudo = ip >= 0 ? forms[ip].pseudo : undefined;
      const ipCode = ip >= 0 ? written[ip] : undefined;
      if (pseudo === undefined || ipCode === undefined) return undefined;
      const defs = forms[ip].header!.fields;
      const src = addressSum(defs.find((f) => f.name === pseudo.src), ipCode.locals[pseudo.src]);
      const dst = addressSum(defs.find((f) => f.name === pseudo.dst), ipCode.locals[pseudo.dst]);
      checksums.push(`const len${i} = total - o${i};`);
      value = `fold(sumWords(buf, ${rest}, total, s${i} + ${src} + ${dst} + ${sum.protocol} + (len${i} >>> 16) + (len${i} & 65535)))`;
      if (sum.zeroAs) value = `(${value} || ${sum.zeroAs})`;
    }
    checksums.push(`if (${x}.checksum === undefined) { const c = ${value}; buf[o${i} + ${at}] = c >>> 8; buf[o${i} + ${at + 1}] = c & 255; }`);
  }

  const layers = codecs.map((c) => c.name.replace(/\W/g, '_')).join('_');
  const name = `fast_${input}_${layers}`;
  const body = [...check, ...measure, 'const buf = Buffer.allocUnsafe(total);', ...write, ...checksums, 'return buf;'];
  // A PacketError is the one expected exception: an invalid value, which the general path reports
  // its own way (in its order, with its context). Anything else is a bug here and propagates.
  const src = [
    `${consts.join('\n')}`,
    `return function ${name}(X) {`,
    'try {',
    ...body,
    '} catch (error) { if (error instanceof PacketError) return undefined; throw error; }',
    '};',
    `//# sourceURL=rawcraft/encode-${input}/${layers}.js`,
  ].join('\n');
  return new Function('env', 'PacketError', src)(env, PacketError) as FastRun;
}
