/*
 * hex.h: the packet argument of the bench's C loops (sendmmsg-loop.c, pcap-inject-loop.c), hex
 * text to bytes. Header-only: each loop is compiled on its own with `cc -O2 FILE.c`.
 */
#ifndef RAWCRAFT_BENCH_HEX_H
#define RAWCRAFT_BENCH_HEX_H
#include <stdlib.h>
#include <string.h>

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* The bytes of HEX (malloc'd) and their count in *len; NULL when the text is not hex or empty. */
static unsigned char *parse_hex(const char *hex, size_t *len) {
  size_t n = strlen(hex) / 2;
  if (n == 0 || strlen(hex) % 2) return NULL;
  unsigned char *bytes = malloc(n);
  for (size_t i = 0; i < n; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(bytes);
      return NULL;
    }
    bytes[i] = (unsigned char)(hi << 4 | lo);
  }
  *len = n;
  return bytes;
}
#endif
