/* fields.c - the field table: names, headers, values for ordering and
 * grouping, and display text. The table, --sort and --count-by all read
 * a socket through here, so they agree on what "comm" or "dport" is. */
#include "config.h"

#include "output/fields.h"
#include "output/tcpinfo.h"
#include "util/escape.h"
#include "util/obuf.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

struct field_def {
	const char *name;
	const char *header;
	const char *help;
	unsigned needs;
	unsigned char right; /* right-aligned in a table */
};

static const struct field_def fields_defs[FIELD_COUNT] = {
	[FIELD_NETID] = { "netid", "Netid",
			  "socket table: tcp, udp, u_str, u_dgr, u_seq", 0, 0 },
	[FIELD_STATE] = { "state", "State", "ss's state name", 0, 0 },
	[FIELD_RECV_Q] = { "recv_q", "Recv-Q",
			   "receive queue; pending connections of a listener",
			   0, 1 },
	[FIELD_SEND_Q] = { "send_q", "Send-Q",
			   "send queue; backlog of a listener", 0, 1 },
	[FIELD_LOCAL] = { "local", "Local Address:Port",
			  "local address and port (Unix: name and inode)", 0,
			  0 },
	[FIELD_PEER] = { "peer", "Peer Address:Port",
			 "peer address and port (Unix: peer inode)", 0, 0 },
	[FIELD_SRC] = { "src", "Local Address",
			"local address alone (Unix: the name)", 0, 0 },
	[FIELD_SPORT] = { "sport", "Port", "local port", 0, 1 },
	[FIELD_DST] = { "dst", "Peer Address", "peer address alone", 0, 0 },
	[FIELD_DPORT] = { "dport", "Port", "peer port", 0, 1 },
	[FIELD_PROCESS] = { "process", "Process",
			    "every holder: users:((\"comm\",pid=N,fd=N),...)",
			    FIELD_NEED_OWNERS, 0 },
	[FIELD_PID] = { "pid", "PID", "first holder's pid (lowest)",
			FIELD_NEED_OWNERS, 1 },
	[FIELD_COMM] = { "comm", "Command", "first holder's command name",
			 FIELD_NEED_OWNERS, 0 },
	[FIELD_UID] = { "uid", "UID", "socket's user id", 0, 1 },
	[FIELD_USER] = { "user", "User", "socket's user name", 0, 0 },
	[FIELD_INODE] = { "inode", "Inode", "socket inode", 0, 1 },
	[FIELD_COOKIE] = { "cookie", "Cookie",
			   "kernel socket cookie (hex, as ss's sk:)", 0, 0 },
	[FIELD_PATH] = { "path", "Path",
			 "Unix socket name: path, or @ and the abstract name",
			 0, 0 },
	[FIELD_FILE] = { "file", "File",
			 "Unix socket file: ok, replaced, missing, unknown", 0,
			 0 },
	[FIELD_MODE] = { "mode", "Mode", "Unix socket file's mode", 0, 0 },
	[FIELD_OWNER] = { "owner", "Owner", "Unix socket file's owner", 0,
			  0 },
	[FIELD_GROUP] = { "group", "Group", "Unix socket file's group", 0,
			  0 },
	[FIELD_PEER_PROCESS] = { "peer_process", "Peer Process",
				 "holders of the Unix peer",
				 FIELD_NEED_OWNERS, 0 },
	[FIELD_PEER_PID] = { "peer_pid", "Peer PID",
			     "first holder's pid of the Unix peer",
			     FIELD_NEED_OWNERS, 1 },
	[FIELD_PEER_COMM] = { "peer_comm", "Peer Command",
			      "first holder's command of the Unix peer",
			      FIELD_NEED_OWNERS, 0 },
	[FIELD_PEER_NAME] = { "peer_name", "Peer Name",
			      "name of the Unix socket this one connects to",
			      FIELD_NEED_PEER_NAMES, 0 },
	[FIELD_PEER_INODE] = { "peer_inode", "Peer Inode",
			       "inode of the Unix peer", 0, 1 },
	[FIELD_TIMER] = { "timer", "Timer",
			  "running TCP timer, as ss -o: timer:(name,left,n)",
			  FIELD_NEED_TIMER, 0 },
	[FIELD_FAMILY] = { "family", "Family", "inet, inet6 or unix", 0, 0 },
	[FIELD_NETNS] = { "netns", "Netns",
			  "network namespace: its name, else its inode",
			  FIELD_NEED_NETNS, 0 },
	[FIELD_NETNS_INODE] = { "netns_inode", "Netns Inode",
				"network namespace inode", FIELD_NEED_NETNS,
				1 },
	[FIELD_CONTAINER] = { "container", "Container",
			      "holder's (-p) or netns's container "
			      "(docker:ID, k8s:POD, ...)",
			      FIELD_NEED_NETNS | FIELD_NEED_LABELS, 0 },
};

