/* tcpwait.c - loopback is quick but asynchronous: a FIN or the final ACK
 * arrives a moment after the call that sent it returns. */
#include "config.h"

#include "tcpwait.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

int tcpwait_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return -1;
	return ti.tcpi_state;
}

int tcpwait_until(int fd, int state, int timeout_ms)
{
	struct timespec ms = { 0, 1000000L };

	for (int i = 0; i < timeout_ms; i++) {
		if (tcpwait_state(fd) == state)
			return 0;
		nanosleep(&ms, NULL);
	}
	return -1;
}
