/**
 * Output files that appear whole or not at all: the bytes go to a hidden temporary file in the
 * same directory, renamed over the target by `commit()` (rename is atomic within a file
 * system) and removed by `discard()`, by a failed run, at process exit and on Ctrl-C. A target
 * that is not a regular file (a FIFO, /dev/stdout) cannot be replaced: it is written directly.
 */
import { createWriteStream, openSync, renameSync, statSync, unlinkSync, type WriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { CaptureWriteError } from './errors.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EISDIR: 'it is a directory',
};

/** `cannot write PATH: reason` for a failed open or rename. */
export function writeError(path: string, error: unknown): CaptureWriteError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = (code && REASONS[code]) ?? (error instanceof Error ? error.message : String(error));
  return new CaptureWriteError(`cannot write ${path}: ${reason}`, error);
}

/** Temporary files not yet committed or discarded, removed if the process ends first. */
const pending = new Set<AtomicFile>();
let handlersInstalled = false;

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const file of pending) file.discard();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      // A command that stops gracefully on the signal (send, traffic --send) has its own
      // listener and commits or discards its files itself; otherwise end as by default.
      if (process.listenerCount(signal) > 1) return;
      for (const file of pending) file.discard();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    // First in line, so it sees whether the command listens too (a `once` listener removes itself before it runs).
    process.prependListener(signal, onSignal);
  }
}

/**
 * A file written under a temporary name and renamed when complete: a failed run leaves no half-written file.
 * @throws {@link CaptureWriteError} the path cannot be written (at construction) or the file cannot be moved into place (`commit()`).
 * @example
 * {@includeCode ../../examples/api-capture.ts#atomic-file}
 */
export class AtomicFile {
  /** Where the bytes go until `commit()`: a temporary file, or the target itself when it cannot be replaced. */
  readonly writePath: string;
  readonly stream: WriteStream;
  private done = false;

  /** Create the temporary file now; throws CaptureWriteError naming `path` when it cannot be written. */
  constructor(readonly path: string) {
    let special = false;
    try {
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      special = stat !== undefined && !stat.isFile();
    } catch (error) {
      throw writeError(path, error);
    }
    this.writePath = special ? path : join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    let fd: number;
    try {
      fd = openSync(this.writePath, special ? 'w' : 'wx');
    } catch (error) {
      throw writeError(path, error);
    }
    this.stream = createWriteStream(this.writePath, { fd });
    if (!special) {
      installHandlers();
      pending.add(this);
    }
  }

  /** The stream has been ended: wait for it to flush, then move the file into place. */
  async commit(): Promise<void> {
    if (this.done) return;
    await finished(this.stream);
    this.done = true;
    pending.delete(this);
    if (this.writePath === this.path) return;
    try {
      renameSync(this.writePath, this.path);
    } catch (error) {
      this.removeTemporary();
      throw writeError(this.path, error);
    }
  }

  /** Drop what was written (synchronous, so it also works at exit and on a signal). */
  discard(): void {
    if (this.done) return;
    this.done = true;
    pending.delete(this);
    this.stream.destroy();
    this.removeTemporary();
  }

  private removeTemporary(): void {
    if (this.writePath === this.path) return;
    try {
      unlinkSync(this.writePath);
    } catch {
      // Already gone.
    }
  }
}
