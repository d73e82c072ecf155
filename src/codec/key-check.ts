/**
 * A generated check that a fields object has no key outside `names`: it returns the first
 * unknown key, or undefined. A string switch over the known names is several times cheaper per
 * key than a Set lookup, and a typo must never be silently dropped.
 */
export function keyChecker(names: Iterable<string>): (fields: object) => string | undefined {
  const cases = [...names].map((n) => `case ${JSON.stringify(n)}:`).join(' ');
  return new Function('f', `for (const k in f) { switch (k) { ${cases} break; default: return k; } } return undefined;`) as (fields: object) => string | undefined;
}
