/** `rawcraft build EXPR [--hex | --pcap OUT | --pcapng OUT | --json] [--dump] [--mtu N]`: one packet (or its fragments) from an expression. */
import { decode } from '../codec/decode.js';
import { encodeLayers } from '../codec/encode.js';
import { packetToJson } from '../codec/json.js';
import { hexdump, show } from '../codec/print.js';
import { createCaptureWriter } from '../capture/index.js';
import { parse } from '../expr/parse.js';
import { withRouteSource } from '../transport/source.js';
import { DEFAULT_EPOCH_NS } from '../traffic/scenario.js';
import { listOrNone, parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';
import { linkTypeForLayer } from './encode-command.js';
import { fragmentForMtu, mtuOption } from './mtu-option.js';

export const BUILD_USAGE = `build EXPR [--hex | --pcap OUT | --pcapng OUT | --json] [--dump] [--mtu N]
      Build one packet from a layer expression, e.g. 'ipv4(dst=127.0.0.1,ttl=3)/udp(dstPort=33434)/raw(hex=00ff)'
      (see docs/expressions.md): hex (the default; a decoded tree first on a terminal), a
      capture file, or JSON (the decode --json format).
      --dump     a decoded tree and a hexdump (offset, hex, ASCII) instead of the hex line
      --mtu N    fragment the IP datagram for a link MTU of N bytes (IP header included): one
                 output per fragment (a datagram that fits stays whole)`;

export async function buildCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: { hex: { type: 'boolean' }, pcap: { type: 'string' }, pcapng: { type: 'string' }, json: { type: 'boolean' }, dump: { type: 'boolean' }, mtu: { type: 'string' } },
  }, 'build: ', usageHint(BUILD_USAGE));
  if (positionals.length !== 1) throw new CliError(`build: expected one EXPR (quote it), got ${listOrNone(positionals)}${usageHint(BUILD_USAGE)}`);
  const modes = [values.hex, values.pcap !== undefined, values.pcapng !== undefined, values.json, values.dump].filter(Boolean).length;
  if (modes > 1) throw new CliError('build: give one of --hex, --pcap, --pcapng, --json and --dump');
  // A source left out is the one this host would send from towards the destination (as `send` does).
  const { layers, unrouted } = await withRouteSource(parse(positionals[0]));
  if (unrouted !== undefined) io.error(`rawcraft: warning: no route to ${unrouted}: the source is the codec's default (give src= to choose it)`);
  const whole = encodeLayers(layers, { onWarning: (w) => io.error(`rawcraft: warning: ${w.message}`) });
  const from = layers[0].layer;
  const mtu = mtuOption('build', values.mtu);
  const packets = mtu === undefined ? [whole] : fragmentForMtu('build', whole, from, mtu);
  const out = values.pcap ?? values.pcapng;
  if (out !== undefined) {
    const linkType = linkTypeForLayer(from);
    const writer = values.pcap !== undefined ? createCaptureWriter(out, { format: 'pcap', linkType }) : createCaptureWriter(out, { format: 'pcapng' });
    try {
      for (const [i, data] of packets.entries()) await writer.write({ data, timestampNs: DEFAULT_EPOCH_NS + BigInt(i) * 1_000_000n, linkType });
    } catch (error) {
      writer.abort(); // a failed run leaves no half-written file
      throw error;
    }
    await writer.close();
    return EXIT_OK;
  }
  for (const [i, bytes] of packets.entries()) {
    if (values.json) await io.write(JSON.stringify(packetToJson(i, decode(bytes, { from, mode: 'lax' }))) + '\n');
    else if (values.dump) await io.write(`${show(decode(bytes, { from, mode: 'lax' }))}\n${hexdump(bytes)}\n${i < packets.length - 1 ? '\n' : ''}`);
    else {
      if (io.tty && !values.hex) await io.write(show(decode(bytes, { from, mode: 'lax' })) + '\n');
      await io.write(bytes.toString('hex') + '\n');
    }
  }
  return EXIT_OK;
}
