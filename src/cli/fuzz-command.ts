/** `rawcraft fuzz EXPR [--count N] [--seed S] [--break checksums,lengths] [--out FILE] [--json]`: seeded fuzzing. */
import { createCaptureWriter } from '../capture/index.js';
import { formatExpression } from '../expr/parse.js';
import { fuzz, type FuzzBreak, type FuzzedPacket } from '../fuzz/fuzz.js';
import type { EncodableLayer } from '../codec/encode.js';
import { expand } from '../expr/expand.js';
import { DEFAULT_EPOCH_NS } from '../traffic/scenario.js';
import { integer, listOrNone, parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';
import { BatchedOutput } from './batched-output.js';
import { linkTypeForLayer } from './encode-command.js';

export const FUZZ_USAGE = `fuzz EXPR [--count N] [--seed S] [--break checksums,lengths] [--out FILE.pcapng] [--json]
      Random values for every header field EXPR does not fix (addresses from the documentation
      ranges); lengths and checksums stay right unless --break names them. Always seeded
      (default 1): the same seed gives the same packets and file, byte for byte. Hex lines,
      JSON lines ({index, hex, expression}) or a pcapng file (1 ms apart from a fixed epoch).
      --count N packets (default 10); Ctrl-C stops early: the file keeps the packets written
      and the summary says "interrupted".`;

const BREAKS: readonly FuzzBreak[] = ['checksums', 'lengths'];

export async function fuzzCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: { count: { type: 'string' }, seed: { type: 'string' }, break: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  }, 'fuzz: ', usageHint(FUZZ_USAGE));
  if (positionals.length !== 1) throw new CliError(`fuzz: expected one EXPR (quote it), got ${listOrNone(positionals)}${usageHint(FUZZ_USAGE)}`);
  const count = integer('fuzz', '--count', values.count, 10, 1, 1e9);
  const seed = integer('fuzz', '--seed', values.seed, 1, 0, Number.MAX_SAFE_INTEGER);
  const breaks = (values.break ?? '').split(',').filter(Boolean).map((b) => {
    if (!BREAKS.includes(b as FuzzBreak)) throw new CliError(`fuzz: --break ${JSON.stringify(b)}: expected a comma-separated list of ${BREAKS.join(', ')}`);
    return b as FuzzBreak;
  });
  // With ranges, each of the expression's packets is a template fuzzed --count times.
  const templates = [...expand(positionals[0])];
  const linkType = linkTypeForLayer(templates[0][0].layer);
  const writer = values.out !== undefined ? createCaptureWriter(values.out, { format: 'pcapng' }) : undefined;
  let bytes = 0;
  let written = 0;
  // Ctrl-C stops after the packet being written: a valid file with what was made, and a summary.
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);
  const lines = new BatchedOutput(io);
  try {
    for (const p of fuzzAll(templates, { seed, count, break: breaks })) {
      // Let a Ctrl-C in now and then (writes that do not block never reach the event loop).
      if ((p.index & 255) === 255) await new Promise((resolve) => setImmediate(resolve));
      if (interrupted) break;
      bytes += p.bytes.length;
      written++;
      if (writer) await writer.write({ data: p.bytes, timestampNs: DEFAULT_EPOCH_NS + BigInt(p.index) * 1_000_000n, linkType, ...(p.index === 0 && { comment: `rawcraft fuzz ${positionals[0]} --seed ${seed}${breaks.length ? ` --break ${breaks.join(',')}` : ''}` }) });
      else {
        const wait = lines.add(values.json ? JSON.stringify({ index: p.index, hex: p.bytes.toString('hex'), expression: formatExpression(p.layers) }) + '\n' : p.bytes.toString('hex') + '\n');
        if (wait) await wait;
      }
    }
  } catch (error) {
    // A failed run leaves no half-written file.
    writer?.abort();
    throw error;
  } finally {
    await lines.flush();
    process.removeListener('SIGINT', onSigint);
  }
  await writer?.close();
  if (writer) {
    const summary = { packets: written, bytes, seed, break: breaks, out: values.out, interrupted };
    await io.write(values.json ? JSON.stringify(summary) + '\n' : `${interrupted ? 'interrupted: ' : ''}wrote ${written} packets (${bytes} bytes) to ${values.out}, seed ${seed}\n`);
  } else if (interrupted) {
    // stdout carries the packets: the note goes to stderr.
    io.error(`rawcraft: fuzz: interrupted after ${written} packets (seed ${seed})`);
  }
  return EXIT_OK;
}

/** Each template's fuzzed packets in turn, numbered on across templates. */
function* fuzzAll(templates: readonly EncodableLayer[][], options: { seed: number; count: number; break: readonly FuzzBreak[] }): Generator<FuzzedPacket> {
  for (const [t, layers] of templates.entries()) for (const p of fuzz(layers, options)) yield { ...p, index: t * options.count + p.index };
}
