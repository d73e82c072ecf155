/*
 * udp-counter: an independent receiver for the load tests (test/transport/load.test.ts).
 *
 *   udp-counter PORT [RCVBUF [ADDRESS]]
 *
 * Binds a UDP socket to ADDRESS:PORT (default 127.0.0.1; port 0: any free port), asks the kernel for SO_RXQ_OVFL
 * (each datagram then carries the socket's drop counter, sk_drops) and counts datagrams with
 * recvmmsg(2). Prints {"ready":true,...} once bound. When its standard input closes (the sender
 * has finished), it drains the queue, then sends itself one marker datagram from a second
 * socket: the marker arrives behind everything else, so its SO_RXQ_OVFL value is the final drop
 * count. It also reads the socket's "drops" column from /proc/net/udp (the same counter, read
 * another way) and prints one JSON line:
 *
 *   {"received":N,"bytes":B,"rxqOvfl":D,"procDrops":D2,"truncated":T}
 *
 * Written against the Linux man pages socket(7) (SO_RXQ_OVFL, SO_RCVBUFFORCE), recvmmsg(2),
 * proc_net(5) (/proc/net/udp); nothing of rawcraft is used.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH 256
#define SLOT 2048
static const char MARKER[] = "udp-counter end marker";

static unsigned char data[BATCH][SLOT];
static char control[BATCH][CMSG_SPACE(sizeof(uint32_t))];
static struct mmsghdr msgs[BATCH];
static struct iovec iovs[BATCH];

static unsigned long long received, bytes, truncated;
static uint32_t rxq_ovfl;
static int marker_seen;

static void die(const char *what) {
  fprintf(stderr, "udp-counter: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* Read what is queued (non-blocking); returns the number of datagrams read. */
static int drain(int fd) {
  int total = 0;
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      iovs[i].iov_base = data[i];
      iovs[i].iov_len = SLOT;
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_control = control[i];
      msgs[i].msg_hdr.msg_controllen = sizeof control[i];
    }
    int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return total;
      if (errno == EINTR) continue;
      die("recvmmsg");
    }
    for (int i = 0; i < n; i++) {
      struct msghdr *h = &msgs[i].msg_hdr;
      for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) memcpy(&rxq_ovfl, CMSG_DATA(c), sizeof rxq_ovfl);
      }
      if (msgs[i].msg_len == sizeof MARKER - 1 && memcmp(data[i], MARKER, sizeof MARKER - 1) == 0) {
        marker_seen = 1;
        continue;
      }
      if (h->msg_flags & MSG_TRUNC) truncated++;
      received++;
      bytes += msgs[i].msg_len;
    }
    total += n;
  }
}

/* The "drops" column (the last) of this socket's line in /proc/net/udp, found by inode. */
static long long proc_drops(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) die("fstat");
  FILE *f = fopen("/proc/net/udp", "r");
  if (!f) die("/proc/net/udp");
  char line[512];
  long long drops = -1;
  while (fgets(line, sizeof line, f)) {
    unsigned long inode;
    long long d;
    /* sl local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops */
    if (sscanf(line, " %*s %*s %*s %*s %*s %*s %*s %*s %*s %lu %*s %*s %lld", &inode, &d) == 2 && inode == (unsigned long)st.st_ino) drops = d;
  }
  fclose(f);
  return drops;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: udp-counter PORT [RCVBUF [ADDRESS]]\n");
    return 2;
  }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) != 0) die("SO_RXQ_OVFL");
  if (argc > 2 && atoi(argv[2]) > 0) {
    int size = atoi(argv[2]);
    /* FORCE goes past net.core.rmem_max (root); fall back to the capped option. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) != 0) die("SO_RCVBUF");
  }
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (argc > 3 && inet_pton(AF_INET, argv[3], &addr.sin_addr) != 1) {
    fprintf(stderr, "udp-counter: not an IPv4 address: %s\n", argv[3]);
    return 2;
  }
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind");
  socklen_t len = sizeof addr;
  if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0) die("getsockname");
  int rcvbuf = 0;
  len = sizeof rcvbuf;
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len);
  printf("{\"ready\":true,\"port\":%d,\"rcvbuf\":%d}\n", ntohs(addr.sin_port), rcvbuf);
  fflush(stdout);

  struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (fds[0].revents & POLLIN) drain(fd);
    if (fds[1].revents) {
      char buf[64];
      ssize_t n = read(0, buf, sizeof buf);
      if (n <= 0) break; /* EOF: the sender is done */
    }
  }
  drain(fd);

  int out = socket(AF_INET, SOCK_DGRAM, 0);
  if (out < 0) die("socket");
  if (sendto(out, MARKER, sizeof MARKER - 1, 0, (struct sockaddr *)&addr, sizeof addr) < 0) die("sendto marker");
  while (!marker_seen) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, 5000);
    if (r == 0) {
      fprintf(stderr, "udp-counter: the end marker did not arrive within 5 s\n");
      return 1;
    }
    if (r < 0 && errno != EINTR) die("poll");
    drain(fd);
  }
  printf("{\"received\":%llu,\"bytes\":%llu,\"rxqOvfl\":%u,\"procDrops\":%lld,\"truncated\":%llu}\n", received, bytes, rxq_ovfl, proc_drops(fd), truncated);
  return 0;
}
