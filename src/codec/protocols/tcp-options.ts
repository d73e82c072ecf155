/** TCP options: RFC 9293 section 3.2 (EOL, NOP, MSS), RFC 7323 (window scale, timestamps), RFC 2018 (SACK). */
import { be16, be32, checkList, checkObject, checkUint, isUint, optionListCodec, putBe16, putBe32, type OptionKind, type RawOption } from '../option-list.js';

/** A TCP option as decoded (`mss`, `window-scale`, `sack-permitted`, `sack`, `timestamps`...), or raw bytes. */
export type TcpOption =
  | { readonly kind: 'eol'; readonly length?: number }
  | { readonly kind: 'nop'; readonly length?: number }
  | { readonly kind: 'mss'; readonly value: number; readonly length?: number }
  | { readonly kind: 'window-scale'; readonly shift: number; readonly length?: number }
  | { readonly kind: 'sack-permitted'; readonly length?: number }
  | { readonly kind: 'sack'; readonly blocks: readonly { readonly left: number; readonly right: number }[]; readonly length?: number }
  | { readonly kind: 'timestamps'; readonly value: number; readonly echo: number; readonly length?: number };

/** A TCP option as the builder takes it: a named kind, or raw bytes with an optional (maybe wrong) length. */
export type TcpOptionInput = TcpOption | RawOption;

type Body<K extends TcpOption['kind']> = Omit<Extract<TcpOption, { kind: K }>, 'kind' | 'length'>;

/** A length the RFC fixes (kind and length octets included). */
const exactly = (n: number, rfc: string): OptionKind<TcpOption>['lengthRule'] => ({ valid: (length) => length === n, expected: String(n), rfc });

const kinds: OptionKind<TcpOption>[] = [
  { name: 'eol', code: 0, doc: 'End of option list' },
  { name: 'nop', code: 1, doc: 'No operation (alignment)' },
  {
    name: 'mss',
    code: 2,
    doc: 'Maximum segment size',
    encodeBody(o, fail) {
      const b = new Uint8Array(2);
      putBe16(b, 0, checkUint((o as Body<'mss'>).value, 16, 'value', fail));
      return b;
    },
    decodeBody: (b) => (b.length === 2 ? ({ value: be16(b, 0) } satisfies Body<'mss'>) : undefined),
    size: (o) => (isUint((o as Body<'mss'>).value, 16) ? 2 : -1),
    bodyLength: 2,
    put: (o, b, at) => putBe16(b, at, (o as Body<'mss'>).value),
    read: (b, s, e) => (e - s === 2 ? { kind: 'mss', value: be16(b, s) } : undefined),
    lengthRule: exactly(4, 'RFC 9293 section 3.2'),
  },
  {
    name: 'window-scale',
    code: 3,
    doc: 'Window scale shift count',
    encodeBody: (o, fail) => Uint8Array.of(checkUint((o as Body<'window-scale'>).shift, 8, 'shift', fail)),
    decodeBody: (b) => (b.length === 1 ? ({ shift: b[0] } satisfies Body<'window-scale'>) : undefined),
    size: (o) => (isUint((o as Body<'window-scale'>).shift, 8) ? 1 : -1),
    bodyLength: 1,
    put: (o, b, at) => {
      b[at] = (o as Body<'window-scale'>).shift;
    },
    read: (b, s, e) => (e - s === 1 ? { kind: 'window-scale', shift: b[s] } : undefined),
    lengthRule: exactly(3, 'RFC 7323 section 2.2'),
  },
  {
    name: 'sack-permitted',
    code: 4,
    doc: 'SACK permitted',
    encodeBody: () => new Uint8Array(0),
    decodeBody: (b) => (b.length === 0 ? {} : undefined),
    size: () => 0,
    bodyLength: 0,
    put: () => undefined,
    read: (_b, s, e) => (e === s ? { kind: 'sack-permitted' } : undefined),
    lengthRule: exactly(2, 'RFC 2018 section 2'),
  },
  {
    name: 'sack',
    code: 5,
    doc: 'Selective acknowledgment blocks',
    encodeBody(o, fail) {
      const blocks = checkList<{ left: number; right: number }>((o as Body<'sack'>).blocks ?? [], 'blocks', fail);
      const b = new Uint8Array(8 * blocks.length);
      blocks.forEach((item, i) => {
        const block = checkObject<{ left: number; right: number }>(item, `blocks[${i}]`, fail);
        putBe32(b, 8 * i, checkUint(block.left, 32, `blocks[${i}].left`, fail));
        putBe32(b, 8 * i + 4, checkUint(block.right, 32, `blocks[${i}].right`, fail));
      });
      return b;
    },
    decodeBody(b) {
      if (b.length % 8) return undefined;
      const blocks: { left: number; right: number }[] = [];
      for (let i = 0; i < b.length; i += 8) blocks.push({ left: be32(b, i), right: be32(b, i + 4) });
      return { blocks } satisfies Body<'sack'>;
    },
    // One to four blocks of 8 bytes (four fill the 40 option bytes).
    lengthRule: { valid: (length) => length >= 10 && length <= 34 && (length - 2) % 8 === 0, expected: '10, 18, 26 or 34 (2 + 8 per block)', rfc: 'RFC 2018 section 3' },
  },
  {
    name: 'timestamps',
    code: 8,
    doc: 'Timestamps (TSval, TSecr)',
    encodeBody(o, fail) {
      const t = o as Body<'timestamps'>;
      const b = new Uint8Array(8);
      putBe32(b, 0, checkUint(t.value, 32, 'value', fail));
      putBe32(b, 4, checkUint(t.echo ?? 0, 32, 'echo', fail));
      return b;
    },
    decodeBody: (b) => (b.length === 8 ? ({ value: be32(b, 0), echo: be32(b, 4) } satisfies Body<'timestamps'>) : undefined),
    size: (o) => (isUint((o as Body<'timestamps'>).value, 32) && isUint((o as Body<'timestamps'>).echo ?? 0, 32) ? 8 : -1),
    bodyLength: 8,
    put(o, b, at) {
      const t = o as Body<'timestamps'>;
      putBe32(b, at, t.value);
      putBe32(b, at + 4, t.echo ?? 0);
    },
    read: (b, s, e) => (e - s === 8 ? { kind: 'timestamps', value: be32(b, s), echo: be32(b, s + 4) } : undefined),
    lengthRule: exactly(10, 'RFC 7323 section 3.2'),
  },
];

export const tcpOptions = optionListCodec<TcpOption>('tcp', 'options', kinds, 'RFC 9293 section 3.1');
