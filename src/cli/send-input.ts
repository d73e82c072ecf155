/**
 * Packets for `rawcraft send`: pcap or pcapng (by magic number), or text where each line is
 * either hex or a JSON packet in the `decode --json` format (told apart per line by its first
 * character). `--hex` arguments come first.
 */
import type { Readable } from 'node:stream';
import { encodeLayers } from '../codec/encode.js';
import { RawcraftError } from '../codec/errors.js';
import { layersFromJson } from '../codec/json.js';
import { CliError } from './cli-error.js';
import { hexPacketLine, readInput, type LineReader } from './input.js';

export interface SendInput {
  readonly index: number;
  readonly bytes: Uint8Array;
  /** The first layer (`auto`: hex input with no --from, the first layer still to be decided). */
  readonly from: string;
}

/**
 * Every packet of the input, in order. An expression that leaves the IP source out gets the
 * source this host would send from towards its destination (withRouteSource), as `build` shows.
 */
export async function* readSendInput(file: string | undefined, hexArgs: readonly string[], stdin: Readable, textFrom?: string): AsyncGenerator<SendInput> {
  // readInput takes expressions too (expr-input.ts: ranges expanded, the source filled in).
  for await (const { index, bytes, from } of readInput(file, hexArgs, stdin, sendLine, textFrom === undefined ? {} : { textFrom })) yield { index, bytes, from };
}

/** A JSON packet line (first character `{`) or a hex line. */
const sendLine: LineReader = (line, index) => {
  const trimmed = line.trim();
  return trimmed.startsWith('{') ? jsonPacket(trimmed, index) : hexPacketLine(line, index);
};

function jsonPacket(line: string, index: number): { bytes: Buffer; from: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new CliError(`packet ${index}: not JSON: ${(error as Error).message}`);
  }
  try {
    const layers = layersFromJson(value, index);
    return { bytes: encodeLayers(layers), from: layers[0]?.layer ?? 'raw' };
  } catch (error) {
    if (error instanceof RawcraftError) throw new CliError(`packet ${index}: ${error.message}`);
    throw error;
  }
}
