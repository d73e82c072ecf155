/** `rawcraft arp ADDRESS --iface IF [-c N] [-w S] [-i S] [--json]`: who-has, like arping(8); NDP for IPv6 addresses. */
import { arping, type ArpingReply } from '../transport/link/arping.js';
import { integer, parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';

export const ARP_USAGE = `arp ADDRESS --iface IF [-c COUNT] [-w SECONDS] [-i SECONDS] [--json]
      Ask who has ADDRESS on IF (ARP for IPv4, Neighbor Solicitation for IPv6), COUNT times
      (default 3), waiting -w seconds for each answer (default 1), -i seconds apart (default 1);
      print each answer's MAC and time, like arping. Exit 1 when nothing answered.`;

export async function arpCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: {
      iface: { type: 'string', short: 'I' },
      count: { type: 'string', short: 'c' },
      wait: { type: 'string', short: 'w' },
      interval: { type: 'string', short: 'i' },
      json: { type: 'boolean' },
    },
  }, 'arp: ', usageHint(ARP_USAGE));
  if (positionals.length !== 1) throw new CliError(`arp: expected one ADDRESS, got ${positionals.length}${usageHint(ARP_USAGE)}`);
  if (values.iface === undefined) throw new CliError(`arp: give the interface with --iface (see rawcraft interfaces)${usageHint(ARP_USAGE)}`);
  const address = positionals[0];
  const count = integer('arp', '--count', values.count, 3, 1, 1_000_000);
  const seconds = (name: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || n > 3600) throw new CliError(`arp: ${name} ${JSON.stringify(text)}: expected seconds 0..3600 (fractions allowed)`);
    return n * 1000;
  };
  const timeoutMs = seconds('-w', values.wait, 1000);
  const intervalMs = seconds('-i', values.interval, 1000);
  const stop = new AbortController();
  const onSigint = () => stop.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  const lines: Promise<void>[] = [];
  const show = (r: ArpingReply) => {
    // JSON as ping's: every field on every line (null where there is no value), then a summary.
    if (values.json) lines.push(io.write(JSON.stringify({ event: 'reply', address, seq: r.seq, status: r.status, mac: r.mac ?? null, rttMs: r.rttMs ?? null }) + '\n'));
    else if (r.status === 'reply') lines.push(io.write(`reply from ${address} [${r.mac}] seq ${r.seq} ${r.rttMs!.toFixed(3)} ms\n`));
    else lines.push(io.write(`no reply from ${address} seq ${r.seq} within ${timeoutMs / 1000} s\n`));
  };
  let sent = 0;
  let received = 0;
  try {
    const result = await arping(address, { interface: values.iface, count, timeoutMs, intervalMs, signal: stop.signal, onReply: (r) => (show(r), sent++, r.status === 'reply' && received++) });
    sent = result.sent;
    received = result.received;
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  await Promise.all(lines);
  if (values.json) await io.write(JSON.stringify({ event: 'summary', address, interface: values.iface, sent, received, interrupted: stop.signal.aborted }) + '\n');
  else await io.write(`--- ${address} ${address.includes(':') ? 'ndp' : 'arp'} statistics ---\n${sent} requests sent, ${received} answered\n`);
  return received > 0 ? EXIT_OK : EXIT_FINDINGS;
}
