/**
 * Network namespaces made (and removed) by a test: A — R — B, with R forwarding between
 * 198.18.1.0/24, 2001:db8:1::/64 (A's side) and 198.18.2.0/24, 2001:db8:2::/64 (B's side).
 * Addresses come from the benchmarking range (RFC 2544) and the documentation prefix; the
 * names are unique per run, so parallel or leftover runs never collide. Nothing in here
 * touches the host's own namespace beyond creating and deleting the three namespaces.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface Topology {
  readonly a: string;
  readonly r: string;
  readonly b: string;
  /** Delete the namespaces (and with them the veth pairs). Safe to call twice. */
  remove(): void;
}

export const ADDR = {
  a4: '198.18.1.2',
  r4a: '198.18.1.1',
  r4b: '198.18.2.1',
  b4: '198.18.2.2',
  a6: '2001:db8:1::2',
  r6a: '2001:db8:1::1',
  r6b: '2001:db8:2::1',
  b6: '2001:db8:2::2',
} as const;

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
}

function inNs(ns: string, command: string[]): void {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...command], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip netns exec ${ns} ${command.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
}

/** Can this process create network namespaces? (Tries once with a throwaway one.) */
export function canCreateNamespaces(): { ok: true } | { ok: false; reason: string } {
  const name = `rcprobe-${process.pid}-${randomBytes(3).toString('hex')}`;
  const r = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) return { ok: false, reason: r.error?.message ?? r.stderr.trim() };
  spawnSync('ip', ['netns', 'del', name], { timeout: 10_000 });
  return { ok: true };
}

/** Build A — R — B. On any failure, whatever was made is removed before the error is thrown. */
/**
 * Waits until no IPv6 address in `namespaces` is tentative (duplicate address detection of the
 * link-local addresses, about a second after an interface comes up). Until then the kernels'
 * neighbour discovery loses the first packets a router forwards: one ping in a fresh
 * topology went unanswered, through raw sockets and the link transport alike.
 */
function waitIpv6Ready(namespaces: readonly string[], timeoutMs = 10_000): void {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const tentative = namespaces.filter((ns) => spawnSync('ip', ['-n', ns, '-6', 'addr', 'show', 'tentative'], { encoding: 'utf8' }).stdout.trim() !== '');
    if (!tentative.length) return;
    if (Date.now() > until) throw new Error(`IPv6 addresses still tentative after ${timeoutMs} ms in ${tentative.join(', ')}`);
    spawnSync('sleep', ['0.05']);
  }
}

