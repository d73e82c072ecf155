/**
 * examples/loopback.yaml is the scenario a newcomer may really send (README, docs/traffic.md):
 * every packet it generates must be addressed to loopback, whatever the seed.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/index.js';
import { generateTraffic, loadScenario } from '../../src/traffic/index.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'loopback.yaml');

describe('examples/loopback.yaml', () => {
  for (const seed of [1, 2, 99]) {
    it(`addresses every packet to loopback (seed ${seed})`, () => {
      let count = 0;
      for (const p of generateTraffic(loadScenario(EXAMPLE), { seed })) {
        const ip = decode(p.data, { mode: 'lax' }).layers[0];
        expect(ip.layer === 'ipv4' || ip.layer === 'ipv6').toBe(true);
        const dst = (ip.fields as { dst: string }).dst;
        expect(dst === '::1' || dst.startsWith('127.'), `packet ${p.number} to ${dst}`).toBe(true);
        count++;
      }
      expect(count).toBe(650);
    });
  }
});
