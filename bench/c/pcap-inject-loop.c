/*
 * pcap-inject-loop: what libpcap itself costs per frame, for the link transport's libpcap path
 * (bench/transport-vs-c.ts). It sends the same frame COUNT times with pcap_inject(3PCAP) on a
 * handle opened as the link transport opens its sending handle (pcap_create, snap length 262144,
 * immediate mode, an 8 MiB buffer, pcap_activate, then the filter "less 1", so the handle captures none of its own frames),
 * and prints one JSON line: {"sent":N,"ns":T,"errors":E}.
 *
 *   pcap-inject-loop IFNAME COUNT HEX
 *
 * The timer starts after the handle is open, as in sendmmsg-loop.c. ENOBUFS/EAGAIN are retried
 * at once and counted in "errors"; any other error ends the run. Written against the libpcap
 * man pages; nothing of rawcraft is used. Build: cc -O2 pcap-inject-loop.c -lpcap
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hex.h"

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s IFNAME COUNT HEX\n", argv[0]);
    return 2;
  }
  long count = atol(argv[2]);
  size_t len;
  unsigned char *frame = parse_hex(argv[3], &len);
  if (!frame) {
    fprintf(stderr, "bad hex\n");
    return 2;
  }
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_create(argv[1], errbuf);
  if (!p) {
    fprintf(stderr, "pcap_create: %s\n", errbuf);
    return 1;
  }
  pcap_set_snaplen(p, 262144);
  pcap_set_promisc(p, 0);
  pcap_set_immediate_mode(p, 1);
  pcap_set_buffer_size(p, 8 << 20);
  if (pcap_activate(p) < 0) {
    fprintf(stderr, "pcap_activate: %s\n", pcap_geterr(p));
    return 1;
  }
  struct bpf_program program;
  if (pcap_compile(p, &program, "less 1", 1, PCAP_NETMASK_UNKNOWN) < 0 || pcap_setfilter(p, &program) < 0) {
    fprintf(stderr, "filter: %s\n", pcap_geterr(p));
    return 1;
  }
  struct timespec t0, t1;
  long sent = 0, errors = 0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  while (sent < count) {
    if (pcap_inject(p, frame, len) < 0) {
      const char *e = pcap_geterr(p);
      if (strstr(e, "No buffer space") || strstr(e, "Resource temporarily unavailable")) {
        errors++;
        continue;
      }
      fprintf(stderr, "pcap_inject: %s\n", e);
      return 1;
    }
    sent++;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  printf("{\"sent\":%ld,\"ns\":%lld,\"errors\":%ld}\n", sent, ns, errors);
  pcap_close(p);
  return 0;
}
