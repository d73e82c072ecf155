/** `rawcraft decode [FILE|-] [--hex HEX ...] [--json] [--lax] [--dump]`: print packets as trees or JSON lines. */
import { decode } from '../codec/decode.js';
import { decodeLinkType } from '../capture/decode-record.js';
import { PacketError } from '../codec/errors.js';
import { packetToJson } from '../codec/json.js';
import { hexdump, show, summary } from '../codec/print.js';
import { parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_OK } from './cli-error.js';
import { readPackets } from './input.js';
import { fromOption, FROM_USAGE } from './from-option.js';
import type { CliContext } from './context.js';
import { BatchedOutput } from './batched-output.js';

export interface DecodeArgs {
  file: string | undefined;
  hex: string[];
  json: boolean;
  lax: boolean;
  dump: boolean;
  /** First layer of hex input (--from). */
  from?: string | undefined;
}

export const DECODE_USAGE = `decode [EXPR|FILE|-] [--hex HEX ...] [--from LAYER] [--json] [--lax] [--dump]
      Decode pcap, pcapng, hex lines (one packet per line) or an expression; print a tree (with
      --dump a hexdump too), or JSON lines. --lax decodes what can be read of a broken packet.
      ${FROM_USAGE}.`;

export async function decodeCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: { hex: { type: 'string', multiple: true }, from: { type: 'string' }, json: { type: 'boolean' }, lax: { type: 'boolean' }, dump: { type: 'boolean' } },
  }, 'decode: ', usageHint(DECODE_USAGE));
  if (positionals.length > 1) throw new CliError(`decode: expected at most one FILE, got ${positionals.join(' ')}`);
  return decodePackets({ file: positionals[0], hex: values.hex ?? [], json: !!values.json, lax: !!values.lax, dump: !!values.dump, from: fromOption('decode', values.from) }, io);
}

export async function decodePackets(args: DecodeArgs, io: CliContext): Promise<number> {
  if (args.file === undefined && !args.hex.length) args.file = '-';
  const mode = args.lax ? 'lax' : 'strict';
  const out = new BatchedOutput(io);
  try {
    // Lax mode decodes the packets of every interface it can and keeps the others raw, with an issue.
    for await (const input of readPackets(args.file, args.hex, io.stdin, { strict: !args.lax, keepUnsupportedLinkTypes: true, ...(args.from !== undefined && { textFrom: args.from }) })) {
      let packet;
      try {
        packet = input.linkType === undefined ? decode(input.bytes, { from: input.from, mode }) : decodeLinkType(input.bytes, input.linkType, { mode, interfaceId: input.interfaceId });
      } catch (error) {
        if (error instanceof PacketError) throw new CliError(`packet ${input.index}: ${error.message} (use --lax to decode what can be read)`);
        throw error;
      }
      // What the capture file says about the record (lax mode) comes first.
      if (input.issues) packet.issues.unshift(...input.issues);
      const dump = args.dump ? `\n${hexdump(input.bytes)}` : '';
      const wait = out.add(args.json ? JSON.stringify(packetToJson(input.index, packet, input.timestampNs)) + '\n' : `#${input.index} ${summary(packet)}\n${show(packet)}${dump}\n\n`);
      if (wait) await wait;
    }
  } finally {
    // What was decoded before an error is printed before it.
    await out.flush();
  }
  return EXIT_OK;
}
