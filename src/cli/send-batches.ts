/**
 * The unpaced part of `rawcraft send` on the raw and link transports: the input repeated
 * --count times, in sendMany calls of whole rounds of the input (about SEND_CHUNK packets), so
 * each call makes one pre-flight decision per distinct input packet, and the list it sends is
 * built once and reused.
 *
 * Nothing is lost silently, and failures stay cheap: a packet the OS refuses is counted through
 * sendMany's `onFailure` (the call carries on after it; no error object is made unless it is
 * shown); a packet pre-flight refuses is dropped with all its copies, each counted as failed.
 */
import { PreflightError } from '../transport/preflight/index.js';
import type { FramedBytes, SendManyResult, Transport } from '../transport/transport.js';

/** Packets per sendMany call when --count repeats a short input (rounded down to whole rounds of the input). */
export const SEND_CHUNK = 4096;

/** What the loop reports to the command as it goes. */
export interface BatchHooks {
  /** A call went out: `bytes` counts its whole datagrams (or frames) that were sent. */
  readonly sent: (result: SendManyResult, bytes: number) => void;
  /** A copy of input packet `input` failed; `kind` is its errno name or error code; `error()` makes the error (only for failures shown). */
  readonly failed: (input: number, kind: string, error: () => unknown) => void;
  /**
   * A call threw before sending anything, for no packet in particular (not a pre-flight
   * refusal): send its packets one by one instead, each failure counted on its own.
   * Throws what ends the run.
   */
  readonly sendOne: (input: number) => Promise<void>;
  /** Errors that end the run rather than fail packets (pre-flight refusing the socket or interface itself, say). */
  readonly endsRun: (error: unknown) => boolean;
  /** Called after each call (progress, and a chance for Ctrl-C); the loop stops once `stop` is true. */
  readonly between: () => Promise<void>;
  readonly interrupt: { readonly stop: boolean };
}

/** Send `count` rounds of `packets` (packet k of the run is input packet k % packets.length). */
export async function sendInBatches(transport: Transport, packets: readonly FramedBytes[], count: number, hooks: BatchHooks): Promise<void> {
  const roundsPerCall = Math.max(1, Math.floor(SEND_CHUNK / packets.length));
  // The input packets still sent, by input index, and the ones pre-flight refused.
  let live = packets.map((_, i) => i);
  const refused: { input: number; error: PreflightError }[] = [];
  let list: FramedBytes[] = [];
  let listRounds = 0;
  let failedBytes = 0;
  const onFailure = (index: number, kind: string, error: () => unknown) => {
    const input = live[index % live.length];
    failedBytes += packets[input].bytes.length;
    hooks.failed(input, kind, error);
  };
  for (let round = 0; round < count && !hooks.interrupt.stop; ) {
    const rounds = Math.min(roundsPerCall, count - round);
    while (live.length > 0) {
      if (listRounds !== rounds) {
        list = repeated(live.map((i) => packets[i]), rounds);
        listRounds = rounds;
      }
      failedBytes = 0;
      try {
        const r = await transport.sendMany(list, { onFailure });
        hooks.sent(r, roundBytes(packets, live) * rounds - failedBytes);
        break;
      } catch (error) {
        if (hooks.endsRun(error)) throw error;
        if (error instanceof PreflightError && error.index !== undefined) {
          // Pre-flight refuses before any system call: nothing of the call went out. It refuses
          // every copy of that input packet alike: drop them all and send the call again.
          const input = live[error.index % live.length];
          refused.push({ input, error });
          live = live.filter((i) => i !== input);
          listRounds = 0;
          continue;
        }
        // Nothing of the call went out either (the transports work out the whole call before
        // its first system call, and failed system calls come through onFailure).
        for (let j = 0; j < list.length; j++) await hooks.sendOne(live[j % live.length]);
        break;
      }
    }
    for (const r of refused) for (let k = 0; k < rounds; k++) hooks.failed(r.input, r.error.code, () => r.error);
    round += rounds;
    await hooks.between();
  }
}

/** `packets` repeated `rounds` times, in order. */
function repeated(packets: readonly FramedBytes[], rounds: number): FramedBytes[] {
  if (packets.length === 1) return new Array<FramedBytes>(rounds).fill(packets[0]);
  const list = new Array<FramedBytes>(packets.length * rounds);
  for (let j = 0; j < list.length; j++) list[j] = packets[j % packets.length];
  return list;
}

/** Bytes of one round of the live input packets. */
function roundBytes(packets: readonly FramedBytes[], live: readonly number[]): number {
  let sum = 0;
  for (const i of live) sum += packets[i].bytes.length;
  return sum;
}
