/**
 * Every `rawcraft ...` / `npx rawcraft ...` command in the sh code blocks of README.md and
 * docs/ (issue 14 item 1), and in the `rawcraft` column of their tables (docs/coming-from-scapy.md,
 * issue 15: inline code, `\|` for a pipe), run verbatim by sh, in document order, in one scratch folder, inside
 * a network namespace this test creates with only a loopback interface: a packet to any other
 * address cannot be sent from there (the send fails, and so does the command), and nothing can
 * leave the machine even if a document is wrong. Besides:
 * - every command exits 0 (`preflight` may exit 1: that is its answer when it finds errors);
 * - the destination of every packet each `send` or `sr` command would send (its file or
 *   expression, decoded) is in 127.0.0.0/8 or ::1, and so is every host ping, traceroute or
 *   arp is given as an address;
 * - no command contains a placeholder (`...`): a reader must be able to paste it.
 * The scratch folder starts as a reader's would: demo.pcap written by the demo (`npm start`),
 * a copy of examples/, and the reader's own files the docs name (capture.pcap, hex.txt...),
 * made here from demo.pcap. `npx rawcraft` and `rawcraft` run the built CLI; any other npx
 * is refused. A command that names `--iface vx` runs instead in namespace X of a veth pair
 * the test makes (test/link/veth-pair.ts: vx 198.18.5.1 — vy 198.18.5.2), where its host may
 * be vy's address. Needs root (namespaces, raw sockets): skipped without, failing with CI=true.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_CI, ROOT, rawAccess } from '../transport/helpers.js';
import { canCreateNamespaces, createLoopbackNamespace } from '../transport/netns.js';
import { CLI, ensureBuilt } from '../transport/built-cli.js';
import { createVethPair, PAIR, type VethPair } from '../link/veth-pair.js';

interface DocCommand {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** A table row's cells (a `\|` inside a cell is not a separator). */
const cellsOf = (row: string): string[] => row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim());

/** The rawcraft command lines of the sh code blocks of a Markdown file, and of the `rawcraft` column of its tables. */
function commandsIn(file: string, markdown: string): DocCommand[] {
  const found: DocCommand[] = [];
  const lines = markdown.split('\n');
  let inSh = false;
  let fence = false;
  let rawcraftColumn = -1;
  lines.forEach((line, i) => {
    const open = /^\s*```\s*(\w*)/.exec(line);
    if (open) {
      if (!fence) {
        fence = true;
        inSh = ['sh', 'bash', 'shell', 'console'].includes(open[1]);
      } else {
        fence = false;
        inSh = false;
      }
      return;
    }
    if (!fence && line.trim().startsWith('|')) {
      const cells = cellsOf(line);
      if (cells.includes('rawcraft')) rawcraftColumn = cells.indexOf('rawcraft');
      else if (rawcraftColumn >= 0) {
        for (const m of (cells[rawcraftColumn] ?? '').matchAll(/`([^`]+)`/g)) {
          const text = m[1].replace(/\\\|/g, '|').trim();
          if (/^(npx )?rawcraft\b/.test(text)) found.push({ file, line: i + 1, text });
        }
      }
      return;
    }
    rawcraftColumn = -1;
    if (!inSh) return;
    const text = line.replace(/^\s*\$ /, '').trim();
    if (/^(npx )?rawcraft\b/.test(text)) found.push({ file, line: i + 1, text });
  });
  return found;
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md') && !f.startsWith('api'))
    .sort()
    .map((f) => join('docs', f));
  return ['README.md', ...docs];
}

const COMMANDS = markdownFiles().flatMap((f) => commandsIn(f, readFileSync(join(ROOT, f), 'utf8')));

/** sh functions: `rawcraft` and `npx rawcraft` run the built CLI; nothing else is fetched. */
const PRELUDE = `rawcraft() { "${process.execPath}" "${CLI}" "$@"; }
npx() { if [ "$1" = rawcraft ]; then shift; rawcraft "$@"; else echo "npx $1: not allowed in docs commands" >&2; return 127; fi; }
`;

let ns: { ns: string; remove: () => void } | undefined;
let pair: VethPair | undefined;
let unavailable: string | undefined;
let background: ReturnType<typeof spawn> | undefined;
const work = mkdtempSync(join(tmpdir(), 'rawcraft-docs-'));

