/** Running Wireshark's tools from the interop tests (not a test file itself). */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { PORT_HI, PORT_LO } from './generate.js';

const run = promisify(execFile);

export const onPath = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
export const hasTshark = onPath('tshark');
export const inCI = process.env.CI === 'true';
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Joins the occurrences of a field in one frame (a control character no field text contains). */
const AGGREGATOR = '\x1e';

/** Expert info severities (epan/proto.h: PI_CHAT 0x200000, PI_NOTE 0x400000, PI_WARN 0x600000, PI_ERROR 0x800000). */
export const PI_WARN = 0x600000;
export const PI_ERROR = 0x800000;

/**
 * Checksum status values of this tshark's `*.checksum.status` fields (epan/proto.h
 * PROTO_CHECKSUM_E_*): not the text Wireshark shows but the number `-T fields` prints.
 */
export const CHECKSUM = { BAD: '0', GOOD: '1', UNVERIFIED: '2', NOT_PRESENT: '3', ILLEGAL: '4' } as const;

/**
 * Options for every run: checksum validation on (it is off by default), no name resolution, no
 * TCP sequence analysis or reassembly (each generated segment is a world of its own), and the
 * generated ports decoded as plain data, so random payloads are never read as an application
 * protocol by a port or heuristic dissector.
 */
export const TSHARK_OPTIONS = [
  '-n',
  '-o', 'ip.check_checksum:TRUE',
  '-o', 'udp.check_checksum:TRUE',
  '-o', 'tcp.check_checksum:TRUE',
  '-o', 'tcp.analyze_sequence_numbers:FALSE',
  '-o', 'tcp.relative_sequence_numbers:FALSE',
  '-o', 'tcp.desegment_tcp_streams:FALSE',
  '-d', `udp.port==${PORT_LO}-${PORT_HI},data`,
  '-d', `tcp.port==${PORT_LO}-${PORT_HI},data`,
];

/** One frame as `tshark -T fields` printed it: every occurrence of each field, in dissection order. */
export type TsharkFrame = Record<string, string[]>;

/** stderr lines that are not the "Running as user root" notice. */
export function unexpectedStderr(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() !== '' && !/^Running as user/.test(line));
}

/** Run tshark once over a file and return one record per frame with all occurrences of `fields`. */
export async function tsharkFields(path: string, fields: readonly string[], extra: readonly string[] = []): Promise<TsharkFrame[]> {
  const { stdout, stderr } = await run(
    'tshark',
    ['-r', path, ...TSHARK_OPTIONS, ...extra, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', `aggregator=${AGGREGATOR}`, ...fields.flatMap((f) => ['-e', f])],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const noise = unexpectedStderr(stderr);
  if (noise.length) throw new Error(`tshark wrote to stderr:\n${noise.join('\n')}`);
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const columns = line.split('\t');
      if (columns.length !== fields.length) throw new Error(`tshark printed ${columns.length} columns, expected ${fields.length}: ${JSON.stringify(line)}`);
      return Object.fromEntries(fields.map((f, i) => [f, columns[i] === '' ? [] : columns[i].split(AGGREGATOR)]));
    });
}

/** The expert infos of a frame as [severity, message] pairs. */
export function experts(frame: TsharkFrame): { severity: number; message: string }[] {
  const severities = frame['_ws.expert.severity'] ?? [];
  const messages = frame['_ws.expert.message'] ?? [];
  return severities.map((s, i) => ({ severity: Number(s), message: messages[i] ?? '' }));
}
