/** Ctrl-C in CLI tests without a race: interrupt a child once it is working, not after a fixed delay. */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether process `pid` has a file under `folder` (or a `socket:`) open (Linux /proc); undefined where /proc cannot tell. */
export function hasFileOpenUnder(pid: number, folder: string): boolean | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(folder);
      } catch {
        return false;
      }
    });
  } catch {
    return undefined;
  }
}

/**
 * SIGINT the child once it is sending: its output file under `folder` is open (send opens the
 * transport, then sets its SIGINT handler with no await in between), then 300 ms more of sending.
 */
export async function interruptWhenSending(child: ChildProcess, folder: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.pid === undefined || Date.now() > deadline) break;
    const open = hasFileOpenUnder(child.pid, folder);
    if (open === undefined) {
      await sleep(700); // no /proc: the old fixed delay
      break;
    }
    if (open) break;
    await sleep(10);
  }
  await sleep(300);
  child.kill('SIGINT');
}
