/** `rawcraft interfaces [--json]`: the interfaces the link transport can use, like `tcpdump -D` with `ip addr`'s facts. */
import { listInterfaces, type InterfaceInfo } from '../transport/link/interfaces.js';
import { parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';

export const INTERFACES_USAGE = `interfaces [--json]
      List the network interfaces: name, up/running, MTU, MAC, link type and addresses
      (names from libpcap when it is installed, as --iface takes them).`;

export async function interfacesCommand(argv: readonly string[], io: CliContext, list: () => InterfaceInfo[] = listInterfaces): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { options: { json: { type: 'boolean' } }, allowPositionals: true }, 'interfaces: ', usageHint(INTERFACES_USAGE));
  if (positionals.length) throw new CliError(`interfaces: unexpected argument ${positionals[0]}${usageHint(INTERFACES_USAGE)}`);
  const interfaces = list();
  if (values.json) {
    for (const i of interfaces) await io.write(JSON.stringify(i) + '\n');
    return EXIT_OK;
  }
  let n = 0;
  for (const i of interfaces) await io.write(formatInterface(++n, i) + '\n');
  return EXIT_OK;
}

/** `1.eth0 [Up, Running] mtu 1500 ether 02:00:00:00:00:01 linktype 1 inet 198.18.5.1/24`. */
export function formatInterface(n: number, i: InterfaceInfo): string {
  const state = [i.up ? 'Up' : i.up === false ? 'Down' : undefined, i.running ? 'Running' : undefined, i.loopback ? 'Loopback' : undefined].filter(Boolean).join(', ');
  return [
    `${n}.${i.name}`,
    ...(i.description ? [`(${i.description})`] : []),
    ...(state ? [`[${state}]`] : []),
    ...(i.mtu !== undefined ? [`mtu ${i.mtu}`] : []),
    ...(i.mac ? [`ether ${i.mac}`] : []),
    ...(i.linkType !== undefined ? [`linktype ${i.linkType}`] : []),
    ...i.addresses.map((a) => `${a.includes(':') ? 'inet6' : 'inet'} ${a}`),
  ].join(' ');
}
