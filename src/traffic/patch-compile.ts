/**
 * Compiles a template patcher: for one encoded template and one list of varying fixed-header
 * fields, a generated function that copies the template, writes each field's new value straight
 * into its bits (the template's other bits are constants in the code), and brings the checksums
 * up to date. A 16-bit Internet checksum is updated incrementally from the changed words alone
 * (RFC 1624 equation 3, HC' = ~(~HC + ~m + m')), so its cost does not grow with the payload; the
 * rare results where one's-complement arithmetic cannot tell 0 from 0xffff are recomputed in full,
 * so the bytes always equal a full encode's. SCTP's CRC32c is linear over XOR for a fixed
 * length, so it is updated the same way: the template's checksum XOR one table lookup per changed
 * byte (sctpChecksumDelta in crc32c.ts), computed in full only when many bytes change.
 */
import { finishChecksum, pseudoHeaderTail, sumWords } from '../codec/checksum.js';
import { sctpChecksum, sctpChecksumDelta } from '../codec/crc32c.js';
import type { CompiledHeader, FieldPlacement } from '../codec/header.js';
import type { LayerCodec } from '../codec/layer.js';

/** Where one layer sits in the template. */
export interface PatchSlot {
  readonly codec: LayerCodec;
  readonly offset: number;
  readonly end: number;
  /** The user gave the checksum: leave it as given. */
  readonly checksumGiven: boolean;
}

/** One varying field: its layer (an index into the slots), its placement and the header whose value checks it uses. */
export interface PatchField {
  readonly slot: number;
  readonly placement: FieldPlacement;
  readonly header: CompiledHeader<unknown>;
}

/** Write the new values (in the order of the fields compiled for) into a copy of the template. */
export type Patcher = (values: readonly unknown[]) => Buffer;

/** The 16-bit checksums patching keeps right: where the field is and what it covers. */
interface Sum16 {
  readonly kind: 'sum16';
  readonly at: number;
  readonly start: number;
  readonly end: number;
  /** Absolute byte ranges of the pseudo-header's addresses (upper-layer checksums), and its protocol. */
  readonly pseudo: { readonly start: number; readonly end: number; readonly protocol: number } | undefined;
  readonly zeroAs: number;
}

interface Crc {
  readonly kind: 'crc32c';
  readonly at: number;
  readonly start: number;
  readonly end: number;
}

const UPPER: Readonly<Record<string, { protocol: number; at: number; zeroAs: number }>> = {
  udp: { protocol: 17, at: 6, zeroAs: 0xffff },
  tcp: { protocol: 6, at: 16, zeroAs: 0 },
  icmpv6: { protocol: 58, at: 2, zeroAs: 0 },
};

/** The checksum of slot i, or undefined when it has none (or it was given). */
function checksumOf(slots: readonly PatchSlot[], i: number, template: Uint8Array): Sum16 | Crc | undefined {
  const s = slots[i];
  if (s.checksumGiven) return undefined;
  const o = s.offset;
  switch (s.codec.name) {
    case 'ipv4':
      return { kind: 'sum16', at: o + 10, start: o, end: o + (template[o] & 15) * 4, pseudo: undefined, zeroAs: 0 };
    case 'icmp':
      return { kind: 'sum16', at: o + 2, start: o, end: s.end, pseudo: undefined, zeroAs: 0 };
    case 'sctp':
      return { kind: 'crc32c', at: o + 8, start: o, end: s.end };
  }
  const upper = UPPER[s.codec.name];
  if (upper === undefined) return undefined;
  const ip = slots[i - 1];
  const pseudo =
    ip?.codec.name === 'ipv4' ? { start: ip.offset + 12, end: ip.offset + 20 } : ip?.codec.name === 'ipv6' ? { start: ip.offset + 8, end: ip.offset + 40 } : undefined;
  if (pseudo === undefined) throw new Error(`patch: ${s.codec.name} without its IP layer right before`);
  return { kind: 'sum16', at: o + upper.at, start: o, end: s.end, pseudo: { ...pseudo, protocol: upper.protocol }, zeroAs: upper.zeroAs };
}

