/**
 * RFC-style byte-layout diagrams (the bit ruler of RFC 791 figure 4) drawn from a layer's
 * declared fields, so the picture can never disagree with the codec:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |version|  ihl  |    dscp   |ecn|          totalLength          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Given decoded values, each box shows `name=value` where it fits. Variable parts (options,
 * chunks, data) follow the fixed header as one row each.
 */
import type { LayerCodec } from './layer.js';
import type { DecodedPacket } from './decode.js';
import { codecByName } from './registry.js';

const WIDTH = 32;
const RULER = [
  (' ' + Array.from({ length: 4 }, (_, i) => String(i).padEnd(20)).join('')).trimEnd(),
  ' ' + Array.from({ length: WIDTH }, (_, i) => String(i % 10)).join(' '),
];
const LINE = '+' + '-+'.repeat(WIDTH);

interface Segment {
  readonly start: number;
  readonly bits: number;
  readonly label: string;
  /** A segment that continues the field of the segment above it (no line between them). */
  readonly continued: boolean;
}

/** Centre `text` in `width` characters, cutting it when it does not fit. */
function centre(text: string, width: number): string {
  const t = text.length > width ? text.slice(0, Math.max(0, width)) : text;
  const left = Math.floor((width - t.length) / 2);
  return ' '.repeat(left) + t + ' '.repeat(width - t.length - left);
}

function valueText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(',')}]`;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return String(value);
}

/** The diagram of one layer's fixed header, and its variable parts; values label the boxes when given. */
export function layerDiagram(codec: LayerCodec, values?: Readonly<Record<string, unknown>>): string {
  const label = (name: string, width: number): string => {
    if (!values || !(name in values)) return name;
    const full = `${name}=${valueText(values[name])}`;
    return full.length <= width ? full : valueText(values[name]).length <= width ? valueText(values[name]) : name;
  };
  // Split every field at row boundaries (32 bits).
  const rows: Segment[][] = [];
  let bit = 0;
  for (const field of codec.fields) {
    let left = field.bits;
    let first = true;
    const rowsSpanned = Math.ceil(((bit % WIDTH) + field.bits) / WIDTH);
    let rowIndex = 0;
    while (left > 0) {
      const row = Math.floor(bit / WIDTH);
      const start = bit % WIDTH;
      const bits = Math.min(left, WIDTH - start);
      // A field filling several whole rows names itself on its middle row, as the RFCs draw addresses.
      const middle = Math.floor((rowsSpanned - 1) / 2);
      const named = rowsSpanned > 1 && start === 0 && bits === WIDTH ? rowIndex === middle : first;
      (rows[row] ??= []).push({ start, bits, label: named ? label(field.name, bits * 2 - 1) : '', continued: !first });
      bit += bits;
      left -= bits;
      first = false;
      rowIndex++;
    }
  }
  const out = [...RULER];
  rows.forEach((segments, r) => {
    // The line above a row: solid, except above segments that continue a field from the row above.
    if (r === 0) out.push(LINE);
    else {
      let line = '+';
      for (let b = 0; b < WIDTH; b++) {
        const s = segments.find((x) => b >= x.start && b < x.start + x.bits);
        line += (s?.continued ? ' ' : '-') + '+';
      }
      // A field continuing across the whole row keeps only its edges.
      out.push(segments.length === 1 && segments[0].continued && segments[0].bits === WIDTH ? '+' + ' '.repeat(WIDTH * 2 - 1) + '+' : line);
    }
    let text = '|';
    for (const s of segments) text += centre(s.label, s.bits * 2 - 1) + '|';
    const usedBits = segments.reduce((n, s) => n + s.bits, 0);
    out.push(usedBits < WIDTH ? text.padEnd(WIDTH * 2 + 1) : text);
  });
  out.push(LINE);
  for (const extra of codec.extraFields ?? []) {
    const shown = values && extra.name in values ? `${extra.name}=${valueText(values[extra.name])}` : `${extra.name} (variable)`;
    out.push('|' + centre(shown, WIDTH * 2 - 1) + '|', LINE);
  }
  return out.join('\n');
}

/** One diagram per layer of a decoded packet, with its values, headed by the layer's title. */
export function packetDiagram(packet: DecodedPacket): string {
  return packet.layers
    .map((layer) => {
      const codec = codecByName(layer.layer);
      if (!codec) return `${layer.layer}\n`;
      return `${codec.name}: ${codec.title} (${codec.rfc})\n${layerDiagram(codec, layer.fields as unknown as Record<string, unknown>)}`;
    })
    .join('\n\n');
}