/** Commands that need an Ethernet link (`arp`) name the veth pair's vx; they run in its namespace X. */
const onPair = (text: string) => /--iface vx\b/.test(text);

function inNs(script: string, timeoutMs = 60_000): { status: number | null; stdout: string; stderr: string } {
  const where = onPair(script) ? pair!.x : ns!.ns;
  const r = spawnSync('ip', ['netns', 'exec', where, 'sh', '-c', PRELUDE + script], { cwd: work, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr + (r.error ? String(r.error) : '') };
}

beforeAll(async () => {
  if (!rawAccess.ok) {
    unavailable = `no raw-socket privilege: ${rawAccess.reason}`;
    return;
  }
  const can = canCreateNamespaces();
  if (!can.ok) {
    unavailable = `cannot create network namespaces: ${can.reason}`;
    return;
  }
  await ensureBuilt();
  ns = createLoopbackNamespace();
  if (COMMANDS.some((c) => onPair(c.text))) pair = createVethPair();
  // The reader's folder: the demo's demo.pcap (npm start runs dist/examples/demo.js), the examples.
  const demo = inNs(`"${process.execPath}" "${join(ROOT, 'dist', 'examples', 'demo.js')}"`);
  if (demo.status !== 0) throw new Error(`the demo failed: ${demo.stderr}`);
  cpSync(join(ROOT, 'examples'), join(work, 'examples'), { recursive: true });
  // The reader's own files the docs name, made from demo.pcap.
  for (const name of ['capture.pcap', 'x.pcap']) copyFileSync(join(work, 'demo.pcap'), join(work, name));
  const setup = inNs('set -e; rawcraft decode demo.pcap --json | rawcraft encode --pcapng capture.pcapng; rawcraft decode demo.pcap --json > packets.jsonl; rawcraft decode demo.pcap --json | rawcraft encode --hex > hex.txt');
  if (setup.status !== 0) throw new Error(`setting up the reader's files failed: ${setup.stderr}`);
  // ICMP for `listen` to see: UDP to a closed loopback port draws port unreachables.
  background = spawn('ip', ['netns', 'exec', ns.ns, process.execPath, '-e', "const s=require('dgram').createSocket('udp4');setInterval(()=>s.send('x',9,'127.0.0.1'),100)"], { stdio: 'ignore' });
}, 200_000);

afterAll(() => {
  background?.kill('SIGKILL');
  ns?.remove();
  pair?.remove();
  rmSync(work, { recursive: true, force: true });
});

function guard(ctx: { skip: (note?: string) => void }): void {
  if (unavailable) {
    if (IN_CI) throw new Error(`CI=true but ${unavailable}`);
    ctx.skip(unavailable);
  }
}

/** Words of a command line, as sh splits them (quotes removed; no expansions in docs commands). */
function words(text: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** Commands that send packets: their inputs (expressions, files) are checked; ping-like ones name a host. */
const SENDERS = new Set(['send', 'sr']);
const HOST_COMMANDS = new Set(['ping', 'traceroute', 'arp']);

/**
 * The inputs of each sending command in a command line (several when piped or chained): --hex
 * values, files that exist, and expressions (words with a '(' or '/'); other words are flag
 * values. A command writing to a capture file (--transport pcap:, pcapng:) sends nothing.
 */
function sendInputs(text: string, exists: (name: string) => boolean = (name) => existsSync(join(work, name))): { source: string; hex: boolean }[] {
  const inputs: { source: string; hex: boolean }[] = [];
  for (const part of text.split(/&&|\||;/)) {
    const w = words(part.replace(/(^|\s)#.*$/, ''));
    const at = w.findIndex((x) => SENDERS.has(x));
    if (at < 0 || !w.slice(0, at).every((x) => x === 'npx' || x === 'rawcraft')) continue;
    const rest = w.slice(at + 1);
    const transport = rest[rest.indexOf('--transport') + 1];
    if (rest.includes('--transport') && /^(pcap|pcapng):/.test(transport)) continue;
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--hex') inputs.push({ source: rest[++i], hex: true });
      else if (rest[i].startsWith('-') || /^(raw|pcap|pcapng|link)(:|$)/.test(rest[i])) continue;
      else if (exists(rest[i]) || /[(/]/.test(rest[i])) inputs.push({ source: rest[i], hex: false });
    }
  }
  return inputs;
}

/** IP address literals on the command line of ping, traceroute, arp (their hosts). */
function hostsNamed(text: string): string[] {
  const hosts: string[] = [];
  for (const part of text.split(/&&|\||;/)) {
    const w = words(part.replace(/(^|\s)#.*$/, ''));
    const at = w.findIndex((x) => HOST_COMMANDS.has(x));
    if (at < 0 || !w.slice(0, at).every((x) => x === 'npx' || x === 'rawcraft')) continue;
    hosts.push(...w.slice(at + 1).filter((x) => isIP(x)));
  }
  return hosts;
}

/** Destination addresses of the packets an input holds: decoded (a file) or built (an expression). */
function destinations(input: { source: string; hex: boolean }): string[] {
  const args = input.hex ? ['decode', '--hex', input.source, '--json', '--lax'] : existsSync(join(work, input.source)) ? ['decode', input.source, '--json', '--lax'] : ['build', input.source, '--json'];
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: work, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`rawcraft ${args.join(' ')}: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => {
      const layers = (JSON.parse(l) as { layers: { layer: string; fields: { dst?: string } }[] }).layers;
      return layers.find((x) => x.layer === 'ipv4' || x.layer === 'ipv6')?.fields.dst ?? '(not IP)';
    });
}

const isLoopback = (a: string) => /^127\.\d+\.\d+\.\d+$/.test(a) || a === '::1';
/** The hosts a command may name: loopback, and on the veth pair its other end. */
const allowedHost = (text: string, host: string) => isLoopback(host) || (onPair(text) && (host === PAIR.y4 || host === PAIR.y6));

describe('the commands of README.md and docs/ (issue 14 item 1)', () => {
  it('are found (the extraction itself works)', () => {
    expect(COMMANDS.filter((c) => c.file === 'README.md').length).toBeGreaterThan(10);
    expect(COMMANDS.some((c) => /\bsend demo\.pcap$/.test(c.text.replace(/\s+#.*$/, '')))).toBe(true);
    const exists = (name: string) => name.endsWith('.pcapng');
    expect(sendInputs('npx rawcraft traffic a.yaml --out lo.pcapng && npx rawcraft send lo.pcapng --rate 500', exists)).toEqual([{ source: 'lo.pcapng', hex: false }]);
    expect(sendInputs("rawcraft send 'ipv4(dst=127.0.0.1)/udp' --count 3 --transport pcapng:x.pcapng", exists)).toEqual([]);
    expect(sendInputs("rawcraft sr 'ipv4(dst=198.51.100.1)/tcp(dstPort=1-3,flags=[syn])' --timeout 1", exists)).toEqual([{ source: 'ipv4(dst=198.51.100.1)/tcp(dstPort=1-3,flags=[syn])', hex: false }]);
    expect(hostsNamed('rawcraft ping 127.0.0.1 -c 3 -i 0.2 && rawcraft traceroute ::1 -I')).toEqual(['127.0.0.1', '::1']);
    // Tables: the rawcraft column's inline code, a `\|` being a pipe; other columns are not commands.
    const table = '| task | scapy | rawcraft |\n| --- | --- | --- |\n| x | `rawcraft ls` | `rawcraft decode a.pcap --json \\| rawcraft encode --hex` |\n\ntext `rawcraft probe`';
    expect(commandsIn('t.md', table).map((c) => c.text)).toEqual(['rawcraft decode a.pcap --json | rawcraft encode --hex']);
    expect(COMMANDS.filter((c) => c.file === join('docs', 'coming-from-scapy.md')).length).toBeGreaterThanOrEqual(30);
  });

  for (const c of COMMANDS) {
    it(`${c.file}:${c.line}: ${c.text}`, (ctx) => {
      guard(ctx);
      expect(c.text, 'a placeholder, not a command a reader can paste').not.toMatch(/\.\.\./);
      const r = inNs(c.text, 120_000);
      const allowed = /\brawcraft preflight\b/.test(c.text) ? [0, 1] : [0];
      expect(allowed, `exit ${r.status}\n${r.stderr}`).toContain(r.status);
      for (const input of sendInputs(c.text)) {
        const away = destinations(input).filter((d) => !isLoopback(d));
        expect(away, `packets of ${input.source} that are not addressed to loopback`).toEqual([]);
      }
      expect(hostsNamed(c.text).filter((h) => !allowedHost(c.text, h)), 'hosts that are not loopback').toEqual([]);
    }, 150_000);
  }
});