/** The code turning V[k] into the value to write (a number, or address bytes), with the header's typed errors. */
function valueCode(k: number, field: PatchField): string {
  const def = field.placement.def;
  const index = field.header.fields.indexOf(def);
  const v = `v${k}`;
  const h = `h${k}`;
  const max = 2 ** def.bits - 1;
  const isUint = `typeof ${v} === 'number' && ${v} >= 0 && ${v} <= ${max} && ${v} % 1 === 0`;
  switch (def.kind) {
    case 'uint':
      return `let ${v} = V[${k}]; if (!(${isUint})) ${h}.bad(${index}, ${v});`;
    case 'enum':
      return `let ${v} = V[${k}]; if (!(${isUint})) ${v} = ${h}.enumIn(${index}, ${v});`;
    case 'flags':
      return `let ${v} = V[${k}]; if (!(${isUint})) ${v} = ${h}.flagsIn(${index}, ${v});`;
    case 'ipv4':
      return `const ${v} = ${h}.v4In(${index}, V[${k}]);`;
    case 'ipv6':
      return `const ${v} = ${h}.v6In(${index}, V[${k}]);`;
    case 'mac':
      return `const ${v} = ${h}.macIn(${index}, V[${k}]);`;
  }
}

/**
 * The code writing value local `v` of `bits` bits at absolute bit position `bit`. The other bits
 * of a byte come from the template (constants), or from the buffer when an earlier field of the
 * list wrote that byte too (`written`, updated here).
 */
function writeBitsCode(v: string, bit: number, bits: number, template: Uint8Array, written: Set<number>): string[] {
  const lines: string[] = [];
  const first = bit >> 3;
  const last = (bit + bits - 1) >> 3;
  for (let b = first; b <= last; b++) {
    const lo = Math.max(bit, 8 * b);
    const hi = Math.min(bit + bits, 8 * b + 8);
    const mask = ((1 << (hi - lo)) - 1) << (8 * b + 8 - hi);
    // How far the value's bits for this byte sit from the byte's low end.
    const down = bit + bits - (8 * b + 8);
    const part = down > 0 ? (bits > 31 ? `Math.floor(${v} / ${2 ** down})` : `(${v} >>> ${down})`) : down < 0 ? `(${v} << ${-down})` : v;
    const keep = written.has(b) ? `(buf[${b}] & ${~mask & 255})` : String(template[b] & ~mask & 255);
    lines.push(mask === 255 ? `buf[${b}] = ${part} & 255;` : `buf[${b}] = ${keep} | (${part} & ${mask});`);
    written.add(b);
  }
  return lines;
}

/** Most changed bytes whose effects on a CRC32c are looked up one by one (SCTP's header fields are 8 bytes). */
const MAX_CRC_BYTES = 16;

