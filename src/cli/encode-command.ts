/** `rawcraft encode [FILE|-] [--hex | --json | --pcap OUT | --pcapng OUT] [--fix-checksums]`: JSON lines (the decode --json format) to bytes. */
import { decode } from '../codec/decode.js';
import { encodeLayers, type EncodableLayer } from '../codec/encode.js';
import { InputError, RawcraftError } from '../codec/errors.js';
import { layersFromJson } from '../codec/json.js';
import { createCaptureWriter, linkTypeForLayer, type PcapWriter, type PcapngWriter } from '../capture/index.js';
import { codecByName } from '../codec/registry.js';
import { parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_OK } from './cli-error.js';
import { readLines } from './input.js';
import type { CliContext } from './context.js';
import { BatchedOutput } from './batched-output.js';

export const ENCODE_USAGE = `encode [FILE|-] [--hex | --json | --pcap OUT | --pcapng OUT] [--fix-checksums]
      Encode JSON lines (the decode --json format) to hex lines (the default), JSON lines
      ({index, length, hex}) or a capture file. A field present is written as given; a field
      removed is computed. --fix-checksums recomputes every checksum the given fields leave
      wrong (after editing a field with jq, say), instead of writing it as given.`;

export interface EncodeArgs {
  file: string | undefined;
  pcap: string | undefined;
  pcapng: string | undefined;
  json?: boolean;
  fixChecksums?: boolean;
}

export async function encodeCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: { hex: { type: 'boolean' }, json: { type: 'boolean' }, pcap: { type: 'string' }, pcapng: { type: 'string' }, 'fix-checksums': { type: 'boolean' } },
  }, 'encode: ', usageHint(ENCODE_USAGE));
  if (positionals.length > 1) throw new CliError(`encode: expected at most one FILE, got ${positionals.join(' ')}`);
  const modes = [values.hex, values.json, values.pcap !== undefined, values.pcapng !== undefined].filter(Boolean).length;
  if (modes > 1) throw new CliError('encode: give one of --hex, --json, --pcap and --pcapng');
  return encodePackets({ file: positionals[0], pcap: values.pcap, pcapng: values.pcapng, json: !!values.json, fixChecksums: !!values['fix-checksums'] }, io);
}

/** The capture link type whose records start with this layer. */
export { linkTypeForLayer };

/**
 * Encode, then drop each checksum field the decoder finds wrong in the result and encode again,
 * so the encoder computes it. Inner layers first changes nothing outside them, so one pass
 * fixes what one field edit broke; a second catches a checksum over a fixed inner one.
 */
function encodeFixingChecksums(layers: EncodableLayer[], encode: (layers: EncodableLayer[]) => Buffer): Buffer {
  let bytes = encode(layers);
  for (let pass = 0; pass < 2; pass++) {
    const decoded = decode(bytes, { from: layers[0]?.layer, mode: 'lax' }).layers;
    let changed = false;
    layers = layers.map((layer, i) => {
      if (decoded[i]?.layer !== layer.layer || decoded[i].checksum?.status !== 'invalid' || !layer.fields) return layer;
      const names = (codecByName(layer.layer)?.fields ?? []).filter((f) => f.role === 'checksum').map((f) => f.name);
      // A checksum asked to be wrong ("corrupt") stays wrong.
      if (names.some((name) => layer.corrupt?.includes(name)) || !names.some((name) => name in layer.fields!)) return layer;
      const fields = Object.fromEntries(Object.entries(layer.fields).filter(([name]) => !names.includes(name)));
      changed = true;
      return { ...layer, fields };
    });
    if (!changed) break;
    bytes = encode(layers);
  }
  return bytes;
}

export async function encodePackets(args: EncodeArgs, io: CliContext): Promise<number> {
  if (args.pcap && args.pcapng) throw new CliError('give one of --pcap and --pcapng');
  let writer: PcapWriter | PcapngWriter | undefined;
  let index = 0;
  const out = new BatchedOutput(io);
  try {
    for await (const line of readLines(args.file, io.stdin)) {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new CliError(`packet ${index}: not JSON: ${(error as Error).message}`);
      }
      let bytes: Buffer;
      try {
        // What the RFCs forbid but was asked for (e.g. an SCTP INIT bundled with DATA) is written, with a warning.
        const encode = (layers: EncodableLayer[]) => encodeLayers(layers, { onWarning: (w) => io.error(`rawcraft: warning: packet ${index}: ${w.message}`) });
        const layers = layersFromJson(value, index);
        bytes = args.fixChecksums ? encodeFixingChecksums(layers, encode) : encode(layers);
      } catch (error) {
        if (error instanceof InputError && error.index !== undefined) throw new CliError(error.message);
        if (error instanceof RawcraftError) throw new CliError(`packet ${index}: ${error.message}`);
        throw error;
      }
      const first = (value as { layers: { layer: string }[] }).layers[0]?.layer;
      const stamp = (value as { timestampNs?: unknown }).timestampNs;
      const timestampNs = typeof stamp === 'string' && /^\d+$/.test(stamp) ? BigInt(stamp) : BigInt(Date.now()) * 1_000_000n;
      if (args.pcap || args.pcapng) {
        const linkType = linkTypeForLayer(first);
        writer ??= args.pcap ? createCaptureWriter(args.pcap, { format: 'pcap', linkType }) : createCaptureWriter(args.pcapng!, { format: 'pcapng' });
        if (args.pcap && linkType !== (writer as PcapWriter).linkType) {
          throw new CliError(`packet ${index}: starts with ${first} but the pcap file's link type is ${(writer as PcapWriter).linkType}; use --pcapng for mixed link types`);
        }
        await writer.write({ data: bytes, timestampNs, linkType });
      } else {
        const wait = out.add(args.json ? JSON.stringify({ index, length: bytes.length, hex: bytes.toString('hex') }) + '\n' : bytes.toString('hex') + '\n');
        if (wait) await wait;
      }
      index++;
    }
  } catch (error) {
    // A failed run leaves no half-written file.
    writer?.abort();
    throw error;
  } finally {
    // Lines encoded before an error are printed before it.
    await out.flush();
  }
  await writer?.close();
  return EXIT_OK;
}
