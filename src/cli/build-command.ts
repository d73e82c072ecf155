/** `rawcraft build EXPR [--hex | --pcap OUT | --pcapng OUT | --json]`: one packet from an expression. */
import { decode } from '../codec/decode.js';
import { encodeLayers } from '../codec/encode.js';
import { packetToJson } from '../codec/json.js';
import { show } from '../codec/print.js';
import { createCaptureWriter } from '../capture/index.js';
import { parse } from '../expr/parse.js';
import { DEFAULT_EPOCH_NS } from '../traffic/scenario.js';
import { listOrNone, parseCommandArgs, SEE_HELP } from './args.js';
import { CliError, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';
import { linkTypeForLayer } from './encode-command.js';

export const BUILD_USAGE = `build EXPR [--hex | --pcap OUT | --pcapng OUT | --json]
      Build one packet from a layer expression, e.g. 'ipv4(dst=127.0.0.1,ttl=3)/udp(dstPort=33434)/raw(hex=00ff)'
      (see docs/expressions.md): hex (the default; a decoded tree first on a terminal), a
      capture file, or JSON (the decode --json format).`;

export async function buildCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { allowPositionals: true, options: { hex: { type: 'boolean' }, pcap: { type: 'string' }, pcapng: { type: 'string' }, json: { type: 'boolean' } } }, 'build: ', SEE_HELP);
  if (positionals.length !== 1) throw new CliError(`build: expected one EXPR (quote it), got ${listOrNone(positionals)}; usage: rawcraft build EXPR ... (see rawcraft help)`);
  const modes = [values.hex, values.pcap !== undefined, values.pcapng !== undefined, values.json].filter(Boolean).length;
  if (modes > 1) throw new CliError('build: give one of --hex, --pcap, --pcapng and --json');
  const layers = parse(positionals[0]);
  const bytes = encodeLayers(layers, { onWarning: (w) => io.error(`rawcraft: warning: ${w.message}`) });
  const from = layers[0].layer;
  const out = values.pcap ?? values.pcapng;
  if (out !== undefined) {
    const linkType = linkTypeForLayer(from);
    const writer = values.pcap !== undefined ? createCaptureWriter(out, { format: 'pcap', linkType }) : createCaptureWriter(out, { format: 'pcapng' });
    try {
      await writer.write({ data: bytes, timestampNs: DEFAULT_EPOCH_NS, linkType });
    } catch (error) {
      writer.abort(); // a failed run leaves no half-written file
      throw error;
    }
    await writer.close();
    if (values.json) return EXIT_OK;
    return EXIT_OK;
  }
  if (values.json) {
    await io.write(JSON.stringify(packetToJson(0, decode(bytes, { from, mode: 'lax' }))) + '\n');
    return EXIT_OK;
  }
  if (io.tty && !values.hex) await io.write(show(decode(bytes, { from, mode: 'lax' })) + '\n');
  await io.write(bytes.toString('hex') + '\n');
  return EXIT_OK;
}
