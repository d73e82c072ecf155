/**
 * Library messages name library options (`{ force: true }`, `hdrincl: false`); a CLI user has
 * flags instead. Every option a library message may suggest is listed here once with its flag,
 * and the CLI prints messages through `inCliTerms`. test/transport/send-cli.test.ts checks that
 * no message the CLI prints names a library option.
 */
const LIBRARY_OPTIONS: readonly (readonly [RegExp, string])[] = [
  [/\{ ?force: true ?\}|\bforce: true\b/g, '--force'],
  [/\{ ?broadcast: true ?\}/g, '--broadcast'],
  [/\bhdrincl: false\b/g, '--no-hdrincl'],
  [/\bipv6Hdrincl: false\b/g, '--ipv6-hdrincl off'],
  [/\bipv6Hdrincl\b(?:: true)?/g, '--ipv6-hdrincl on'],
  [/\buse the (pcapng?) transport\b/g, 'use --transport $1:PATH'],
  [/\ba larger sendBufferSize \(SO_SNDBUF\)/g, 'a larger --sndbuf BYTES (SO_SNDBUF)'],
  [/\{ ?kind: 'link' ?\}/g, '--transport link'],
  [/\bpad: false\b/g, '--no-pad'],
  [/\bethernet\(\{ ?pad: true ?\}\)/g, 'ethernet(pad=60)'],
  [/\bpacketLength\b/g, 'PACKET_LEN'],
];

/** `text` with the library options it names replaced by the CLI flags that set them. */
export function inCliTerms(text: string): string {
  let out = text;
  for (const [option, flag] of LIBRARY_OPTIONS) out = out.replace(option, flag);
  return out;
}
