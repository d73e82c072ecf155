/** `rawcraft probe [--json]`: what this machine can do with raw sockets (opens and closes a few; sends nothing). */
import { formatProbe, probe, type ProbeReport } from '../transport/socket/probe.js';
import { parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';

export const PROBE_USAGE = `probe [--json]
      What this machine can do with raw sockets: per family and protocol whether one opens,
      IP_HDRINCL / IPV6_HDRINCL, privileges, interfaces; on Windows the Winsock catalog too.`;

export async function probeCommand(argv: readonly string[], io: CliContext, run: () => ProbeReport = probe): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { options: { json: { type: 'boolean' } }, allowPositionals: true }, 'probe: ', usageHint(PROBE_USAGE));
  if (positionals.length) throw new CliError(`probe: unexpected argument ${positionals[0]}${usageHint(PROBE_USAGE)}`);
  const json = !!values.json;
  const report = run();
  await io.write(json ? JSON.stringify(report) + '\n' : formatProbe(report) + '\n');
  return EXIT_OK;
}
