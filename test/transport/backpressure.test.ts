/** The backpressure policy (no sockets): bounded retries with growing waits, counted; other errors pass through. */
import { describe, expect, it } from 'vitest';
import { retryOnBackpressure, backpressurePolicy, isBackpressure } from '../../src/transport/transports/backpressure.js';
import { TransportArgumentError, TransportError } from '../../src/transport/index.js';

const error = (errnoName: string) => new TransportError({ syscall: 'sendto', errno: errnoName === 'ENOBUFS' ? 105 : 11, errnoName, platform: 'linux', size: 100, address: '127.0.0.1' });

describe('backpressure', () => {
  it('retries ENOBUFS and EAGAIN, counting the retries', async () => {
    let calls = 0;
    const r = await retryOnBackpressure(() => {
      if (++calls < 4) throw error(calls % 2 ? 'ENOBUFS' : 'EAGAIN');
      return 'sent';
    }, backpressurePolicy({ initialDelayMs: 1 }));
    expect(r).toEqual({ value: 'sent', retries: 3 });
  });

  it('gives up after maxRetries with the TransportError (nothing dropped silently), waiting about 1+2+4 ms', async () => {
    let calls = 0;
    const t0 = performance.now();
    await expect(retryOnBackpressure(() => {
      calls++;
      throw error('ENOBUFS');
    }, backpressurePolicy({ maxRetries: 3 }))).rejects.toMatchObject({ errnoName: 'ENOBUFS', remedy: expect.stringMatching(/Backpressure/) });
    expect(calls).toBe(4);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(6);
  });

  it('other errors are thrown at once; bad policies are refused', async () => {
    let calls = 0;
    await expect(retryOnBackpressure(() => {
      calls++;
      throw error('EPERM');
    }, backpressurePolicy(undefined))).rejects.toMatchObject({ errnoName: 'EPERM' });
    expect(calls).toBe(1);
    expect(isBackpressure(new Error('ENOBUFS'))).toBe(false);
    expect(() => backpressurePolicy({ maxRetries: -1 })).toThrow(TransportArgumentError);
  });
});
