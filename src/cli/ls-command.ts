/**
 * `rawcraft ls [LAYER] [--json]`: the layers, or one layer's fields with their kind, what a
 * field left out becomes and what it means (Scapy's `ls(IP)`). Generated from the codec
 * layouts, like docs/protocols/, so it cannot drift from the code.
 */
import { layerDiagram } from '../codec/diagram.js';
import { fieldRows } from '../codec/field-table.js';
import { codecByName, codecs, layerNames } from '../codec/registry.js';
import { didYouMean } from '../codec/suggest.js';
import { listOrNone, parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';

export const LS_USAGE = `ls [LAYER] [--json | --diagram]
      The layers expressions and JSON can name, with a one-line description; with LAYER, its
      fields: kind, what a field left out becomes (a default, or computed) and what it means;
      --diagram draws LAYER's header as an RFC-style byte-layout diagram instead.`;

export async function lsCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { allowPositionals: true, options: { json: { type: 'boolean' }, diagram: { type: 'boolean' } } }, 'ls: ', usageHint(LS_USAGE));
  if (positionals.length > 1) throw new CliError(`ls: expected at most one LAYER, got ${listOrNone(positionals)}`);
  const json = !!values.json;
  if (values.diagram && positionals.length === 0) throw new CliError('ls: --diagram draws one LAYER: rawcraft ls ipv4 --diagram');
  if (positionals.length === 0) {
    const layers = codecs.map((c) => ({ layer: c.name, title: c.title, rfc: c.rfc }));
    if (json) await io.write(layers.map((l) => JSON.stringify(l)).join('\n') + '\n');
    else await io.write(table(layers.map((l) => [l.layer, `${l.title} (${l.rfc})`])) + '\n');
    return EXIT_OK;
  }
  const name = positionals[0];
  const codec = codecByName(name.toLowerCase());
  if (!codec) throw new CliError(`ls: unknown layer ${JSON.stringify(name)}${didYouMean(name, layerNames())}; layers: ${layerNames().join(', ')}`);
  if (values.diagram) {
    if (json) throw new CliError('ls: give one of --json and --diagram');
    await io.write(`${codec.name}: ${codec.title} (${codec.rfc})\n${layerDiagram(codec)}\n`);
    return EXIT_OK;
  }
  const rows = fieldRows(codec);
  if (json) {
    await io.write(rows.map((r) => JSON.stringify({ layer: codec.name, field: r.name, kind: r.kind, whenLeftOut: r.whenLeftOut, doc: r.doc })).join('\n') + '\n');
    return EXIT_OK;
  }
  const header = `${codec.name}: ${codec.title} (${codec.rfc})`;
  await io.write(`${header}\n${table([['FIELD', 'KIND', 'WHEN LEFT OUT', 'MEANING'], ...rows.map((r) => [r.name, r.kind, r.whenLeftOut, r.doc])])}\n`);
  return EXIT_OK;
}

/** Columns padded to their widest cell (the last column is not padded). Long enum lists wrap nothing: a terminal does. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.min(40, Math.max(...rows.map((r) => r[c].length))));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}