const char *fields_name(enum field_id id)
{
	return fields_defs[id].name;
}

const char *fields_header(enum field_id id)
{
	return fields_defs[id].header;
}

const char *fields_help(enum field_id id)
{
	return fields_defs[id].help;
}

unsigned fields_needs(enum field_id id)
{
	return fields_defs[id].needs;
}

int fields_right_aligned(enum field_id id)
{
	return fields_defs[id].right;
}

int fields_lookup(const char *name, enum field_id *out)
{
	for (int i = 0; i < FIELD_COUNT; i++) {
		if (strcmp(fields_defs[i].name, name) == 0) {
			*out = (enum field_id)i;
			return 0;
		}
	}
	return -1;
}

int fields_parse_list(const char *list, const char *what, enum field_id *out,
		      size_t max, size_t *n, struct sc_err *err)
{
	const char *p = list;

	*n = 0;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		char name[32];
		char shown[ESC_MAX(32)];

		if (len == 0)
			return sc_err_set(err, EINVAL,
					  "%s: empty field name in '%s'",
					  what, list);
		esc_text(shown, p, len < 32 ? len : 32, 0, NULL);
		if (len >= sizeof(name) ||
		    (memcpy(name, p, len), name[len] = '\0',
		     fields_lookup(name, &out[*n])) < 0)
			return sc_err_set(err, EINVAL,
					  "%s: unknown field '%s' (--output=help "
					  "lists them)",
					  what, shown);
		if (++*n > max - 1 && end != NULL)
			return sc_err_set(err, EINVAL,
					  "%s: more than %zu fields", what,
					  max);
		if (end == NULL)
			return 0;
		p = end + 1;
	}
}

void fields_list_help(struct sbuf *out)
{
	size_t w = 0;

	for (int i = 0; i < FIELD_COUNT; i++) {
		size_t l = strlen(fields_defs[i].name);
		if (l > w)
			w = l;
	}
	for (int i = 0; i < FIELD_COUNT; i++) {
		size_t l = strlen(fields_defs[i].name);

		sbuf_puts(out, "  ");
		sbuf_puts(out, fields_defs[i].name);
		while (l++ < w + 2)
			sbuf_putc(out, ' ');
		sbuf_puts(out, fields_defs[i].help);
		sbuf_putc(out, '\n');
	}
}

/* ---- values --------------------------------------------------------- */

static void fields_v_num(struct field_val *v, uint64_t n)
{
	v->kind = FIELD_V_NUM;
	v->num = n;
}

static void fields_v_text(struct field_val *v, const char *s, size_t n)
{
	v->kind = FIELD_V_TEXT;
	v->text = s;
	v->len = n;
}

/* The first holder of an inode, or NULL. */
static const struct owner *fields_first(struct fields_ctx *c, uint64_t inode)
{
	const struct owner *w;

	if (c->facts == NULL || inode == 0 ||
	    facts_holders(c->facts, inode, &w) != FACTS_HELD)
		return NULL;
	return w;
}

/* The Unix name as raw bytes: "@" and the abstract name, or the path up
 * to its first NUL. */
