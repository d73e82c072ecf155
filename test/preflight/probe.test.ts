/** probe() on this (Linux) machine: real raw sockets are opened and closed; nothing is sent. */
import { describe, expect, it } from 'vitest';
import { formatProbe, probe, PROBED } from '../../src/transport/socket/probe.js';
import { detectPrivileges } from '../../src/transport/preflight/context.js';

const elevated = detectPrivileges() === 'elevated';

describe.skipIf(process.platform !== 'linux')('probe() on Linux', () => {
  it('reports every family and protocol tried, with privileges and interfaces', () => {
    const r = probe();
    expect(r.platform.os).toBe('linux');
    expect(r.sockets.map((s) => [s.family, s.protocol])).toEqual(PROBED.map(([f, p]) => [f, p]));
    expect(r.interfaces.some((a) => a.address === '127.0.0.1')).toBe(true);
    expect(r.catalog).toBeUndefined();
    expect(formatProbe(r)).toMatch(/^platform: linux .*\nprivileges: (elevated|unprivileged)\ninterfaces: .*127\.0\.0\.1\/8 \(lo\).*\nraw sockets:\n  IPv4 ICMP \(1\)/s);
  });

  it('as root (or with CAP_NET_RAW): raw sockets open and take IP_HDRINCL / IPV6_HDRINCL, and nothing disagrees', (ctx) => {
    if (!elevated) {
      if (process.env.CI === 'true') throw new Error('CI=true but this process cannot open raw sockets');
      ctx.skip('needs root or CAP_NET_RAW');
    }
    const r = probe();
    expect(r.privileges).toBe('elevated');
    for (const s of r.sockets.filter((x) => x.protocol !== 132)) {
      expect(s.opens, `IPv${s.family} ${s.protocolName}: ${s.error?.message}`).toBe(true);
      expect(s.hdrincl?.supported, `IPv${s.family} ${s.protocolName} hdrincl`).toBe(true);
    }
    expect(r.disagreements).toEqual([]);
  });
});
