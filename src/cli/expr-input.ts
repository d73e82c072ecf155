/** Telling an expression argument (`ipv4(dst=127.0.0.1)/udp`) from a file name. */
import { existsSync } from 'node:fs';
import { codecByName } from '../codec/registry.js';
import { sctpChunks } from '../codec/protocols/sctp-chunks.js';
import { encodeLayers } from '../codec/encode.js';
import { expand } from '../expr/expand.js';
import { withRouteSource } from '../transport/transports/source.js';

/** An argument is an expression when it is not an existing file and has a `(` or names only layers. */
export function isExpressionArg(text: string | undefined): text is string {
  if (text === undefined || text === '-' || existsSync(text)) return false;
  if (/^[A-Za-z][\w-]*\s*[(/]/.test(text) && text.includes('(')) return true;
  const parts = text.split('/');
  return parts.every((p) => !!codecByName(p.trim()) || sctpChunks.byName.has(p.trim())) && !!codecByName(parts[0].trim());
}

/**
 * The packets of an expression argument (one per value of its ranges: docs/expressions.md),
 * each with its bytes and first layer. An IP source left out is the one this host would send
 * from towards the destination (withRouteSource), as `send` sends it. Throws ExpressionError
 * (exit 2) before the first packet.
 */
export function expressionPackets(text: string, warn?: (message: string) => void): AsyncGenerator<{ bytes: Buffer; from: string }> {
  const packets = expand(text);
  return (async function* () {
    for (const parsed of packets) {
      const { layers } = await withRouteSource(parsed);
      yield { bytes: encodeLayers(layers, { onWarning: (w) => warn?.(w.message) }), from: layers[0].layer };
    }
  })();
}
