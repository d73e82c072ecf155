/** `rawcraft probe [--json]`: what this machine can do with raw sockets (opens and closes a few; sends nothing). */
import { parseArgs } from 'node:util';
import { formatProbe, probe, type ProbeReport } from '../transport/probe.js';
import { CliError, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';

export const PROBE_USAGE = `probe [--json]
      What this machine can do with raw sockets: per family and protocol whether one opens,
      IP_HDRINCL / IPV6_HDRINCL, privileges, interfaces; on Windows the Winsock catalog too.`;

export async function probeCommand(argv: readonly string[], io: CliContext, run: () => ProbeReport = probe): Promise<number> {
  let json = false;
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    if (positionals.length) throw new Error(`unexpected argument ${positionals[0]}`);
    json = !!values.json;
  } catch (error) {
    throw new CliError(`probe: ${(error as Error).message.split('\n')[0]}\nusage: rawcraft ${PROBE_USAGE}`);
  }
  const report = run();
  await io.write(json ? JSON.stringify(report) + '\n' : formatProbe(report) + '\n');
  return EXIT_OK;
}
