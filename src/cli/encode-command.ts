/** `rawcraft encode [FILE|-] [--hex | --pcap OUT | --pcapng OUT]`: JSON lines (the decode --json format) to bytes. */
import { encodeLayers } from '../codec/encode.js';
import { InputError, RawcraftError } from '../codec/errors.js';
import { layersFromJson } from '../codec/json.js';
import { createCaptureWriter, LinkType, type PcapWriter, type PcapngWriter } from '../capture/index.js';
import { CliError, EXIT_OK } from './cli-error.js';
import { readLines } from './input.js';
import type { CliContext } from './context.js';

export interface EncodeArgs {
  file: string | undefined;
  pcap: string | undefined;
  pcapng: string | undefined;
}

/** The capture link type whose records start with this layer. */
export function linkTypeForLayer(layer: string | undefined): number {
  if (layer === 'ethernet') return LinkType.ETHERNET;
  if (layer === 'linux-sll') return LinkType.LINUX_SLL;
  return LinkType.RAW;
}

export async function encodeCommand(args: EncodeArgs, io: CliContext): Promise<number> {
  if (args.pcap && args.pcapng) throw new CliError('give one of --pcap and --pcapng');
  let writer: PcapWriter | PcapngWriter | undefined;
  let index = 0;
  try {
    for await (const line of readLines(args.file, io.stdin)) {
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new CliError(`packet ${index}: not JSON: ${(error as Error).message}`);
      }
      let bytes: Buffer;
      try {
        // What the RFCs forbid but was asked for (e.g. an SCTP INIT bundled with DATA) is written, with a warning.
        bytes = encodeLayers(layersFromJson(value, index), { onWarning: (w) => io.error(`rawcraft: warning: packet ${index}: ${w.message}`) });
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
        await io.write(bytes.toString('hex') + '\n');
      }
      index++;
    }
  } catch (error) {
    // A failed run leaves no half-written file.
    writer?.abort();
    throw error;
  }
  await writer?.close();
  return EXIT_OK;
}
