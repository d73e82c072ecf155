/**
 * A FIFO of incoming chunks that hands out exact byte counts. Readers push whatever chunk sizes
 * a stream delivers and take whole headers/records out, so a record may span any number of chunks.
 * Only bytes not yet taken are kept, which keeps memory bounded by one record plus one chunk.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Index of the first live chunk; consumed chunks before it are dropped lazily. */
  private first = 0;
  /** Bytes of `chunks[first]` already consumed. */
  private head = 0;
  /** Bytes pushed and not yet taken. */
  available = 0;
  /** Absolute offset (in the whole input) of the first byte not yet taken. */
  offset = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    this.available += chunk.length;
  }

  /** The next `n` bytes without consuming them, or null if fewer are available. May share memory with the input. */
  peek(n: number): Buffer | null {
    if (this.available < n) return null;
    if (n === 0) return Buffer.alloc(0);
    const firstChunk = this.chunks[this.first];
    if (firstChunk.length - this.head >= n) return firstChunk.subarray(this.head, this.head + n);
    // The bytes span chunks: gather them into one buffer.
    const out = Buffer.allocUnsafe(n);
    let copied = 0;
    let index = this.first;
    let pos = this.head;
    while (copied < n) {
      const chunk = this.chunks[index];
      const count = Math.min(chunk.length - pos, n - copied);
      chunk.copy(out, copied, pos, pos + count);
      copied += count;
      index++;
      pos = 0;
    }
    return out;
  }

  /** Consume and return the next `n` bytes, or null (consuming nothing) if fewer are available. */
  take(n: number): Buffer | null {
    const bytes = this.peek(n);
    if (bytes === null) return null;
    this.skip(n);
    return bytes;
  }

  private skip(n: number): void {
    this.available -= n;
    this.offset += n;
    let left = n;
    while (left > 0) {
      const rest = this.chunks[this.first].length - this.head;
      if (left < rest) {
        this.head += left;
        return;
      }
      left -= rest;
      this.first++;
      this.head = 0;
    }
    // Drop consumed chunks now and then, so a stream of tiny chunks does not grow the array forever.
    if (this.first > 64 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }
}
