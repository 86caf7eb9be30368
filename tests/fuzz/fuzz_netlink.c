/* fuzz_netlink.c - libFuzzer target: arbitrary bytes as a sock_diag answer,
 * walked and parsed as inet_diag and unix_diag messages, and every record
 * that parses formatted as the table would (escaping included). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/inet_diag.h"
#include "collect/nl.h"
#include "collect/unix_diag.h"
#include "output/addr.h"
#include "util/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_ctx {
	struct addr_ctx *addr;
	int unix_dump;
};

static int fuzz_msg(const struct nlmsghdr *nlh, void *ud)
{
	struct fuzz_ctx *f = ud;
	struct sock_rec r;
	char out[ADDR_TEXT_MAX];
	size_t cols;
	int ok = f->unix_dump ? unix_diag_parse(nlh, &r)
			      : inet_diag_parse(nlh, SOCK_NETID_TCP, &r);

	if (ok < 0)
		return 0;
	addr_local_host(f->addr, &r, out, &cols);
	addr_local_port(f->addr, &r, out);
	addr_peer_host(f->addr, &r, out, &cols);
	addr_peer_port(f->addr, &r, out);
	(void)sock_state_name(r.state);
	(void)sock_netid_name(r.netid);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addr_opts ao = { .numeric = 1, .esc_flags = 0 };
	struct fuzz_ctx f;
	struct nl_walk w;
	void *copy;

	if (size == 0)
		return 0;
	/* The walk expects netlink alignment, as a recv() buffer has. */
	copy = malloc(size);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	f.unix_dump = data[0] & 1;
	ao.esc_flags = (data[0] & 2) ? ESC_UTF8 : 0;
	f.addr = addr_ctx_new(&ao);
	memset(&w, 0, sizeof(w));
	(void)nl_walk_chunk(copy, size - 1, &w, fuzz_msg, &f);
	addr_ctx_free(f.addr);
	free(copy);
	return 0;
}
