/**
 * Running the usrsctp peer (usrsctp-peer.c): build it into a temporary directory, start it on a
 * UDP encapsulation port, read its report lines. And a loopback UDP socket to talk SCTP over
 * UDP (RFC 6951) to it, 127.0.0.1 only.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PEER_SOURCE = fileURLToPath(new URL('./usrsctp-peer.c', import.meta.url));
export const LOOPBACK = '127.0.0.1';

/** Why the peer cannot be built here, or undefined when it can. */
export function peerUnavailable(): string | undefined {
  if (spawnSync('sh', ['-c', 'command -v cc']).status !== 0) return 'no C compiler (cc)';
  if (!existsSync('/usr/include/usrsctp.h')) return 'libusrsctp-dev is not installed (/usr/include/usrsctp.h)';
  return undefined;
}

/** Compile the peer into `dir`; returns the binary's path. */
export function buildPeer(dir: string): string {
  const out = join(dir, 'usrsctp-peer');
  const cc = spawnSync('cc', ['-Wall', '-O1', '-o', out, PEER_SOURCE, '-lusrsctp', '-lpthread'], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`building the usrsctp peer failed:\n${cc.stderr}`);
  return out;
}

/** A running peer: its report lines as they arrive. */
export class Peer {
  readonly lines: string[] = [];
  private waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      partial += text;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => {
          if (!w.test(line)) return true;
          w.resolve(line);
          return false;
        });
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => this.lines.push(`stderr: ${text.trimEnd()}`));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** The first line (seen or to come) matching `test`, within `ms`. */
  waitFor(test: (line: string) => boolean, ms: number): Promise<string> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`usrsctp peer: no matching line within ${ms} ms; it said:\n${this.lines.join('\n')}`)), ms);
      this.waiters.push({
        test,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * Start the peer on `udpPort` (SCTP port `sctpPort` on 127.0.0.1), retrying for up to
 * `patienceMs` while another run holds the UDP port.
 */
export async function startPeer(binary: string, udpPort: number, sctpPort: number, patienceMs = 60_000): Promise<Peer> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const peer = new Peer(spawn(binary, [String(udpPort), String(sctpPort), '45']));
    const first = await Promise.race([peer.waitFor((l) => l === 'READY' || l === 'BUSY', 10_000), peer.exited.then((code) => `exit ${code}`)]);
    if (first === 'READY') return peer;
    peer.stop();
    if (first !== 'BUSY' || Date.now() > deadline) throw new Error(`usrsctp peer did not start (${first}):\n${peer.lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 250 + Math.random() * 500));
  }
}

/** A UDP socket on 127.0.0.1 that queues what it receives. */
export class Loopback {
  private queue: Buffer[] = [];
  private waiter: ((msg: Buffer) => void) | undefined;

  private constructor(readonly socket: Socket) {
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address !== LOOPBACK) return;
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(msg);
      } else this.queue.push(msg);
    });
  }

  static async open(): Promise<Loopback> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, LOOPBACK, () => resolve());
    });
    return new Loopback(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(bytes: Uint8Array, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(bytes, port, LOOPBACK, (error) => (error ? reject(error) : resolve())));
  }

  /** The next datagram, or undefined after `ms`. */
  receive(ms: number): Promise<Buffer | undefined> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, ms);
      this.waiter = (msg) => {
        clearTimeout(timer);
        resolve(msg);
      };
    });
  }

  close(): void {
    this.socket.close();
  }
}
