/**
 * Import circles in src/ (type imports included), found by Tarjan's strongly connected
 * components over the relative imports. The one kept is the SCTP TLV trio, which mirrors RFC
 * 9260's own nesting (say so in a comment there); any other circle fails here with its files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');
const walk = (dir: string, out: string[] = []): string[] => {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
};

function circles(): string[][] {
  const files = walk(SRC);
  const known = new Set(files);
  const edges = new Map(
    files.map((f) => {
      const deps = [...readFileSync(f, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => resolve(dirname(f), m[1]).replace(/\.js$/, '.ts'));
      return [f, deps.filter((d) => known.has(d))];
    }),
  );
  let next = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) (visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!)));
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(relative(SRC, w));
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

describe('import circles in src/', () => {
  it('only the SCTP TLV files, which nest as RFC 9260 nests them', () => {
    expect(circles()).toEqual([['codec/protocols/sctp-causes.ts', 'codec/protocols/sctp-chunks.ts', 'codec/protocols/sctp-params.ts']]);
  });
});