static void fields_v_unix_name(struct field_val *v, const char *name,
			       size_t len)
{
	if (name == NULL || len == 0)
		return;
	if (name[0] == '\0') {
		size_t n = len - 1 < FIELD_VAL_BUF - 1 ? len - 1
						       : FIELD_VAL_BUF - 1;
		v->buf[0] = '@';
		memcpy(v->buf + 1, name + 1, n);
		fields_v_text(v, v->buf, n + 1);
	} else {
		const char *nul = memchr(name, '\0', len);
		fields_v_text(v, name, nul ? (size_t)(nul - name) : len);
	}
}

static void fields_v_addr(struct field_val *v, const struct sock_rec *r,
			  int local)
{
	v->kind = FIELD_V_ADDR;
	v->family = r->family;
	v->text = (const char *)(local ? r->src : r->dst);
	v->num = local ? r->sport : r->dport;
}

static void fields_v_file(struct fields_ctx *c, enum field_id id,
			  const struct sock_rec *r, struct field_val *v)
{
	struct facts_file file;
	const char *s;

	if (r->family != AF_UNIX || c->facts == NULL)
		return;
	facts_file(c->facts, r, &file);
	if (file.status == FACTS_FILE_NONE)
		return;
	if (id == FIELD_FILE) {
		s = facts_file_status_name(file.status);
		fields_v_text(v, s, strlen(s));
		return;
	}
	if (file.status != FACTS_FILE_OK && file.status != FACTS_FILE_REPLACED)
		return;
	if (id == FIELD_MODE) {
		facts_mode_text(file.mode, v->buf);
		fields_v_text(v, v->buf, 10);
		return;
	}
	s = id == FIELD_OWNER ? facts_user(c->facts, file.uid)
			      : facts_group(c->facts, file.gid);
	if (s != NULL)
		fields_v_text(v, s, strlen(s));
	else
		fields_v_num(v, id == FIELD_OWNER ? file.uid : file.gid);
}

void fields_value(struct fields_ctx *c, enum field_id id,
		  const struct sock_rec *r, struct field_val *v)
{
	const struct owner *w;
	const char *s;
	int is_unix = r->family == AF_UNIX;

	v->kind = FIELD_V_NONE;
	switch (id) {
	case FIELD_NETID:
		fields_v_num(v, r->netid);
		break;
	case FIELD_STATE:
		fields_v_num(v, r->state);
		break;
	case FIELD_RECV_Q:
		if (r->flags & SOCK_F_HAS_RQ)
			fields_v_num(v, r->rq);
		break;
	case FIELD_SEND_Q:
		if (r->flags & SOCK_F_HAS_WQ)
			fields_v_num(v, r->wq);
		break;
	case FIELD_LOCAL:
	case FIELD_SRC:
		if (is_unix)
			fields_v_unix_name(v, r->name, r->name_len);
		else
			fields_v_addr(v, r, 1);
		if (is_unix && id == FIELD_LOCAL && v->kind == FIELD_V_NONE)
			fields_v_num(v, r->inode);
		break;
	case FIELD_PEER:
	case FIELD_DST:
		if (is_unix)
			fields_v_num(v, r->peer_ino);
		else
			fields_v_addr(v, r, 0);
		break;
	case FIELD_SPORT:
		if (!is_unix)
			fields_v_num(v, r->sport);
		break;
	case FIELD_DPORT:
		if (!is_unix)
			fields_v_num(v, r->dport);
		break;
	case FIELD_PROCESS:
	case FIELD_PEER_PROCESS:
		/* a list of holders, not one value: shown, never a key */
		break;
	case FIELD_PID:
	case FIELD_COMM:
	case FIELD_PEER_PID:
	case FIELD_PEER_COMM: {
		int peer = id == FIELD_PEER_PID || id == FIELD_PEER_COMM;

		if (peer && !is_unix)
			break;
		w = fields_first(c, peer ? r->peer_ino : r->inode);
		if (w == NULL)
			break;
		if (id == FIELD_COMM || id == FIELD_PEER_COMM)
			fields_v_text(v,
				      owners_comm(facts_owner_table(c->facts),
						  w),
				      w->comm_len);
		else
			fields_v_num(v, w->pid);
		break;
	}
	case FIELD_UID:
		if (r->flags & SOCK_F_HAS_UID)
			fields_v_num(v, r->uid);
		break;
	case FIELD_USER:
		if (!(r->flags & SOCK_F_HAS_UID))
			break;
		s = c->facts != NULL ? facts_user(c->facts, r->uid) : NULL;
		if (s != NULL)
			fields_v_text(v, s, strlen(s));
		else
			fields_v_num(v, r->uid);
		break;
	case FIELD_INODE:
		fields_v_num(v, r->inode);
		break;
	case FIELD_COOKIE:
		if (r->cookie != 0)
			fields_v_num(v, r->cookie);
		break;
	case FIELD_PATH:
		if (is_unix)
			fields_v_unix_name(v, r->name, r->name_len);
		break;
	case FIELD_FILE:
	case FIELD_MODE:
	case FIELD_OWNER:
	case FIELD_GROUP:
		fields_v_file(c, id, r, v);
		break;
	case FIELD_PEER_NAME: {
		size_t plen;
		const char *pn;

		if (!is_unix || c->facts == NULL)
			break;
		pn = facts_unix_name(c->facts, r->peer_ino, &plen);
		fields_v_unix_name(v, pn, plen);
		break;
	}
	case FIELD_PEER_INODE:
		if (is_unix && r->peer_ino != 0)
			fields_v_num(v, r->peer_ino);
		break;
	case FIELD_TIMER:
		if ((r->flags & SOCK_F_HAS_TIMER) && r->timer != SOCK_TIMER_OFF)
			fields_v_num(v, r->expires_ms);
		break;
	case FIELD_FAMILY:
		fields_v_num(v, r->family);
		break;
	case FIELD_NETNS:
	case FIELD_NETNS_INODE: {
		const struct netns_info *e = facts_netns(c->facts, r->netns);

		if (e == NULL)
			break;
		if (id == FIELD_NETNS && e->name != NULL)
			fields_v_text(v, e->name, strlen(e->name));
		else
			fields_v_num(v, e->ino);
		break;
	}
	case FIELD_CONTAINER:
		s = facts_container(c->facts, r);
		if (s != NULL && s[0] != '\0')
			fields_v_text(v, s, strlen(s));
		break;
	case FIELD_COUNT:
		break;
	}
}

