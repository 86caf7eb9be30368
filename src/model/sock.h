/* sock.h - one record for every socket family sockscope knows.
 * Collectors fill it, filters read it, sinks render it. */
#ifndef SOCKSCOPE_MODEL_SOCK_H
#define SOCKSCOPE_MODEL_SOCK_H

#include <stddef.h>
#include <stdint.h>

/* Socket tables, in the order ss prints them. */
enum sock_netid {
	SOCK_NETID_UNIX_STREAM = 0,
	SOCK_NETID_UNIX_DGRAM,
	SOCK_NETID_UNIX_SEQPACKET,
	SOCK_NETID_UDP,
	SOCK_NETID_TCP,
	SOCK_NETID_COUNT
};

#define SOCK_NETID_BIT(n) (1u << (n))
#define SOCK_NETIDS_UNIX                                                       \
	(SOCK_NETID_BIT(SOCK_NETID_UNIX_STREAM) |                              \
	 SOCK_NETID_BIT(SOCK_NETID_UNIX_DGRAM) |                               \
	 SOCK_NETID_BIT(SOCK_NETID_UNIX_SEQPACKET))
#define SOCK_NETIDS_INET                                                       \
	(SOCK_NETID_BIT(SOCK_NETID_UDP) | SOCK_NETID_BIT(SOCK_NETID_TCP))
#define SOCK_NETIDS_ALL (SOCK_NETIDS_UNIX | SOCK_NETIDS_INET)

/* States use the kernel's TCP numbering (include/net/tcp_states.h); Unix
 * and UDP sockets report the same numbers (ESTABLISHED, CLOSE, LISTEN). */
enum sock_state {
	SOCK_ST_UNKNOWN = 0,
	SOCK_ST_ESTABLISHED = 1,
	SOCK_ST_SYN_SENT,
	SOCK_ST_SYN_RECV,
	SOCK_ST_FIN_WAIT1,
	SOCK_ST_FIN_WAIT2,
	SOCK_ST_TIME_WAIT,
	SOCK_ST_CLOSE,
	SOCK_ST_CLOSE_WAIT,
	SOCK_ST_LAST_ACK,
	SOCK_ST_LISTEN,
	SOCK_ST_CLOSING,
	SOCK_ST_COUNT /* 12 */
};

#define SOCK_STATE_BIT(s) (1u << (s))
#define SOCK_STATES_ALL (((1u << SOCK_ST_COUNT) - 1) & ~1u)

enum sock_flag {
	SOCK_F_V6ONLY = 1u << 0,   /* AF_INET6 socket with IPV6_V6ONLY */
	SOCK_F_HAS_VFS = 1u << 1,  /* vfs_ino/vfs_dev are valid */
	SOCK_F_HAS_UID = 1u << 2,  /* uid is valid */
	SOCK_F_HAS_RQ = 1u << 3,   /* rq is known */
	SOCK_F_HAS_PEER = 1u << 4, /* peer_ino is known (0: no peer) */
	SOCK_F_HAS_WQ = 1u << 5,   /* wq is known */
	SOCK_F_HAS_TIMER = 1u << 6, /* timer, retrans, expires_ms are known */
};

/* The timer a TCP socket has running (inet_diag_msg.idiag_timer and the
 * "tr" column of /proc/net/tcp use the same numbers). */
enum sock_timer {
	SOCK_TIMER_OFF = 0,
	SOCK_TIMER_ON = 1,        /* retransmit (ss: "on") */
	SOCK_TIMER_KEEPALIVE = 2,
	SOCK_TIMER_TIMEWAIT = 3,
	SOCK_TIMER_PROBE = 4,     /* zero window probe (ss: "persist") */
	SOCK_TIMER_COUNT
};

#define SOCK_UNIX_NAME_MAX 108 /* sizeof(sun_path) */

struct sock_rec {
	uint8_t netid;  /* enum sock_netid */
	uint8_t family; /* AF_INET, AF_INET6 or AF_UNIX */
	uint8_t state;  /* enum sock_state */
	uint8_t flags;  /* enum sock_flag */
	uint8_t timer;  /* enum sock_timer, with SOCK_F_HAS_TIMER */
	uint8_t retrans; /* retransmits (or probes) of the running timer */
	uint32_t expires_ms; /* time left on the timer */
	uint32_t rq;    /* receive queue; pending connections for listeners */
	uint32_t wq;    /* send queue; backlog for listeners */
	uint32_t uid;
	uint64_t inode;
	uint64_t cookie;
	/* inet */
	uint32_t ifindex;
	uint16_t sport, dport; /* host byte order */
	uint8_t src[16], dst[16];
	/* unix */
	uint64_t peer_ino;
	uint64_t vfs_ino;
	uint32_t vfs_dev;
	uint16_t name_len; /* bytes in name; 0 = unnamed */
	/* Unix name as the kernel gave it: a leading NUL marks an abstract
	 * name. Not NUL-terminated; borrowed from the collector's buffer and
	 * valid only for the duration of the callback that delivers it. */
	const char *name;
	/* Internals the kernel adds when asked (-i, -m); borrowed like name
	 * and empty (NULL, 0) when not asked or not given. tcp_info is the
	 * kernel's struct tcp_info, as long as this kernel makes it (older
	 * kernels give fewer bytes, newer more); cong is the congestion
	 * control name (no NUL); skmem is u32[skmem_len / 4] indexed by
	 * SK_MEMINFO_* (<linux/sock_diag.h>). Read through memcpy: none of
	 * them is aligned in a stored row. */
	const unsigned char *tcp_info;
	const char *cong;
	const unsigned char *skmem;
	uint16_t tcp_info_len;
	uint8_t cong_len;
	uint8_t skmem_len;
	/* the network namespace the socket was listed in: an index into the
	 * collection's namespaces (collect/netns.h); 0 when only one */
	uint16_t netns;
};

/* Per-socket consumer. Returns 0 to go on, or a negative errno-style code
 * to stop the collection (the collector passes it back to its caller). */
typedef int (*sock_cb)(void *ud, const struct sock_rec *rec);

const char *sock_netid_name(enum sock_netid id);
const char *sock_state_name(enum sock_state st);
enum sock_netid sock_netid_from_unix_type(unsigned type, int *ok);

#endif
