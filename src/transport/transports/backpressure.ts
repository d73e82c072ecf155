/**
 * Backpressure: a send that meets ENOBUFS or EAGAIN (the kernel's queue is full) waits and
 * retries, a bounded number of times with growing delays, and the retries are counted. When
 * the retries run out the TransportError is thrown: a packet is never dropped silently.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TransportArgumentError, TransportError } from '../errors.js';

/** How a send retries when the kernel's queue is full (ENOBUFS, EAGAIN): retries and delays. */
export interface BackpressurePolicy {
  /** Retries per send before giving up (default 8). */
  readonly maxRetries: number;
  /** First wait in milliseconds (default 1); doubles each retry. */
  readonly initialDelayMs: number;
  /** Longest single wait in milliseconds (default 64). */
  readonly maxDelayMs: number;
}

/** The default retry policy on a full queue: 8 retries, from 1 ms doubling up to 64 ms. */
export const DEFAULT_BACKPRESSURE: BackpressurePolicy = { maxRetries: 8, initialDelayMs: 1, maxDelayMs: 64 };

/** True for the errors that mean "the queue is full, try again shortly". */
export function isBackpressure(error: unknown): error is TransportError {
  return error instanceof TransportError && isBackpressureErrno(error.errnoName);
}

/** Is this errno name a full queue (ENOBUFS, EAGAIN)? */
export function isBackpressureErrno(errnoName: string): boolean {
  return errnoName === 'ENOBUFS' || errnoName === 'EAGAIN' || errnoName === 'EWOULDBLOCK';
}

/** Check and complete a partial policy. */
export function backpressurePolicy(p: Partial<BackpressurePolicy> | undefined): BackpressurePolicy {
  const policy = { ...DEFAULT_BACKPRESSURE, ...p };
  for (const key of ['maxRetries', 'initialDelayMs', 'maxDelayMs'] as const) {
    const v = policy[key];
    if (!Number.isInteger(v) || v < 0) throw new TransportArgumentError(`backpressure.${key}`, v, 'an integer >= 0');
  }
  return policy;
}

/**
 * Run `attempt` until it does not throw backpressure, waiting between tries. `attempt` may keep
 * its own progress (e.g. a batch resuming after the packets already sent).
 */
export async function retryOnBackpressure<T>(attempt: () => T, policy: BackpressurePolicy, signal?: AbortSignal): Promise<{ value: T; retries: number }> {
  let retries = 0;
  for (;;) {
    try {
      return { value: attempt(), retries };
    } catch (error) {
      if (!isBackpressure(error) || retries >= policy.maxRetries) throw error;
      await backoff(policy, retries++, signal);
    }
  }
}

/** Wait before retry number `attempt` (0-based): initialDelayMs doubled each time, capped at maxDelayMs. */
export function backoff(policy: BackpressurePolicy, attempt: number, signal?: AbortSignal): Promise<void> {
  const delay = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt);
  return sleep(delay, undefined, signal ? { signal } : undefined);
}
