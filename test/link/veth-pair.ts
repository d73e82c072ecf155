/**
 * Two network namespaces joined by one veth pair, made and removed by a test: X (vx,
 * 198.18.5.1/24, 2001:db8:5::1/64) and Y (vy, 198.18.5.2/24, 2001:db8:5::2/64). Addresses come
 * from the benchmarking range (RFC 2544) and the documentation prefix; names are unique per run.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { IN_CI, rawAccess } from '../transport/helpers.js';
import { canCreateNamespaces, commandInNs, type ChildResult } from '../transport/netns.js';

export const PAIR = { x4: '198.18.5.1', y4: '198.18.5.2', x6: '2001:db8:5::1', y6: '2001:db8:5::2', xIf: 'vx', yIf: 'vy' } as const;

export interface VethPair {
  readonly x: string;
  readonly y: string;
  /** MAC addresses of vx and vy. */
  readonly xMac: string;
  readonly yMac: string;
  remove(): void;
}

function ip(args: string[]): string {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
}

export function createVethPair(): VethPair {
  const tag = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
  const x = `rcl-${tag}-x`;
  const y = `rcl-${tag}-y`;
  const made: string[] = [];
  const remove = () => {
    for (const ns of made.splice(0)) spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
  };
  try {
    for (const ns of [x, y]) {
      ip(['netns', 'add', ns]);
      made.push(ns);
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    ip(['-n', x, 'link', 'add', PAIR.xIf, 'type', 'veth', 'peer', 'name', PAIR.yIf, 'netns', y]);
    for (const [ns, dev, v4, v6] of [[x, PAIR.xIf, PAIR.x4, PAIR.x6], [y, PAIR.yIf, PAIR.y4, PAIR.y6]]) {
      ip(['-n', ns, 'addr', 'add', `${v4}/24`, 'dev', dev]);
      ip(['-n', ns, '-6', 'addr', 'add', `${v6}/64`, 'dev', dev, 'nodad']);
      ip(['-n', ns, 'link', 'set', dev, 'up']);
    }
    const mac = (ns: string, dev: string) => /link\/ether ([0-9a-f:]{17})/.exec(ip(['-n', ns, 'link', 'show', dev]))![1];
    return { x, y, xMac: mac(x, PAIR.xIf), yMac: mac(y, PAIR.yIf), remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** Run a command inside `ns` (netns.ts's runInNs); `onLine` also hears `listening` when tcpdump says so on stderr. */
export function runInNs(ns: string, command: string[], timeoutMs = 30_000, onLine?: (line: string) => void): { done: Promise<ChildResult>; kill: () => void; pid: number | undefined } {
  return commandInNs(ns, command, { timeoutMs, ...(onLine && { onLine, onStderr: (text: string) => /listening on/.test(text) && onLine('listening') }) });
}

/**
 * The set-up every link test file shares: a veth pair and a folder holding the child scripts,
 * made before the file's tests and removed after. `guard` skips a test when the machine cannot
 * run it (no root, no namespaces, a tool missing), except with CI=true, where that fails.
 */
export function linkFixture(scripts: Readonly<Record<string, string>>, tools: readonly string[]): { guard: (ctx: { skip: (note?: string) => void }) => { pair: VethPair; dir: string } } {
  let pair: VethPair | undefined;
  let dir: string | undefined;
  let unavailable: string | undefined;
  beforeAll(() => {
    if (!rawAccess.ok) unavailable = `no raw-socket privilege: ${rawAccess.reason}`;
    else if (!canCreateNamespaces().ok) unavailable = 'cannot create network namespaces';
    else unavailable = tools.filter((t) => spawnSync(t, ['--version']).status !== 0).map((t) => `${t} is not installed (apt-get install ${t})`)[0];
    if (unavailable) return;
    dir = mkdtempSync(join(tmpdir(), 'rawcraft-link-'));
    for (const [name, text] of Object.entries(scripts)) writeFileSync(join(dir, name), text);
    pair = createVethPair();
  }, 60_000);
  afterAll(() => {
    pair?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    guard(ctx) {
      if (unavailable) {
        if (IN_CI) throw new Error(`CI=true but ${unavailable}`);
        ctx.skip(unavailable);
      }
      return { pair: pair!, dir: dir! };
    },
  };
}

/** A classic BPF program: [code, jt, jf, k] per instruction. */
export type BpfProgram = number[][];

/** The BPF programs attached to packet sockets of `pid` in `ns`, from `ss -0 -b -p` ("bpf filter (N):  0x28 0 0 12, ..."). */
export function attachedPrograms(ns: string, pid: number): BpfProgram[] {
  const out = spawnSync('ip', ['netns', 'exec', ns, 'ss', '-0', '-b', '-p'], { encoding: 'utf8' }).stdout;
  const programs: BpfProgram[] = [];
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].includes(`pid=${pid},`)) continue;
    const m = /bpf filter \((\d+)\):\s*(.*)$/.exec(lines[i + 1] ?? '');
    if (!m) continue;
    const program = m[2].split(',').map((s) => s.trim()).filter(Boolean).map((ins) => ins.split(/\s+/).map(Number));
    if (program.length !== Number(m[1])) throw new Error(`ss -0 -b: ${m[1]} instructions announced, ${program.length} read`);
    programs.push(program);
  }
  return programs;
}

/** tcpdump's compilation of `filter` for `iface` (`-ddd`: a count line, then "code jt jf k" lines). */
export function tcpdumpProgram(ns: string, iface: string, filter: string): BpfProgram {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'tcpdump', '-ddd', '-s', '262144', '-i', iface, filter], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tcpdump -ddd ${filter}: ${r.stderr}`);
  const [count, ...rest] = r.stdout.trim().split('\n');
  if (rest.length !== Number(count)) throw new Error(`tcpdump -ddd: ${count} instructions announced, ${rest.length} read`);
  return rest.map((l) => l.trim().split(/\s+/).map(Number));
}

/** Resolves once `pid`'s capture socket in `ns` carries the program tcpdump compiles for `filter` on `iface` (rejects after `timeoutMs`). */
export async function kernelFilterAttached(ns: string, pid: number, iface: string, filter: string, timeoutMs = 10_000): Promise<void> {
  const expected = JSON.stringify(tcpdumpProgram(ns, iface, filter));
  for (const until = Date.now() + timeoutMs; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (attachedPrograms(ns, pid).some((p) => JSON.stringify(p) === expected)) return;
  }
  throw new Error(`no capture of pid ${pid} in ${ns} has the kernel filter "${filter}" after ${timeoutMs} ms`);
}
