/** Markdown field tables generated from the layouts, so the docs cannot drift from the code. */
import type { FieldDef } from './field.js';
import type { LayerCodec } from './layer.js';
import { layerDiagram } from './diagram.js';
import { allDeviationRules } from './deviation.js';
import { previousLayers } from './stack-rule.js';

function kindText(def: FieldDef): string {
  switch (def.kind) {
    case 'uint':
      return `uint${def.bits}`;
    case 'flags':
      return `flags (${def.names.join(', ')})`;
    case 'enum':
      return `enum${def.bits}: ${Object.entries(def.values).map(([k, v]) => `${k}=${v}`).join(', ')}`;
    case 'ipv4':
      return 'IPv4 address';
    case 'ipv6':
      return 'IPv6 address';
    case 'mac':
      return 'MAC address';
  }
}

function whenLeftOut(def: FieldDef): string {
  if (def.role === 'auto') return 'computed';
  if (def.role === 'checksum') return 'computed (checksum)';
  const d = 'default' in def ? def.default : undefined;
  if (def.defaultFromNext) return `${d ?? 0}, or the port the next layer is bound to`;
  if (def.kind === 'flags') return def.default ? `[${def.names.filter((_, i) => def.default! & (1 << (def.bits - 1 - i))).join(', ')}]` : '[]';
  return d === undefined ? '0' : String(d);
}

/** One row of a layer's field table: what `rawcraft ls LAYER` prints and the docs tabulate. */
export interface FieldRow {
  readonly name: string;
  /** `uint16`, `IPv4 address`, `flags (df, mf)`...; `-` for a variable part. */
  readonly kind: string;
  /** The default value, `computed`, `computed (checksum)`, or `see text` for a variable part. */
  readonly whenLeftOut: string;
  readonly doc: string;
}

/** A layer's fields, fixed header first, then its variable parts (options, chunks...). */
export function fieldRows(codec: LayerCodec): FieldRow[] {
  return [
    ...codec.fields.map((f) => ({ name: f.name, kind: kindText(f), whenLeftOut: whenLeftOut(f), doc: f.doc })),
    ...(codec.extraFields ?? []).map((f) => ({ name: f.name, kind: '-', whenLeftOut: 'see text', doc: f.doc })),
  ];
}

/** The RFC deviations decoding reports for the layer (src/codec/deviation.ts), as a section; none when it has no rules. */
function deviationSection(codec: LayerCodec): string[] {
  const rules = allDeviationRules().filter((r) => r.layer === codec.name);
  if (rules.length === 0) return [];
  return [
    '',
    'Decoding reports these deviations when the packet still parses (an issue in lax mode, a',
    '`DeviationError` in strict mode), each with its byte offset:',
    '',
    '| rule | field | allowed | defined by |',
    '| --- | --- | --- | --- |',
    ...rules.map(({ name, rule }) => `| \`${name}\` | \`${rule.field}\` | ${rule.expected.replace(/\|/g, '\\|')} | ${rule.rfc} |`),
  ];
}

/** One protocol's page: title, RFC, and a table of its fields. */
export function protocolMarkdown(codec: LayerCodec): string {
  const rows = fieldRows(codec).map((f) => `| \`${f.name}\` | ${f.kind.replace(/\|/g, '\\|')} | ${f.whenLeftOut} | ${f.doc} |`);
  return [
    `# \`${codec.name}\`: ${codec.title}`,
    '',
    `Defined by ${codec.rfc}.${codec.ipProtocol !== undefined ? ` IP protocol ${codec.ipProtocol}.` : ''}${codec.etherType !== undefined ? ` EtherType 0x${codec.etherType.toString(16).padStart(4, '0')}.` : ''}${codec.udpPort !== undefined ? ` UDP port ${codec.udpPort}.` : ''}`,
    `May follow: ${previousLayers(codec).map((f) => (f === 'start' ? '(start of packet)' : `\`${f}\``)).join(', ')}.`,
    ...(codec.carries?.length ? ['', `Carries (besides the layers that follow it by their own binding): ${codec.carries.map((c) => `\`${c}\``).join(', ')}.`] : []),
    '',
    '```text',
    layerDiagram(codec),
    '```',
    '',
    '| field | kind | when left out | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    ...deviationSection(codec),
    '',
    'A field given explicitly is written as given, even when wrong. This page is generated from',
    `the layout in \`src/codec/protocols/\` by \`npm run docs\`.`,
    '',
  ].join('\n');
}
