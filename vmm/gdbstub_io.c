// SPDX-License-Identifier: MIT
/*
 * The GDB remote serial protocol's transport: a TCP socket on the loopback
 * address, "$payload#checksum" packets, '+' acknowledgements and the
 * out-of-band 0x03 byte gdb sends for Ctrl-C.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "gdbstub.h"

int gdb_listen(struct gdb_conn *c, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	socklen_t len = sizeof(a);
	int one = 1;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->listen_fd < 0 ||
	    setsockopt(c->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(c->listen_fd, (struct sockaddr *)&a, sizeof(a)) || listen(c->listen_fd, 1) ||
	    getsockname(c->listen_fd, (struct sockaddr *)&a, &len)) {
		cli_error("--gdb: cannot listen on 127.0.0.1:%d: %s", port, strerror(errno));
		if (c->listen_fd >= 0)
			close(c->listen_fd);
		return -1;
	}
	fprintf(stderr, "pagelab: waiting for gdb on 127.0.0.1:%u (target remote :%u)\n",
		ntohs(a.sin_port), ntohs(a.sin_port));
	return 0;
}

int gdb_accept(struct gdb_conn *c)
{
	int one = 1;

	c->fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (c->fd < 0) {
		cli_error("--gdb: accept: %s", strerror(errno));
		return -1;
	}
	/* Packets are small and answered one by one: no Nagle delay. */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

void gdb_close(struct gdb_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	c->fd = c->listen_fd = -1;
}

static int next_byte(struct gdb_conn *c)
{
	if (c->buf_pos == c->buf_len) {
		ssize_t n;

		do
			n = read(c->fd, c->buf, sizeof(c->buf));
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			return -1;
		c->buf_len = (size_t)n;
		c->buf_pos = 0;
	}
	return c->buf[c->buf_pos++];
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* One "$...#xx" after the '$': the payload, or -1 on EOF; a bad checksum asks again. */
static int read_packet(struct gdb_conn *c)
{
	size_t n = 0;
	uint8_t sum = 0;
	int ch, hi, lo;

	while ((ch = next_byte(c)) >= 0 && ch != '#') {
		if (ch == '$') { /* a new packet restarts */
			n = 0, sum = 0;
			continue;
		}
		sum += (uint8_t)ch;
		if (n < GDB_PACKET_MAX)
			c->in[n++] = (char)ch;
	}
	hi = hex_digit(next_byte(c));
	lo = hex_digit(next_byte(c));
	if (ch < 0 || hi < 0 || lo < 0)
		return -1;
	c->in[n] = '\0';
	if ((uint8_t)(hi << 4 | lo) != sum)
		return write_all(c->fd, "-", 1) ? -1 : -2;
	return write_all(c->fd, "+", 1) ? -1 : (int)n;
}

int gdb_recv(struct gdb_conn *c)
{
	for (;;) {
		int ch = next_byte(c), n;

		if (ch < 0)
			return -1;
		if (ch == 0x03)
			return GDB_CTRL_C;
		if (ch != '$') /* acknowledgements and noise */
			continue;
		n = read_packet(c);
		if (n != -2)
			return n;
	}
}

int gdb_send(struct gdb_conn *c, const char *payload)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = strlen(payload);
	char tail[3] = { '#' };
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += (uint8_t)payload[i];
	tail[1] = hex[sum >> 4];
	tail[2] = hex[sum & 15];
	if (write_all(c->fd, "$", 1) || write_all(c->fd, payload, len) || write_all(c->fd, tail, 3))
		return -1;
	return 0;
}

int gdb_poll_interrupt(struct gdb_conn *c, int timeout_ms)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	int ch;

	if (c->buf_pos == c->buf_len && poll(&p, 1, timeout_ms) <= 0)
		return 0;
	ch = next_byte(c);
	return ch == 0x03 || ch < 0;
}
