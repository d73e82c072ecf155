/**
 * Traffic files: `writeTraffic()` and `rawcraft traffic` writing a one-flow UDP scenario with two
 * varying fields (ipv4.id as a sequence, udp.srcPort from a range) to pcapng, in packets per
 * second and peak resident memory. Each case runs in a process of its own (the CLI as a user
 * runs it), so the peak RSS is that case's alone; flat memory means it does not grow with the
 * packet count.
 *
 *   node dist/bench/traffic.js [--json] [--packets=N]      (npm run bench:traffic: 10 M packets)
 *   node dist/bench/traffic.js --child --packets=N --dir=D   (writeTraffic alone; prints one JSON line)
 *
 * Files go to a fresh temporary directory, removed afterwards. Nothing is sent anywhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadScenario, writeTraffic } from '../src/traffic/index.js';

export interface TrafficBenchResult {
  readonly case: string;
  readonly packets: number;
  readonly packetsPerSec: number;
  readonly peakRssMiB: number;
  readonly fileMiB: number;
}

const scenario = (packets: number): string => `seed: 1
flows:
  - name: dns
    template: ipv4(src=192.0.2.10,dst=198.51.100.53)/udp(dstPort=53)/raw(hex=00010100000100000000000003777777076578616d706c6503636f6d0000010001)
    count: ${packets}
    rate: 1000000
    vary:
      ipv4.id: { sequence: { start: 1 } }
      udp.srcPort: { range: [1024, 65535] }
`;

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(HERE, '../src/cli/main.js');

/** writeTraffic() in this process (the child): returns its result. */
async function child(packets: number, dir: string): Promise<TrafficBenchResult> {
  const file = join(dir, 'scenario.yaml');
  const out = join(dir, 'api.pcapng');
  writeFileSync(file, scenario(packets));
  const started = performance.now();
  await writeTraffic(loadScenario(file), out);
  const ms = performance.now() - started;
  return { case: 'writeTraffic() 1 flow udp, 2 fields', packets, packetsPerSec: Math.round((packets * 1000) / ms), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), fileMiB: Math.round(statSync(out).size / 2 ** 20) };
}

/** `rawcraft traffic` as a user runs it, its rate from --json and its peak RSS from /usr/bin/time (when there). */
function cli(packets: number, dir: string): TrafficBenchResult {
  const file = join(dir, 'scenario.yaml');
  const out = join(dir, 'cli.pcapng');
  writeFileSync(file, scenario(packets));
  const args = [CLI, 'traffic', file, '--out', out, '--json'];
  const timed = existsSync('/usr/bin/time');
  const r = timed ? spawnSync('/usr/bin/time', ['-f', 'peak-rss-kb %M', process.execPath, ...args], { encoding: 'utf8' }) : spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rawcraft traffic failed: ${r.stderr}`);
  const summary = JSON.parse(r.stdout) as { packetsPerSecond: number };
  const kb = /peak-rss-kb (\d+)/.exec(r.stderr ?? '')?.[1];
  return { case: 'rawcraft traffic 1 flow udp, 2 fields', packets, packetsPerSec: summary.packetsPerSecond, peakRssMiB: kb === undefined ? Number.NaN : Math.round(Number(kb) / 1024), fileMiB: Math.round(statSync(out).size / 2 ** 20) };
}

/** Both cases, each in a child process. */
export function run(options: { packets?: number; json?: boolean } = {}): TrafficBenchResult[] {
  const packets = options.packets ?? 2_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'rawcraft-bench-traffic-'));
  const results: TrafficBenchResult[] = [];
  try {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', `--packets=${packets}`, `--dir=${dir}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`traffic bench failed: ${r.stderr}`);
    results.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as TrafficBenchResult);
    results.push(cli(packets, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const log = (s: string) => (options.json ? process.stderr : process.stdout).write(s + '\n');
  log(`traffic to pcapng (target >= 1,000,000 packets/s, flat memory), ${packets.toLocaleString('en-US')} packets per case, each case in its own process`);
  for (const r of results) {
    if (options.json) process.stdout.write(JSON.stringify({ ...r, targetPacketsPerSec: 1_000_000 }) + '\n');
    else log(`${r.case.padEnd(40)}  ${r.packetsPerSec.toLocaleString('en-US').padStart(12)} packets/s  peak RSS ${r.peakRssMiB} MiB  (file ${r.fileMiB} MiB)${r.packetsPerSec < 1e6 ? '  < target' : ''}`);
  }
  return results;
}

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const packets = Number(arg('packets') ?? 10_000_000);
  if (process.argv.includes('--child')) {
    const r = await child(packets, arg('dir')!);
    process.stdout.write(JSON.stringify(r) + '\n');
  } else {
    run({ packets, json: process.argv.includes('--json') });
  }
}
