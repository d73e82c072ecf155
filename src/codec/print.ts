/** Printing decoded packets: a field tree (like Scapy's show()), a one-line summary (like tcpdump) and a hexdump. */
import type { DecodedPacket } from './decode.js';
import { codecByName } from './registry.js';
import { toHex } from './bytes.js';
import { toJsonValue } from './json.js';
import type { Layer } from './types.js';

const CHECKSUM_FIELDS = new Set(['checksum']);

function formatField(name: string, value: unknown): string {
  if (value instanceof Uint8Array) {
    const text = toHex(value.length > 32 ? value.subarray(0, 32) : value);
    return `${text}${value.length > 32 ? `... (${value.length} bytes)` : ''}`;
  }
  if (typeof value === 'number' && CHECKSUM_FIELDS.has(name)) return `0x${value.toString(16).padStart(4, '0')}`;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return `[${value.join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    // toJsonValue first: a Buffer's toJSON would run before any replacer saw it.
    return JSON.stringify(toJsonValue(value));
  }
  return String(value);
}

/**
 * A multi-line tree of every layer and field, as `rawcraft decode` prints it (Scapy's `show()`).
 *
 * @example
 * {@includeCode ../../examples/api-tour.ts#decode}
 */
export function show(packet: DecodedPacket | { layers: readonly Layer[] }): string {
  const lines: string[] = [];
  for (const layer of packet.layers) {
    const codec = codecByName(layer.layer);
    lines.push(`${layer.layer}${codec ? `  ${codec.title} (${codec.rfc})` : ''}`);
    const fields = layer.fields as unknown as Record<string, unknown>;
    const width = Math.max(0, ...Object.keys(fields).map((k) => k.length));
    for (const [name, value] of Object.entries(fields)) {
      // A list of structured items (SCTP chunks, options): one line each.
      if (Array.isArray(value) && value.length && value.some((v) => typeof v === 'object' && v !== null && !(v instanceof Uint8Array))) {
        lines.push(`  ${name.padEnd(width)}  (${value.length})`);
        for (const item of value) lines.push(`    ${formatField(name, item)}`);
        continue;
      }
      let text = formatField(name, value);
      if (name === 'checksum' && layer.checksum) {
        const c = layer.checksum;
        // No expected value when the checksum cannot be computed (a length field that makes no sense).
        text += c.status === 'invalid' && c.expected !== undefined ? ` [invalid, expected 0x${c.expected.toString(16).padStart(4, '0')}]` : ` [${c.status}]`;
      }
      lines.push(`  ${name.padEnd(width)}  ${text}`);
    }
    if (layer.trailer) lines.push(`  ${'(trailer)'.padEnd(width)}  ${formatField('trailer', layer.trailer)}`);
  }
  if ('issues' in packet) for (const issue of packet.issues) lines.push(`! ${issue.code}: ${issue.message}`);
  return lines.join('\n');
}

/**
 * One line: each layer's summary, separated by ' / ' (like tcpdump).
 *
 * @example
 * {@includeCode ../../examples/api-tour.ts#decode}
 */
export function summary(packet: DecodedPacket | { layers: readonly Layer[] }): string {
  const parts = packet.layers.map((layer) => {
    const codec = codecByName(layer.layer);
    const text = codec?.summary ? codec.summary(layer.fields as unknown as Record<string, unknown>) : layer.layer;
    return layer.checksum?.status === 'invalid' ? `${text} (bad checksum)` : text;
  });
  const issues = 'issues' in packet && packet.issues.length ? ` [${packet.issues.length} issue${packet.issues.length > 1 ? 's' : ''}]` : '';
  return parts.join(' / ') + issues;
}

/**
 * Classic hexdump: offset, 16 bytes in hex, printable ASCII (Scapy's `hexdump()`).
 *
 * @example
 * {@includeCode ../../examples/api-tour.ts#decode}
 */
export function hexdump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${i.toString(16).padStart(4, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  ${ascii}`);
  }
  return lines.join('\n');
}
