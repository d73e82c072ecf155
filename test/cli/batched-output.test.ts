/**
 * Output of the per-packet commands (listen, decode, encode, build, fuzz) goes out in batches:
 * one write per turn of the event loop or per 64 KiB, not one per packet, with one write at a
 * time waiting on the stream, nothing lost, nothing reordered, and what was written before an
 * error printed before it.
 */
import { describe, expect, it } from 'vitest';
import { BatchedOutput } from '../../src/cli/batched-output.js';
import { ipv4 } from '../../src/builders/packet.js';
import { runInProcess } from './in-process.js';

/** A stream that takes each write after `delayMs` (0: at once), counting writes and how many wait at a time. */
function slowStream(delayMs: number) {
  const writes: string[] = [];
  let pending = 0;
  let mostPending = 0;
  return {
    writes,
    mostPending: () => mostPending,
    write: (text: string) => {
      writes.push(text);
      if (delayMs === 0) return Promise.resolve();
      pending++;
      mostPending = Math.max(mostPending, pending);
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          pending--;
          resolve();
        }, delayMs),
      );
    },
  };
}

describe('BatchedOutput', () => {
  it('writes the lines of one turn of the event loop together, in order', async () => {
    const stream = slowStream(0);
    const out = new BatchedOutput(stream);
    for (let i = 0; i < 1000; i++) expect(out.add(`line ${i}\n`)).toBeUndefined();
    expect(stream.writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.writes.length).toBe(1);
    expect(stream.writes[0]).toBe(Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join(''));
  });

  it('under backpressure: one write waits at a time, full batches make the caller wait, and everything arrives in order', async () => {
    const stream = slowStream(5);
    const out = new BatchedOutput(stream);
    const line = (i: number) => `${String(i).padStart(8, '0')} ${'x'.repeat(90)}\n`;
    let waited = 0;
    for (let i = 0; i < 5000; i++) {
      const wait = out.add(line(i));
      if (wait) {
        waited++;
        await wait;
      }
      // Turns of the event loop in between, as a receive loop gives them.
      if (i % 97 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await out.flush();
    expect(stream.writes.join('')).toBe(Array.from({ length: 5000 }, (_, i) => line(i)).join(''));
    expect(stream.mostPending()).toBe(1);
    expect(waited).toBeGreaterThan(0);
    expect(stream.writes.length).toBeLessThan(500);
  });

  it('decode prints the packets before a bad one, then the error (strict mode)', async () => {
    const good = ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ srcPort: 1, dstPort: 2 }).encode().toString('hex');
    const r = await runInProcess(['decode', '--json', '--from', 'ipv4', '--hex', good, '--hex', good, '--hex', '4500']);
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { index: number }).index)).toEqual([0, 1]);
    expect(r.stderr).toMatch(/packet 2:/);
  });
});
