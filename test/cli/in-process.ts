/**
 * The CLI run in-process through `run(argv, io)` (src/cli/main.ts), with the exit code the
 * program would give: a CliError's code, 2 for any other typed (Rawcraft) error, and 70 for
 * anything else (an internal error: a bug). Fast enough for thousands of runs.
 */
import { Readable } from 'node:stream';
import { run } from '../../src/cli/main.js';
import { CliError } from '../../src/cli/cli-error.js';
import { RawcraftError } from '../../src/codec/errors.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The error that would have been an internal error (exit 70), with its stack. */
  internal?: unknown;
}

export async function runInProcess(argv: string[], stdin: string | Buffer = ''): Promise<InProcessResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdin: Readable.from(stdin.length ? [Buffer.from(stdin)] : []),
    tty: false,
    write: async (text: string) => {
      out.push(text);
    },
    error: (text: string) => {
      err.push(text + '\n');
    },
  };
  let code: number;
  let internal: unknown;
  try {
    code = await run(argv, io);
  } catch (error) {
    if (error instanceof CliError) {
      err.push(`rawcraft: ${error.message}\n`);
      code = error.exitCode;
    } else if (error instanceof RawcraftError) {
      err.push(`rawcraft: ${error.message}\n`);
      code = 2;
    } else {
      err.push(`rawcraft: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
      code = 70;
      internal = error;
    }
  }
  return { code, stdout: out.join(''), stderr: err.join(''), ...(internal !== undefined && { internal }) };
}

/** A stack trace in text: `    at fn (file:line)` lines. */
export const STACK_TRACE = /\n\s+at .+[:(]/;
