/** `rawcraft decode [FILE|-] [--hex HEX ...] [--json] [--lax]`: print packets as trees or JSON lines. */
import { decode } from '../codec/decode.js';
import { PacketError } from '../codec/errors.js';
import { packetToJson } from '../codec/json.js';
import { hexdump, show, summary } from '../codec/print.js';
import { CliError, EXIT_OK } from './cli-error.js';
import { readPackets } from './input.js';
import type { CliContext } from './context.js';

export interface DecodeArgs {
  file: string | undefined;
  hex: string[];
  json: boolean;
  lax: boolean;
  dump: boolean;
}

export async function decodeCommand(args: DecodeArgs, io: CliContext): Promise<number> {
  if (args.file === undefined && !args.hex.length) args.file = '-';
  for await (const input of readPackets(args.file, args.hex, io.stdin, { strict: !args.lax })) {
    let packet;
    try {
      packet = decode(input.bytes, { from: input.from, mode: args.lax ? 'lax' : 'strict' });
    } catch (error) {
      if (error instanceof PacketError) throw new CliError(`packet ${input.index}: ${error.message} (use --lax to decode what can be read)`);
      throw error;
    }
    // What the capture file says about the record (lax mode) comes first.
    if (input.issues) packet.issues.unshift(...input.issues);
    if (args.json) {
      await io.write(JSON.stringify(packetToJson(input.index, packet, input.timestampNs)) + '\n');
    } else {
      const dump = args.dump ? `\n${hexdump(input.bytes)}` : '';
      await io.write(`#${input.index} ${summary(packet)}\n${show(packet)}${dump}\n\n`);
    }
  }
  return EXIT_OK;
}
