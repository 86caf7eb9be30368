/* tcpwait.h - for the population programs (sockpop, ownpop): a TCP
 * socket's state, and waiting on loopback until it reaches one. */
#ifndef SOCKSCOPE_TESTS_TCPWAIT_H
#define SOCKSCOPE_TESTS_TCPWAIT_H

/* The kernel's TCP state of fd (TCP_ESTABLISHED...), or -1. */
int tcpwait_state(int fd);

/* Poll every millisecond until fd is in state; 0, or -1 after
 * timeout_ms. */
int tcpwait_until(int fd, int state, int timeout_ms);

#endif
