/*
 * A usrsctp server for rawcraft's SCTP interop test: usrsctp (a stack rawcraft did not write)
 * listens on 127.0.0.1 with SCTP over UDP encapsulation (RFC 6951), and reports on stdout, one
 * line each, what it sees:
 *
 *   READY                                         listening
 *   EVENT assoc_change state=S error=E out=O in=I  association events (1 up, 2 lost...)
 *   DATA sid=S ssn=N tsn=T ppid=P hex=H            a user message
 *
 * usage: usrsctp-peer UDP_PORT SCTP_PORT [SECONDS]
 * Exits 0 after the association is lost (ABORT received), 2 on usage or setup errors, 3 when
 * UDP_PORT is taken (the caller retries), 4 after SECONDS (default 30) without that.
 *
 * Built by the test (cc usrsctp-peer.c -lusrsctp -lpthread) into a temporary directory.
 * Checksums are verified and computed on loopback too (no_csum_on_loopback 0): a packet with a
 * bad CRC32c is dropped, which the test checks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <usrsctp.h>

static void on_alarm(int sig) {
	(void)sig;
	printf("TIMEOUT\n");
	fflush(stdout);
	_exit(4);
}

/* Is the UDP port free? usrsctp_init does not say when its bind fails. */
static int udp_port_free(uint16_t port) {
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	int ok = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return ok;
}

int main(int argc, char *argv[]) {
	if (argc < 3) {
		fprintf(stderr, "usage: %s UDP_PORT SCTP_PORT [SECONDS]\n", argv[0]);
		return 2;
	}
	uint16_t udp_port = (uint16_t)atoi(argv[1]);
	uint16_t sctp_port = (uint16_t)atoi(argv[2]);
	unsigned seconds = argc > 3 ? (unsigned)atoi(argv[3]) : 30;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, on_alarm);
	alarm(seconds);

	if (!udp_port_free(udp_port)) {
		printf("BUSY\n");
		return 3;
	}
	usrsctp_init(udp_port, NULL, NULL);
	usrsctp_sysctl_set_sctp_no_csum_on_loopback(0);
	usrsctp_sysctl_set_sctp_blackhole(0);

	struct socket *sock = usrsctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP, NULL, NULL, 0, NULL);
	if (!sock) {
		perror("usrsctp_socket");
		return 2;
	}
	const int on = 1;
	if (usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on)) < 0) {
		perror("SCTP_RECVRCVINFO");
		return 2;
	}
	struct sctp_event event;
	memset(&event, 0, sizeof(event));
	event.se_assoc_id = SCTP_FUTURE_ASSOC;
	event.se_on = 1;
	event.se_type = SCTP_ASSOC_CHANGE;
	if (usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_EVENT, &event, sizeof(event)) < 0) {
		perror("SCTP_EVENT");
		return 2;
	}
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(sctp_port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (usrsctp_bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("usrsctp_bind");
		return 2;
	}
	if (usrsctp_listen(sock, 1) < 0) {
		perror("usrsctp_listen");
		return 2;
	}
	printf("READY\n");

	char buffer[4096];
	for (;;) {
		struct sockaddr_in from;
		socklen_t from_len = sizeof(from);
		struct sctp_rcvinfo info;
		socklen_t info_len = sizeof(info);
		unsigned int info_type = 0;
		int flags = 0;
		ssize_t n = usrsctp_recvv(sock, buffer, sizeof(buffer), (struct sockaddr *)&from, &from_len, &info, &info_len, &info_type, &flags);
		if (n < 0) {
			if (errno == EINTR) continue;
			perror("usrsctp_recvv");
			return 2;
		}
		if (flags & MSG_NOTIFICATION) {
			union sctp_notification *note = (union sctp_notification *)buffer;
			if (note->sn_header.sn_type == SCTP_ASSOC_CHANGE) {
				struct sctp_assoc_change *ac = &note->sn_assoc_change;
				printf("EVENT assoc_change state=%u error=%u out=%u in=%u\n", ac->sac_state, ac->sac_error, ac->sac_outbound_streams, ac->sac_inbound_streams);
				if (ac->sac_state == SCTP_COMM_LOST) break;
			}
			continue;
		}
		printf("DATA sid=%u ssn=%u tsn=%u ppid=%u hex=", info.rcv_sid, info.rcv_ssn, info.rcv_tsn, ntohl(info.rcv_ppid));
		for (ssize_t i = 0; i < n; i++) printf("%02x", (unsigned char)buffer[i]);
		printf("\n");
	}
	fflush(stdout);
	/* usrsctp_finish() waits for every association to go; the process is done anyway. */
	_exit(0);
}