/** Compile the patcher of `fields` for the template. */
export function compilePatcher(template: Buffer, slots: readonly PatchSlot[], fields: readonly PatchField[]): Patcher {
  const env: Record<string, unknown> = { T: template, sumWords, fold: finishChecksum, tail: pseudoHeaderTail, crc: sctpChecksum };
  const lines: string[] = ['const buf = Buffer.allocUnsafe(N);', 'buf.set(T);'];
  // Even byte offsets of the 16-bit words that may differ from the template's, and the bytes.
  const changed = new Set<number>();
  const changedBytes = new Set<number>();
  const written = new Set<number>();
  const touch = (start: number, end: number): void => {
    for (let b = start & ~1; b < end; b += 2) changed.add(b);
    for (let b = start; b < end; b++) changedBytes.add(b);
  };
  fields.forEach((field, k) => {
    env[`h${k}`] = field.header.helpers;
    const def = field.placement.def;
    const bit = slots[field.slot].offset * 8 + field.placement.bitOffset;
    lines.push(valueCode(k, field));
    if (def.kind === 'ipv6' || def.kind === 'mac') {
      for (let b = 0; b < def.bits / 8; b++) lines.push(`buf[${bit / 8 + b}] = v${k}[${b}];`);
    } else {
      lines.push(...writeBitsCode(`v${k}`, bit, def.bits, template, written));
    }
    touch(bit >> 3, (bit + def.bits + 7) >> 3);
  });

  // Checksums innermost first: an outer one (ICMP's over a quote) sees the inner ones' new values.
  for (let i = slots.length - 1; i >= 0; i--) {
    const sum = checksumOf(slots, i, template);
    if (sum === undefined) continue;
    const inside = (b: number): boolean => (b >= sum.start && b < sum.end) || (sum.kind === 'sum16' && sum.pseudo !== undefined && b >= sum.pseudo.start && b < sum.pseudo.end);
    const words = [...changed].filter((b) => inside(b) && b !== sum.at).sort((a, b) => a - b);
    if (words.length === 0) continue; // nothing it covers changed: the template's value stands
    const at = sum.at;
    if (sum.kind === 'crc32c') {
      // The bytes it covers that may change (its own field counts as zero), each moving the
      // template's checksum by a table lookup; past MAX_CRC_BYTES a full CRC is cheaper.
      const bytes = [...changedBytes].filter((b) => b >= sum.start && b < sum.end && (b < at || b >= at + 4)).sort((a, b) => a - b);
      let value = `crc(buf, ${sum.start}, ${sum.end})`;
      if (bytes.length <= MAX_CRC_BYTES) {
        const terms = bytes.map((b) => {
          env[`K${b}`] = sctpChecksumDelta(sum.end - b - 1);
          return `K${b}[buf[${b}] ^ ${template[b]}]`;
        });
        value = [String(sctpChecksum(template, sum.start, sum.end) | 0), ...terms].join(' ^ ');
      }
      lines.push(`{ const c = ${value}; buf[${at}] = c >>> 24; buf[${at + 1}] = (c >>> 16) & 255; buf[${at + 2}] = (c >>> 8) & 255; buf[${at + 3}] = c & 255; }`);
      touch(at, at + 4);
      continue;
    }
    if (sum.start % 2 === 1) {
      // Words counted from an odd offset are not the template's words: sum it all (never seen with these layers).
      lines.push(`{ buf[${at}] = 0; buf[${at + 1}] = 0; let c = fold(sumWords(buf, ${sum.start}, ${sum.end})); buf[${at}] = c >>> 8; buf[${at + 1}] = c & 255; }`);
      touch(at, at + 2);
      continue;
    }
    const stored = (template[at] << 8) | template[at + 1];
    // The template's folded sum from its checksum (a 0 written as zeroAs was a folded 0xffff).
    const folded = sum.zeroAs !== 0 && stored === sum.zeroAs ? 0xffff : ~stored & 0xffff;
    let constant = folded;
    for (const b of words) constant += ~((template[b] << 8) | template[b + 1]) & 0xffff;
    const full = sum.pseudo
      ? `sumWords(buf, ${sum.start}, ${sum.end}, sumWords(buf, ${sum.pseudo.start}, ${sum.pseudo.end}, tail(${sum.pseudo.protocol}, ${sum.end - sum.start})))`
      : `sumWords(buf, ${sum.start}, ${sum.end})`;
    lines.push(
      '{',
      `let a = ${constant} + ${words.map((b) => `((buf[${b}] << 8) | buf[${b + 1}])`).join(' + ')};`,
      'a = (a & 65535) + (a >>> 16); a = (a & 65535) + (a >>> 16);',
      // 0 and 0xffff are the same in one's complement: which one a full sum gives depends on more than the changed words.
      `let c;`,
      `if (a === 0 || a === 65535) { buf[${at}] = 0; buf[${at + 1}] = 0; c = fold(${full});${sum.zeroAs ? ` if (c === 0) c = ${sum.zeroAs};` : ''} }`,
      'else c = ~a & 65535;',
      `buf[${at}] = c >>> 8; buf[${at + 1}] = c & 255;`,
      '}',
    );
    touch(at, at + 2);
  }
  lines.push('return buf;');
  const consts = Object.keys(env).map((name) => `const ${name} = env.${name};`);
  const layers = slots.map((s) => s.codec.name.replace(/\W/g, '_')).join('_');
  const names = fields.map((f) => `${slots[f.slot].codec.name}.${f.placement.def.name}`).join(',');
  const src = `${consts.join('\n')}\nconst N = ${template.length};\nreturn function patch_${layers}(V) {\n// ${names}\n${lines.join('\n')}\n};\n//# sourceURL=rawcraft/patch/${layers}.js`;
  return new Function('env', 'Buffer', src)(env, Buffer) as Patcher;
}
