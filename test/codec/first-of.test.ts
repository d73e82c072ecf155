/**
 * firstOf: the variants of a fast encoder and the fast decoders of a first layer are tried the
 * one that took the last input first. A stream of one stack then costs one call, whatever the
 * order the variants were made in (the decoders' list is newest first, so the stack learnt first
 * was tried last: after five others for ipv4-udp in the benchmark).
 */
import { describe, expect, it } from 'vitest';
import { firstOf } from '../../src/codec/fast-form.js';

/** Runs that each take inputs of one kind, counting every call. */
function runs(kinds: readonly string[]) {
  const calls: string[] = [];
  const list = kinds.map((kind) => (input: string) => {
    calls.push(kind);
    return input === kind ? `${kind}!` : undefined;
  });
  return { calls, list };
}

describe('firstOf', () => {
  it('one run is returned as it is; none gives undefined', () => {
    const { list } = runs(['a']);
    expect(firstOf(list)).toBe(list[0]);
    expect(firstOf([])).toBeUndefined();
  });

  it('a stream of one kind costs one call per input once its run has taken one', () => {
    const { calls, list } = runs(['a', 'b', 'c', 'd']);
    const run = firstOf(list)!;
    expect(run('d')).toBe('d!');
    expect(calls).toEqual(['a', 'b', 'c', 'd']);
    calls.length = 0;
    for (let i = 0; i < 5; i++) expect(run('d')).toBe('d!');
    expect(calls).toEqual(['d', 'd', 'd', 'd', 'd']);
  });

  it('another kind is found among the rest (the last winner not asked twice); nothing fits: undefined', () => {
    const { calls, list } = runs(['a', 'b', 'c']);
    const run = firstOf(list)!;
    run('c');
    calls.length = 0;
    expect(run('b')).toBe('b!');
    expect(calls).toEqual(['c', 'a', 'b']);
    calls.length = 0;
    expect(run('z')).toBeUndefined();
    expect(calls).toEqual(['b', 'a', 'c']);
    calls.length = 0;
    expect(run('b')).toBe('b!');
    expect(calls).toEqual(['b']);
  });
});
