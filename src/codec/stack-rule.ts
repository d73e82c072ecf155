/**
 * Which layer may follow which: the one rule that the typed builder (through the `follows`
 * lists, at compile time), the runtime builder and the expression language all apply.
 */
import { StackError } from './errors.js';
import type { LayerCodec } from './layer.js';

/** May `codec` come after the layer named `previous` (undefined: at the start of a packet)? */
export function mayFollow(codec: LayerCodec, previous: string | undefined): boolean {
  return codec.follows.includes(previous ?? 'start');
}

/** The error for a layer placed where it may not follow: names the layer and what it may follow. */
export function stackError(codec: LayerCodec, previous: string | undefined): StackError {
  return new StackError(codec.name, `cannot follow ${previous ?? 'the start of a packet'}; it may follow ${codec.follows.join(', ')}`);
}
