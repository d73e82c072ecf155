/**
 * A JSON reader that keeps object members in order and keeps repeated keys: tshark's `-T json`
 * writes a field once per occurrence (two chunks, two `sctp.chunk_type`), which JSON.parse
 * would collapse. Objects become lists of [key, value] pairs.
 */
export type OrderedValue = string | number | boolean | null | OrderedValue[] | OrderedObject;
export interface OrderedObject {
  readonly entries: [string, OrderedValue][];
}

export function isObject(v: OrderedValue | undefined): v is OrderedObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every value of `key` among an object's direct members (a repeated key gives several). */
export function all(obj: OrderedObject, key: string): OrderedValue[] {
  return obj.entries.filter(([k]) => k === key).flatMap(([, v]) => (Array.isArray(v) ? v : [v]));
}

/** The first value of `key`, or undefined. */
export function first(obj: OrderedObject, key: string): OrderedValue | undefined {
  return obj.entries.find(([k]) => k === key)?.[1];
}

export function parseOrderedJson(text: string): OrderedValue {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`ordered JSON: ${what} at ${i}: ${JSON.stringify(text.slice(i, i + 40))}`);
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') {
      if (text[i] === '\\') i++;
      if (i >= text.length) fail('unterminated string');
      i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): OrderedValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: [string, OrderedValue][] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = str();
        ws();
        if (text[i++] !== ':') fail('expected :');
        entries.push([key, value()]);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return { entries };
        } else fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const list: OrderedValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return list;
      }
      for (;;) {
        list.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return list;
        } else fail('expected , or ]');
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 40));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return JSON.parse(m[0]) as OrderedValue;
  };
  const result = value();
  ws();
  if (i !== text.length) fail('trailing text');
  return result;
}
