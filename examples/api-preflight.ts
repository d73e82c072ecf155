/**
 * More `@example`s of the API reference (pre-flight, platforms, the probe, Winsock), included
 * region by region by doc comments in src/ and run by test/examples/examples.test.ts, which
 * checks what each region prints. Nothing is sent; the probe opens and closes raw sockets.
 *   node dist/examples/api-preflight.js
 */
import {
  detectContext,
  type Finding,
  formatFinding,
  formatProbe,
  hasErrors,
  ipv4,
  parsePlatform,
  platformFromOs,
  platformName,
  preflight,
  PreflightError,
  PreflightGuard,
  preflightLink,
  preflightSocket,
  LinkPreflightGuard,
  probe,
  resolveContext,
  resolveLinkContext,
  restrictionStatus,
  WindowsRawSocket,
  WinsockError,
  wsaError,
} from '../src/index.js';

const syn = ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).tcp({ dstPort: 80, flags: ['syn'] });

{
  // #region findings
  // A Finding: a rule's code, severity, message, remedy, and the source it rests on.
  const findings: Finding[] = preflight(syn, { platform: 'windows-10' });
  console.log(`hasErrors: ${hasErrors(findings)}`);
  const blocked = findings.find((f) => f.code === 'WIN_TCP_SEND_BLOCKED')!;
  console.log(formatFinding(blocked).split('\n')[0]);
  // preflightSocket: the rules about opening a socket alone (privileges, protocol 0...).
  console.log(`preflightSocket: ${preflightSocket({ platform: 'linux', privileges: 'unprivileged' }).map((f) => f.code).join(', ')}`);
  // #endregion findings
}

{
  // #region guard
  // PreflightGuard: what sockets run before each call; error findings throw a PreflightError
  // carrying every finding (unless forced).
  const guard = new PreflightGuard({ family: 4, protocol: 255, hdrincl: true }, { platform: 'windows-11', privileges: 'elevated' });
  try {
    guard.checkSend(syn.encode(), '198.51.100.2');
  } catch (e) {
    if (e instanceof PreflightError) console.log(`PreflightError: ${e.findings.map((f) => f.code).join(', ')}`);
  }
  console.log(`forced: ${guard.checkSend(syn.encode(), '198.51.100.2', true).length} findings`);
  // #endregion guard
}

{
  // #region platforms
  // Platforms by name (`rawcraft preflight --platform`), from os facts, and what is detected here.
  const server = parsePlatform('windows-server-2022');
  console.log(`parsePlatform: ${platformName(server)}; restrictionStatus: ${server.os === 'windows' ? restrictionStatus(server) : '-'}`);
  console.log(`platformFromOs: ${platformName(platformFromOs({ platform: 'win32', release: '10.0.22631', version: 'Windows 11 Pro' }))}`);
  const here = resolveContext({ privileges: 'elevated' }); // detected, except what is given
  console.log(`resolveContext: ${here.platform.os}, privileges ${here.privileges}; detectContext: ${detectContext().platform.os}`);
  // #endregion platforms
}

{
  // #region link-preflight
  // The link transport's rules (libpcap): facts can be given instead of detected.
  const frame = Buffer.alloc(10); // shorter than an Ethernet header
  const findings = preflightLink(frame, { platform: 'linux', privileges: 'elevated', interface: 'eth9', link: { exists: true, up: true, running: true, mtu: 1500, linkType: 1 } });
  console.log(`preflightLink: ${findings.filter((f) => f.severity === 'error').map((f) => f.code).join(', ')}`);
  const resolved = resolveLinkContext({ platform: 'windows-11', interface: 'eth9', link: { npcapAdminOnly: true }, privileges: 'unprivileged' });
  console.log(`resolveLinkContext: npcapAdminOnly ${resolved.link.npcapAdminOnly}`);
  const guard = new LinkPreflightGuard({ platform: 'linux', privileges: 'elevated', link: { exists: false } });
  try {
    guard.checkInterface('eth9');
  } catch (e) {
    if (e instanceof PreflightError) console.log(`LinkPreflightGuard: ${e.findings.map((f) => f.code).join(', ')}`);
  }
  // #endregion link-preflight
}

{
  // #region probe
  // probe(): what this machine's raw sockets can do (opens and closes them; sends nothing).
  const report = probe();
  console.log(`probe: ${report.sockets.filter((s) => s.opens).length} of ${report.sockets.length} raw sockets open`);
  console.log(formatProbe(report).split('\n')[0]);
  // #endregion probe
}

{
  // #region winsock
  // On Windows, WindowsRawSocket (Winsock) runs pre-flight before each call; its failures are
  // WinsockErrors with a remedy. wsaError looks a Windows Sockets code up anywhere.
  const info = wsaError(10013);
  console.log(`wsaError 10013: ${info.name}`);
  if (process.platform === 'win32') {
    try {
      using sock = WindowsRawSocket.open({ family: 4, protocol: 1 });
      sock.send(Buffer.from('0800f7fe00010000', 'hex'), '127.0.0.1');
    } catch (e) {
      if (e instanceof WinsockError) console.log(`${e.syscall}: ${e.errnoName}: ${e.remedy}`);
      else if (e instanceof PreflightError) console.log(e.message);
      else throw e;
    }
  }
  // #endregion winsock
}