static int fields_u64_cmp(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

int fields_val_cmp(const struct field_val *a, const struct field_val *b)
{
	int d;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	switch (a->kind) {
	case FIELD_V_NONE:
		return 0;
	case FIELD_V_NUM:
		return fields_u64_cmp(a->num, b->num);
	case FIELD_V_TEXT: {
		size_t n = a->len < b->len ? a->len : b->len;

		d = memcmp(a->text, b->text, n);
		if (d != 0)
			return d < 0 ? -1 : 1;
		return fields_u64_cmp(a->len, b->len);
	}
	case FIELD_V_ADDR:
		if (a->family != b->family)
			return a->family < b->family ? -1 : 1;
		d = memcmp(a->text, b->text, a->family == AF_INET ? 4 : 16);
		if (d != 0)
			return d < 0 ? -1 : 1;
		return fields_u64_cmp(a->num, b->num);
	}
	return 0;
}

int fields_cmp(struct fields_ctx *c, enum field_id id,
	       const struct sock_rec *a, const struct sock_rec *b)
{
	struct field_val va, vb;

	fields_value(c, id, a, &va);
	fields_value(c, id, b, &vb);
	return fields_val_cmp(&va, &vb);
}

/* ---- display -------------------------------------------------------- */

int fields_holders(struct fields_ctx *c, uint64_t inode, const char *prefix,
		   const char *unknown, struct sbuf *out)
{
	const struct owners *ow = facts_owner_table(c->facts);
	const struct owner *w;
	int first = 1;

	switch (facts_holders(c->facts, inode, &w)) {
	case FACTS_NOBODY:
		return 0;
	case FACTS_UNKNOWN:
		sbuf_puts(out, unknown);
		return 1;
	case FACTS_HELD:
		break;
	}
	/* every holder, as ss lists them: a pre-forking server's listener
	 * may have hundreds */
	sbuf_puts(out, prefix);
	for (; w != NULL; w = owners_next(ow, w)) {
		if (!first)
			sbuf_putc(out, ',');
		first = 0;
		sbuf_put(out, "(\"", 2);
		sbuf_esc(out, owners_comm(ow, w), w->comm_len,
			 c->esc_flags | ESC_DQUOTE);
		sbuf_put(out, "\",pid=", 6);
		sbuf_u64(out, w->pid);
		sbuf_put(out, ",fd=", 4);
		sbuf_u64(out, (uint64_t)w->fd);
		sbuf_putc(out, ')');
	}
	sbuf_putc(out, ')');
	return 1;
}

static void fields_addr_text(struct fields_ctx *c, const struct sock_rec *r,
			     int local, int host, int port, struct sbuf *out)
{
	char buf[ADDR_TEXT_MAX];
	size_t n;

	if (host) {
		n = local ? addr_local_host(c->addr, r, buf, NULL)
			  : addr_peer_host(c->addr, r, buf, NULL);
		sbuf_put(out, buf, n);
	}
	if (host && port)
		sbuf_putc(out, addr_separator(r));
	if (port) {
		n = local ? addr_local_port(c->addr, r, buf)
			  : addr_peer_port(c->addr, r, buf);
		sbuf_put(out, buf, n);
	}
}

void fields_display(struct fields_ctx *c, enum field_id id,
		    const struct sock_rec *r, struct sbuf *out)
{
	struct field_val v;
	size_t start = out->len;
	int is_unix = r->family == AF_UNIX;

	switch (id) {
	case FIELD_NETID:
		sbuf_puts(out, sock_netid_name(r->netid));
		return;
	case FIELD_STATE:
		sbuf_puts(out, sock_state_name(r->state));
		return;
	case FIELD_LOCAL:
		fields_addr_text(c, r, 1, 1, 1, out);
		return;
	case FIELD_PEER:
		fields_addr_text(c, r, 0, 1, 1, out);
		return;
	case FIELD_SRC:
		fields_addr_text(c, r, 1, 1, 0, out);
		return;
	case FIELD_DST:
		fields_addr_text(c, r, 0, 1, 0, out);
		return;
	case FIELD_SPORT:
	case FIELD_DPORT:
		if (is_unix)
			break;
		fields_addr_text(c, r, id == FIELD_SPORT, 0, 1, out);
		return;
	case FIELD_PROCESS:
		if (c->facts != NULL)
			fields_holders(c, r->inode, "users:(", "unknown", out);
		break;
	case FIELD_PEER_PROCESS:
		if (c->facts != NULL && is_unix && r->peer_ino != 0)
			fields_holders(c, r->peer_ino, "peer:(",
				       "peer:unknown", out);
		break;
	case FIELD_COOKIE:
		if (r->cookie == 0)
			break;
		out->len += fmt_x64(sbuf_room(out, 16), r->cookie);
		return;
	case FIELD_TIMER: {
		char tmp[TCPINFO_TEXT_MAX];
		size_t n = tcpinfo_timer_text(r, tmp, sizeof(tmp));

		sbuf_put(out, tmp, n);
		break;
	}
	case FIELD_FAMILY:
		sbuf_puts(out, r->family == AF_UNIX    ? "unix"
			       : r->family == AF_INET ? "inet"
						      : "inet6");
		return;
	case FIELD_PATH:
	case FIELD_PEER_NAME: {
		const char *name = r->name;
		size_t len = r->name_len;

		if (id == FIELD_PEER_NAME)
			name = is_unix && c->facts != NULL
				       ? facts_unix_name(c->facts, r->peer_ino,
							 &len)
				       : NULL;
		if (!is_unix || name == NULL || len == 0)
			break;
		/* as the address columns write a Unix name */
		out->len += addr_unix_text(c->esc_flags | ESC_SPACE, name, len,
					   sbuf_room(out, ADDR_TEXT_MAX), NULL);
		return;
	}
	default:
		fields_value(c, id, r, &v);
		if (v.kind == FIELD_V_NUM)
			sbuf_u64(out, v.num);
		else if (v.kind == FIELD_V_TEXT)
			sbuf_esc(out, v.text, v.len, c->esc_flags | ESC_SPACE);
		break;
	}
	if (out->len == start)
		sbuf_putc(out, '-');
}
