/** `rawcraft build EXPR [--hex | --pcap OUT | --pcapng OUT | --json] [--dump] [--mtu N]`: one packet (or its fragments) from an expression. */
import { decode } from '../codec/decode.js';
import { encodeLayers } from '../codec/encode.js';
import { packetToJson } from '../codec/json.js';
import { hexdump, show } from '../codec/print.js';
import { packetDiagram } from '../codec/diagram.js';
import { createCaptureWriter } from '../capture/index.js';
import { expand } from '../expr/expand.js';
import { withRouteSource } from '../transport/transports/source.js';
import { DEFAULT_EPOCH_NS } from '../traffic/scenario.js';
import { listOrNone, parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';
import { BatchedOutput } from './batched-output.js';
import { linkTypeForLayer } from './encode-command.js';
import { fragmentForMtu, mtuOption } from './mtu-option.js';

export const BUILD_USAGE = `build EXPR [--hex | --pcap OUT | --pcapng OUT | --json] [--dump | --diagram] [--mtu N]
      Build one packet from a layer expression, e.g. 'ipv4(dst=127.0.0.1,ttl=3)/udp(dstPort=33434)/raw(hex=00ff)'
      (see docs/expressions.md), or one per value of its ranges (dstPort=80-90,
      dst=192.0.2.0/28, dstPort=(22|80)): hex (the default; a decoded tree first on a
      terminal), a capture file, or JSON (the decode --json format), one packet a line.
      --dump     a decoded tree and a hexdump (offset, hex, ASCII) instead of the hex line
      --diagram  each layer as an RFC-style byte-layout diagram labelled with its values
      --mtu N    fragment the IP datagram for a link MTU of N bytes (IP header included): one
                 output per fragment (a datagram that fits stays whole)`;

export async function buildCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: { hex: { type: 'boolean' }, pcap: { type: 'string' }, pcapng: { type: 'string' }, json: { type: 'boolean' }, dump: { type: 'boolean' }, diagram: { type: 'boolean' }, mtu: { type: 'string' } },
  }, 'build: ', usageHint(BUILD_USAGE));
  if (positionals.length !== 1) throw new CliError(`build: expected one EXPR (quote it), got ${listOrNone(positionals)}${usageHint(BUILD_USAGE)}`);
  const modes = [values.hex, values.pcap !== undefined, values.pcapng !== undefined, values.json, values.dump, values.diagram].filter(Boolean).length;
  if (modes > 1) throw new CliError('build: give one of --hex, --pcap, --pcapng, --json, --dump and --diagram');
  // One packet, or one per value of the expression's ranges (docs/expressions.md); expand()
  // checks every value first, so an expression that fails writes nothing.
  const expanded = expand(positionals[0]);
  const mtu = mtuOption('build', values.mtu);
  const unroutedSeen = new Set<string>();
  const packets = async function* (): AsyncGenerator<{ bytes: Uint8Array; from: string }> {
    for (const parsed of expanded) {
      // A source left out is the one this host would send from towards the destination (as `send` does).
      const { layers, unrouted } = await withRouteSource(parsed);
      if (unrouted !== undefined && !unroutedSeen.has(unrouted)) {
        unroutedSeen.add(unrouted);
        io.error(`rawcraft: warning: no route to ${unrouted}: the source is the codec's default (give src= to choose it)`);
      }
      const whole = encodeLayers(layers, { onWarning: (w) => io.error(`rawcraft: warning: ${w.message}`) });
      const from = layers[0].layer;
      for (const bytes of mtu === undefined ? [whole] : fragmentForMtu('build', whole, from, mtu)) yield { bytes, from };
    }
  };
  const out = values.pcap ?? values.pcapng;
  if (out !== undefined) {
    const linkType = linkTypeForLayer(expanded.at(0)[0].layer);
    const writer = values.pcap !== undefined ? createCaptureWriter(out, { format: 'pcap', linkType }) : createCaptureWriter(out, { format: 'pcapng' });
    try {
      let i = 0;
      for await (const { bytes } of packets()) await writer.write({ data: bytes, timestampNs: DEFAULT_EPOCH_NS + BigInt(i++) * 1_000_000n, linkType });
    } catch (error) {
      writer.abort(); // a failed run leaves no half-written file
      throw error;
    }
    await writer.close();
    return EXIT_OK;
  }
  // Written in batches of lines: a range may give a million packets.
  const lines = new BatchedOutput(io);
  let i = 0;
  try {
    for await (const { bytes, from } of packets()) {
      let text: string;
      if (values.json) text = JSON.stringify(packetToJson(i, decode(bytes, { from, mode: 'lax' }))) + '\n';
      else if (values.diagram) text = `${i > 0 ? '\n' : ''}${packetDiagram(decode(bytes, { from, mode: 'lax' }))}\n`;
      else if (values.dump) text = `${i > 0 ? '\n' : ''}${show(decode(bytes, { from, mode: 'lax' }))}\n${hexdump(bytes)}\n`;
      else text = `${io.tty && !values.hex ? show(decode(bytes, { from, mode: 'lax' })) + '\n' : ''}${Buffer.from(bytes).toString('hex')}\n`;
      const wait = lines.add(text);
      if (wait) await wait;
      i++;
    }
  } finally {
    await lines.flush();
  }
  return EXIT_OK;
}
