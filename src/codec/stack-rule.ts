/**
 * Which layer may follow which: the one rule that the typed builder (through the bindings'
 * `follows` and `carries`, at compile time), the runtime builder and the expression language
 * all apply. Both lists come from each protocol's LayerBinding (types.ts).
 */
import { StackError } from './errors.js';
import type { LayerCodec } from './layer.js';
import { codecByName, codecs } from './registry.js';

/**
 * May `codec` come after the layer named `previous` (undefined: at the start of a packet)?
 * Yes when its binding follows `previous`, or when `previous`'s binding carries it.
 */
export function mayFollow(codec: LayerCodec, previous: string | undefined): boolean {
  if (codec.follows.includes(previous ?? 'start')) return true;
  return previous !== undefined && codecByName(previous)?.carries?.includes(codec.name) === true;
}

/** Every layer `codec` may follow (`start`: the beginning of a packet): its own `follows`, then the layers that carry it. */
export function previousLayers(codec: LayerCodec): string[] {
  const carriers = codecs.filter((c) => c.carries?.includes(codec.name) && !codec.follows.includes(c.name)).map((c) => c.name);
  return [...codec.follows, ...carriers];
}

/** The error for a layer placed where it may not follow: names the layer and what it may follow. */
export function stackError(codec: LayerCodec, previous: string | undefined): StackError {
  return new StackError(codec.name, `cannot follow ${previous ?? 'the start of a packet'}; it may follow ${previousLayers(codec).join(', ')}`);
}
