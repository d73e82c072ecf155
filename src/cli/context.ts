import type { Readable } from 'node:stream';

/** What a command may touch: streams passed in, so commands are testable without a process. */
export interface CliContext {
  readonly stdin: Readable;
  /** Write to stdout, waiting for drain (so piping to `head` and large outputs behave). */
  write(text: string): Promise<void>;
  /** Write a line to stderr. */
  error(text: string): void;
  /** True when stdout is a terminal (colour, progress lines). */
  readonly tty: boolean;
  /** Replace the live progress line (a terminal only; absent otherwise). An empty text clears it. */
  readonly progress?: (text: string) => void;
}
