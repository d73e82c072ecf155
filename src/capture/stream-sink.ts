import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { CaptureWriteError } from './errors.js';

/**
 * Writes buffers to a Writable with backpressure: `write()` resolves at once while the stream's
 * buffer has room and waits for 'drain' when `stream.write()` says it is full.
 */
export class StreamSink {
  private failure: Error | null = null;
  private drain: Promise<void> | null = null;
  private ended = false;

  constructor(private readonly stream: Writable) {
    // Keep stream errors from going unhandled; they are reported by the next write() or close().
    stream.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  /** Queue `bytes` synchronously (so calls keep their order) and wait if the stream is full. */
  async write(bytes: Buffer): Promise<void> {
    this.writeNow(bytes);
    if (this.drain) await this.drain;
  }

  /** Queue `bytes` without waiting; the next write() or close() waits for any backpressure. */
  writeNow(bytes: Buffer): void {
    this.check();
    if (!this.stream.write(bytes) && this.drain === null) {
      this.drain = waitForDrain(this.stream).finally(() => {
        this.drain = null;
      });
      // Nobody may await this one (e.g. a header written from a constructor); the failure is kept anyway.
      this.drain.catch(() => undefined);
    }
  }

  /** The wait for 'drain' when the stream is full, else null: what a caller that writes with writeNow awaits. */
  get pending(): Promise<void> | null {
    return this.drain;
  }

  /** End the stream and resolve once everything is flushed (and a file stream is closed). */
  async close(): Promise<void> {
    this.check();
    this.ended = true;
    this.stream.end();
    try {
      await finished(this.stream);
    } catch (error) {
      throw new CaptureWriteError(`capture writer: the destination failed: ${describe(error)}`, error);
    }
  }

  /** Stop without flushing: the stream is destroyed; later writes fail. */
  abort(): void {
    this.ended = true;
    this.stream.destroy();
  }

  private check(): void {
    if (this.ended) throw new CaptureWriteError('capture writer: already closed');
    if (this.failure) {
      throw new CaptureWriteError(`capture writer: the destination failed: ${describe(this.failure)}`, this.failure);
    }
    // A destroyed stream would never emit 'drain' or 'finish'; fail instead of hanging.
    if (this.stream.destroyed || this.stream.writableEnded) {
      throw new CaptureWriteError('capture writer: the destination stream is already closed');
    }
  }
}

function waitForDrain(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new CaptureWriteError(`capture writer: the destination failed: ${describe(error)}`, error));
    };
    const onClose = (): void => {
      cleanup();
      reject(new CaptureWriteError('capture writer: the destination closed before it drained'));
    };
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
