/*
 * sendmmsg-loop: the C baseline of the transport benchmark (bench/transport.ts). It sends the
 * same bytes COUNT times with sendmmsg(2) in batches of BATCH, the fastest plain way one thread
 * hands datagrams to the kernel, and prints one JSON line: {"sent":N,"ns":T,"errors":E}.
 *
 *   sendmmsg-loop raw    DEST-IPV4 COUNT BATCH HEX [PPS]    IPPROTO_RAW socket (IP_HDRINCL), to DEST
 *   sendmmsg-loop packet IFNAME    COUNT BATCH HEX [PPS]    AF_PACKET SOCK_RAW socket bound to IFNAME
 *
 * PPS paces the run: batch k leaves at k * BATCH / PPS seconds from the start (for receivers'
 * tests that need a steady rate rather than the fastest one).
 * HEX is the datagram (raw) or the whole frame (packet). ENOBUFS/EAGAIN are retried at once (the
 * batch resumes after what was sent) and counted in "errors"; any other error ends the run.
 * Written against the Linux man pages sendmmsg(2), raw(7), packet(7); nothing of rawcraft is used.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hex.h"

int main(int argc, char **argv) {
  if (argc != 6 && argc != 7) {
    fprintf(stderr, "usage: %s raw|packet DEST|IFNAME COUNT BATCH HEX [PPS]\n", argv[0]);
    return 2;
  }
  const char *mode = argv[1];
  long count = atol(argv[3]);
  int batch = atoi(argv[4]);
  const char *hex = argv[5];
  double pps = argc == 7 ? atof(argv[6]) : 0;
  if (batch < 1 || batch > 1024 || count < 1) {
    fprintf(stderr, "bad arguments\n");
    return 2;
  }
  size_t len;
  unsigned char *bytes = parse_hex(hex, &len);
  if (!bytes) {
    fprintf(stderr, "bad hex\n");
    return 2;
  }

  int fd;
  struct sockaddr_in dest;
  int use_name = 0;
  if (strcmp(mode, "raw") == 0) {
    fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    memset(&dest, 0, sizeof dest);
    dest.sin_family = AF_INET;
    if (inet_pton(AF_INET, argv[2], &dest.sin_addr) != 1) {
      fprintf(stderr, "bad address\n");
      return 2;
    }
    use_name = 1;
  } else if (strcmp(mode, "packet") == 0) {
    fd = socket(AF_PACKET, SOCK_RAW, 0);
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = 0;
    sll.sll_ifindex = (int)if_nametoindex(argv[2]);
    if (fd >= 0 && (sll.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0)) {
      perror("bind");
      return 1;
    }
  } else {
    fprintf(stderr, "mode: raw or packet\n");
    return 2;
  }
  if (fd < 0) {
    perror("socket");
    return 1;
  }

  struct mmsghdr *msgs = calloc((size_t)batch, sizeof *msgs);
  struct iovec *iov = calloc((size_t)batch, sizeof *iov);
  for (int i = 0; i < batch; i++) {
    iov[i].iov_base = bytes;
    iov[i].iov_len = len;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    if (use_name) {
      msgs[i].msg_hdr.msg_name = &dest;
      msgs[i].msg_hdr.msg_namelen = sizeof dest;
    }
  }

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long sent = 0, errors = 0;
  while (sent < count) {
    long left = count - sent;
    int n = left < batch ? (int)left : batch;
    if (pps > 0) {
      /* Due time of the packet `sent` on the schedule, absolute. */
      double due = (double)sent / pps;
      struct timespec at = t0;
      at.tv_sec += (time_t)due;
      at.tv_nsec += (long)((due - (double)(time_t)due) * 1e9);
      if (at.tv_nsec >= 1000000000L) {
        at.tv_sec++;
        at.tv_nsec -= 1000000000L;
      }
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
    }
    int r = sendmmsg(fd, msgs, (unsigned)n, 0);
    if (r < 0) {
      if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
        errors++;
        continue;
      }
      perror("sendmmsg");
      return 1;
    }
    sent += r;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  printf("{\"sent\":%ld,\"ns\":%lld,\"errors\":%ld}\n", sent, ns, errors);
  close(fd);
  return 0;
}
