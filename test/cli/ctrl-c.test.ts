/**
 * Ctrl-C summaries of long-running commands (issue 14): fuzz stops with a valid file and says
 * "interrupted". (ping and traceroute: test/cli/ping.test.ts, test/cli/traceroute.test.ts;
 * send: test/expr/cli.test.ts.) Nothing is sent.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCapture } from '../../src/capture/index.js';
import { cli } from '../expr/run-cli.js';
import { interruptWhenSending } from './interrupt.js';

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-ctrl-c-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Ctrl-C', () => {
  it('fuzz --out: stops, the file holds what was written, the summary says interrupted', async () => {
    const folder = mkdtempSync(join(dir, 'fuzz-'));
    const out = join(folder, 'fuzz.pcapng');
    const r = await cli(['fuzz', 'ipv4(dst=127.0.0.1)/udp(dstPort=9)', '--count', '100000000', '--out', out, '--json'], { onSpawn: (child) => void interruptWhenSending(child, folder) });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { packets: number; interrupted: boolean };
    expect(summary.interrupted).toBe(true);
    expect(summary.packets).toBeGreaterThan(0);
    expect(summary.packets).toBeLessThan(100_000_000);
    expect(parseCapture(readFileSync(out))).toHaveLength(summary.packets);
  });

  it('fuzz to stdout: stops, a note on stderr', async () => {
    const r = await cli(['fuzz', 'ipv4(dst=127.0.0.1)/udp(dstPort=9)', '--count', '100000000'], { onSpawn: (child) => void waitForOutputThenInterrupt(child) });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/^rawcraft: fuzz: interrupted after \d+ packets \(seed 1\)\n$/);
  });
});

/** SIGINT once the child has printed something (it is in its loop, its handler set). */
async function waitForOutputThenInterrupt(child: import('node:child_process').ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.stdout!.once('data', () => resolve());
    child.once('close', () => resolve());
  });
  child.kill('SIGINT');
}