export function createTopology(): Topology {
  const tag = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
  const a = `rc-${tag}-a`;
  const r = `rc-${tag}-r`;
  const b = `rc-${tag}-b`;
  const made: string[] = [];
  const remove = () => {
    for (const ns of made.splice(0)) spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
  };
  try {
    for (const ns of [a, r, b]) {
      ip(['netns', 'add', ns]);
      made.push(ns);
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    // R forwards from the start: turning forwarding on after the interfaces are up changes
    // their IPv6 state under packets already in flight.
    inNs(r, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    // veth pairs created inside the namespaces: their names never meet the host's interfaces.
    ip(['-n', a, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'ra', 'netns', r]);
    ip(['-n', b, 'link', 'add', 'vb', 'type', 'veth', 'peer', 'name', 'rb', 'netns', r]);
    const addr = (ns: string, dev: string, v4: string, v6: string) => {
      ip(['-n', ns, 'addr', 'add', `${v4}/24`, 'dev', dev]);
      ip(['-n', ns, '-6', 'addr', 'add', `${v6}/64`, 'dev', dev, 'nodad']);
      ip(['-n', ns, 'link', 'set', dev, 'up']);
    };
    addr(a, 'va', ADDR.a4, ADDR.a6);
    addr(r, 'ra', ADDR.r4a, ADDR.r6a);
    addr(r, 'rb', ADDR.r4b, ADDR.r6b);
    addr(b, 'vb', ADDR.b4, ADDR.b6);
    ip(['-n', a, 'route', 'add', 'default', 'via', ADDR.r4a]);
    ip(['-n', a, '-6', 'route', 'add', 'default', 'via', ADDR.r6a]);
    ip(['-n', b, 'route', 'add', 'default', 'via', ADDR.r4b]);
    ip(['-n', b, '-6', 'route', 'add', 'default', 'via', ADDR.r6b]);
    // Answer every probe: no ICMP rate limiting in the router and the destination. The ratemasks
    // take the error types out of both limiters (per destination and the kernel's global
    // budget), which other tests running at the same time may otherwise use up.
    for (const ns of [r, b]) {
      inNs(ns, ['sysctl', '-q', '-w', 'net.ipv4.icmp_ratelimit=0', 'net.ipv6.icmp.ratelimit=0']);
      inNs(ns, ['sysctl', '-q', '-w', 'net.ipv4.icmp_ratemask=0', 'net.ipv6.icmp.ratemask=127']);
    }
    waitIpv6Ready([a, r, b]);
  } catch (error) {
    remove();
    throw error;
  }
  return { a, r, b, remove };
}

/**
 * One namespace with a veth pair whose sending end is shaped to 1 Mbit/s (tbf with a long
 * queue): a sender outruns it, its socket's send buffer fills, and sends meet EAGAIN/ENOBUFS.
 * 198.18.9.2 is a static neighbour on it, so packets go out (and are dropped by the peer).
 */
export function createShapedNamespace(): { ns: string; remove: () => void } {
  const ns = `rc-${process.pid.toString(36)}${randomBytes(3).toString('hex')}-s`;
  ip(['netns', 'add', ns]);
  const remove = () => void spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
  try {
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    ip(['-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    ip(['-n', ns, 'addr', 'add', '198.18.9.1/24', 'dev', 'v0']);
    ip(['-n', ns, 'link', 'set', 'v0', 'up']);
    ip(['-n', ns, 'link', 'set', 'v1', 'up']);
    ip(['-n', ns, 'neigh', 'add', '198.18.9.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'v0', 'nud', 'permanent']);
    inNs(ns, ['tc', 'qdisc', 'add', 'dev', 'v0', 'root', 'tbf', 'rate', '1mbit', 'burst', '1600', 'limit', '1000000']);
  } catch (error) {
    remove();
    throw error;
  }
  return { ns, remove };
}

export interface ChildResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `command` inside namespace `ns`; `onLine` sees stdout lines as they come, `onStderr` stderr chunks. */
export function commandInNs(
  ns: string,
  command: string[],
  options: { cwd?: string; timeoutMs?: number; onLine?: (line: string) => void; onStderr?: (text: string) => void } = {},
): { done: Promise<ChildResult>; kill: () => void; pid: number | undefined } {
  const child = spawn('ip', ['netns', 'exec', ns, ...command], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    pending += chunk.toString();
    for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
      options.onLine?.(pending.slice(0, i));
      pending = pending.slice(i + 1);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onStderr?.(chunk.toString());
  });
  const done = new Promise<ChildResult>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
  // ip netns exec execs the command: this pid is the command's own.
  return { done, kill: () => child.kill('SIGINT'), pid: child.pid };
}

/** Run `node script args...` inside namespace `ns`; `onLine` sees stdout lines as they come. */
export function nodeInNs(ns: string, cwd: string, script: string, args: string[], timeoutMs = 30_000, onLine?: (line: string) => void): Promise<ChildResult> {
  return commandInNs(ns, [process.execPath, script, ...args], { cwd, timeoutMs, ...(onLine && { onLine }) }).done;
}

/**
 * One namespace with nothing but its loopback interface up: there is no route anywhere else,
 * so a packet to any other address cannot be sent from it (sendto fails with ENETUNREACH).
 * ICMP is not rate-limited in it. Remove it with `remove()`.
 */
export function createLoopbackNamespace(): { ns: string; remove: () => void } {
  const ns = `rc-${process.pid.toString(36)}${randomBytes(3).toString('hex')}-l`;
  ip(['netns', 'add', ns]);
  const remove = () => void spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
  try {
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    inNs(ns, ['sysctl', '-q', '-w', 'net.ipv4.icmp_ratelimit=0', 'net.ipv6.icmp.ratelimit=0']);
  } catch (error) {
    remove();
    throw error;
  }
  return { ns, remove };
}
