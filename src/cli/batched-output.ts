/**
 * Lines for stdout written in batches: one write per burst of packets, not one per packet.
 * Node writes to a pipe with one synchronous system call per write, which wakes the reader each
 * time; at 100,000 packets a second (`rawcraft listen --json | jq`) that cost more than
 * receiving and decoding them, and the socket's queue overflowed. A line waits at most until
 * the event loop next turns (or until 64 KiB are queued), so a terminal still shows each packet
 * as it comes.
 */
import type { CliContext } from './context.js';

const BATCH_CHARS = 64 * 1024;

export class BatchedOutput {
  #text = '';
  #flushSoon: NodeJS.Immediate | undefined;
  #written: Promise<void> = Promise.resolve();

  constructor(private readonly io: Pick<CliContext, 'write'>) {}

  /**
   * Queue `text`. Returns a promise only when a full batch went out and the stream asked to wait
   * (backpressure): `const wait = out.add(line); if (wait) await wait;`.
   */
  add(text: string): Promise<void> | undefined {
    this.#text += text;
    if (this.#text.length >= BATCH_CHARS) return this.flush();
    this.#flushSoon ??= setImmediate(() => void this.flush());
    return undefined;
  }

  /**
   * Write what is queued, after the previous write has drained (one write waits on the stream at
   * a time); resolves when the stream has taken everything queued so far.
   */
  async flush(): Promise<void> {
    if (this.#flushSoon !== undefined) {
      clearImmediate(this.#flushSoon);
      this.#flushSoon = undefined;
    }
    while (this.#text !== '') {
      await this.#written;
      // Another flush may have taken the text meanwhile.
      if (this.#text === '') break;
      const text = this.#text;
      this.#text = '';
      this.#written = this.io.write(text);
    }
    return this.#written;
  }
}
