/**
 * Opening a CLI input (a path, or `-` for stdin) as a stream of chunks whose first bytes can be
 * looked at before anything is consumed, so a pipe, a FIFO or /dev/stdin work like a file. Every
 * way opening or reading can fail becomes one line naming the input, never a stack trace.
 */
import { closeSync, createReadStream, fstat, open } from 'node:fs';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { CliError } from './cli-error.js';

export interface OpenedInput {
  /** `stdin` or the path, for messages. */
  readonly name: string;
  /** The first bytes (at least 4 unless the input is shorter; empty for an empty input). */
  readonly head: Buffer;
  /** Every chunk, from the first byte on (the head included). Read once. */
  readonly chunks: AsyncIterable<Buffer>;
  /** Stop reading without consuming `chunks` (releases the file). */
  close(): void;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  ENXIO: 'no such device (a FIFO without a writer, or a socket)',
  EMFILE: 'too many open files',
};

/** A one-line error for a failed open or read of `name`. */
export function inputError(name: string, error: unknown, verb: 'open' | 'read' = 'read'): CliError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = (code && REASONS[code]) ?? (error instanceof Error ? error.message : String(error));
  return new CliError(`cannot ${verb} ${name}: ${reason}`);
}

/** Open `file` (`-`: stdin) and read up to its first 4 bytes. */
export async function openInput(file: string, stdin: Readable): Promise<OpenedInput> {
  if (file === '-') return peek('stdin', stdin);
  // A plain descriptor (not a FileHandle): the stream closes it when it ends or is destroyed.
  const fd = await promisify(open)(file, 'r').catch((error: unknown) => {
    throw inputError(file, error, 'open');
  });
  try {
    if ((await promisify(fstat)(fd)).isDirectory()) throw inputError(file, Object.assign(new Error('directory'), { code: 'EISDIR' }), 'open');
  } catch (error) {
    closeSync(fd);
    throw error instanceof CliError ? error : inputError(file, error, 'open');
  }
  return peek(file, createReadStream(file, { fd }));
}

/** Read chunks until 4 bytes have arrived; the rest follows in `chunks`. */
async function peek(name: string, stream: Readable): Promise<OpenedInput> {
  const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let have = 0;
  let ended = false;
  try {
    while (have < 4) {
      const step = await iterator.next();
      if (step.done) {
        ended = true;
        break;
      }
      const chunk = toBuffer(step.value);
      first.push(chunk);
      have += chunk.length;
    }
  } catch (error) {
    stream.destroy();
    throw inputError(name, error);
  }
  const head = Buffer.concat(first);
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      if (head.length) yield head;
      if (ended) return;
      for (let step = await next(); !step.done; step = await next()) yield toBuffer(step.value);
    } finally {
      // Also when the reader stops early (an error in a later line): release the file.
      stream.destroy();
    }
  }
  const next = () =>
    iterator.next().catch((error: unknown) => {
      throw inputError(name, error);
    });
  return { name, head, chunks: chunks(), close: () => stream.destroy() };
}

function toBuffer(chunk: unknown): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array);
}

/** Whether the first bytes look like text (hex, JSON, a dump): no control bytes but tab, CR, LF, FF. */
export function looksLikeText(head: Buffer): boolean {
  for (const b of head.subarray(0, 512)) if ((b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12) || b === 0x7f) return false;
  return true;
}

/** `xx xx xx xx`: the first bytes, for a message about a file of unknown type. */
export function firstBytes(head: Buffer): string {
  return [...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The lines of a chunk stream (UTF-8; `\n` or `\r\n`), without their line ends. */
export async function* linesOf(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of chunks) {
    pending += decoder.write(chunk);
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const line of parts) yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
  pending += decoder.end();
  if (pending) yield pending.endsWith('\r') ? pending.slice(0, -1) : pending;
}
