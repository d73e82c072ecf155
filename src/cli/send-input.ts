/**
 * Packets for `rawcraft send`: pcap or pcapng (by magic number), or text where each line is
 * either hex or a JSON packet in the `decode --json` format (told apart per line by its first
 * character). `--hex` arguments come first.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { readCapture } from '../capture/index.js';
import { layerForLinkType } from '../codec/decode.js';
import { encodeLayers } from '../codec/encode.js';
import { RawcraftError } from '../codec/errors.js';
import { layersFromJson } from '../codec/json.js';
import { CliError } from './cli-error.js';
import { hexLine } from './input.js';
import { expressionPacket, isExpressionArg } from './expr-input.js';

export interface SendInput {
  readonly index: number;
  readonly bytes: Uint8Array;
  /** The first layer (`auto`: from the IP version nibble). */
  readonly from: string;
}

const CAPTURE_MAGICS = new Set([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a]);

/** Every packet of the input, in order. */
export async function* readSendInput(file: string | undefined, hexArgs: readonly string[], stdin: Readable): AsyncGenerator<SendInput> {
  let index = 0;
  for (const hex of hexArgs) {
    const bytes = hexLine(hex, index);
    if (bytes) yield { index: index++, bytes, from: 'auto' };
  }
  if (file === undefined) return;
  if (isExpressionArg(file)) {
    yield { index: index++, ...expressionPacket(file) };
    return;
  }
  let head: Buffer;
  let text: AsyncIterable<string>;
  let whole: Buffer | undefined;
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    whole = Buffer.concat(chunks);
    head = whole.subarray(0, 4);
  } else {
    head = await peek(file);
  }
  if (head.length >= 4 && CAPTURE_MAGICS.has(head.readUInt32BE(0))) {
    const source = whole ? (async function* () { yield whole; })() : file;
    for await (const record of readCapture(source)) {
      const from = layerForLinkType(record.linkType);
      if (!from) throw new CliError(`packet ${index}: link type ${record.linkType} is not supported (RAW 101, IPV4 228, IPV6 229, ETHERNET 1, LINUX_SLL 113 are)`);
      yield { index: index++, bytes: record.data, from };
    }
    return;
  }
  text = whole
    ? (async function* () { yield* whole.toString('utf8').split(/\r?\n/); })()
    : createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of text) {
    const trimmed = line.trim();
    if (trimmed.startsWith('{')) {
      yield { index, ...jsonPacket(trimmed, index) };
      index++;
      continue;
    }
    const bytes = hexLine(line, index);
    if (bytes) yield { index: index++, bytes, from: 'auto' };
  }
}

function jsonPacket(line: string, index: number): { bytes: Uint8Array; from: string } {
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

async function peek(path: string): Promise<Buffer> {
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`cannot open ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
