/**
 * ping(): ICMP echo requests to 127.0.0.1 and ::1, with the statistics ping(8) prints.
 * Raw sockets: root or CAP_NET_RAW. `node dist/examples/ping.js`; run by the tests.
 */
import { ping } from '../src/index.js';

// #region ping
for (const host of ['127.0.0.1', '::1']) {
  const result = await ping(host, { count: 3, intervalMs: 100, timeoutMs: 1000 });
  for (const reply of result.replies) console.log(`${host} seq ${reply.seq}: ${reply.status} from ${reply.from} in ${reply.rttMs?.toFixed(3)} ms`);
  console.log(`${host}: ${result.transmitted} transmitted, ${result.received} received, ${result.lossPercent}% loss`);
}
// #endregion ping
