/* jsonout.c - one JSON object per socket, every field always present
 * (null where there is no value, or where it was not collected), numbers
 * as numbers, addresses numeric. */
#include "config.h"

#include "output/jsonout.h"
#include "output/addr.h"
#include "output/explain.h"
#include "output/tcpinfo.h"
#include "util/json.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct jsonout {
	struct jsonout_opts o;
};

static const char *jsonout_family(const struct sock_rec *r)
{
	switch (r->family) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	default:
		return "unix";
	}
}

static void jsonout_addr(struct json *j, const char *key,
			 const struct sock_rec *r, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (r->family == AF_INET) {
		/* the common case, without inet_ntop's generality */
		buf[addr_fmt_ipv4(buf, a)] = '\0';
		json_kascii(j, key, buf);
		return;
	}
	if (inet_ntop(r->family, a, buf, sizeof(buf)) == NULL)
		json_knull(j, key);
	else
		json_kascii(j, key, buf);
}

/* holders: null when not collected or unknown, [] when nobody */
static void jsonout_holders(const struct jsonout *js, struct json *j,
			    const char *key, const char *status_key,
			    uint64_t inode)
{
	const struct owners *ow;
	const struct owner *w;
	enum facts_held h;

	if (!js->o.processes || js->o.facts == NULL) {
		json_knull(j, key);
		json_knull(j, status_key);
		return;
	}
	h = facts_holders(js->o.facts, inode, &w);
	json_key(j, key);
	if (h == FACTS_UNKNOWN) {
		json_null(j);
		json_kcstr(j, status_key, "unknown");
		return;
	}
	ow = facts_owner_table(js->o.facts);
	json_arr_begin(j);
	for (; h == FACTS_HELD && w != NULL; w = owners_next(ow, w)) {
		json_obj_begin(j);
		json_ku64(j, "pid", w->pid);
		json_kstr(j, "comm", owners_comm(ow, w), w->comm_len);
		json_key(j, "fd");
		json_i64(j, w->fd);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_kcstr(j, status_key, h == FACTS_HELD ? "held" : "nobody");
}

/* A Unix name: "path" (without the kernel's NUL) or "abstract" (without
 * the leading NUL; interior NULs kept as \u0000). */
static void jsonout_unix_name(struct json *j, const char *path_key,
			      const char *abs_key, const char *name,
			      size_t len)
{
	if (name == NULL || len == 0) {
		json_knull(j, path_key);
		json_knull(j, abs_key);
	} else if (name[0] == '\0') {
		json_knull(j, path_key);
		json_kstr(j, abs_key, name + 1, len - 1);
	} else {
		const char *nul = memchr(name, '\0', len);

		json_kstr(j, path_key, name,
			  nul != NULL ? (size_t)(nul - name) : len);
		json_knull(j, abs_key);
	}
}

static void jsonout_file(const struct jsonout *js, struct json *j,
			 const struct sock_rec *r)
{
	struct facts_file file = { .status = FACTS_FILE_NONE };
	char mode[11];
	int known;

	if (r->family == AF_UNIX && js->o.facts != NULL)
		facts_file(js->o.facts, r, &file);
	if (file.status == FACTS_FILE_NONE) {
		JSON_RAW(j, "\"file_status\":null,\"file_mode\":null,"
			    "\"file_uid\":null,\"file_owner\":null,"
			    "\"file_gid\":null,\"file_group\":null");
		return;
	}
	json_kascii(j, "file_status", facts_file_status_name(file.status));
	known = file.status == FACTS_FILE_OK ||
		file.status == FACTS_FILE_REPLACED;
	if (!known) {
		JSON_RAW(j, "\"file_mode\":null,\"file_uid\":null,"
			    "\"file_owner\":null,\"file_gid\":null,"
			    "\"file_group\":null");
		return;
	}
	facts_mode_text(file.mode, mode);
	json_kascii(j, "file_mode", mode);
	json_ku64(j, "file_uid", file.uid);
	json_kcstr(j, "file_owner", facts_user(js->o.facts, file.uid));
	json_ku64(j, "file_gid", file.gid);
	json_kcstr(j, "file_group", facts_group(js->o.facts, file.gid));
}

/* "netns": {"inode", "name"} when the namespaces were identified;
 * "container": the socket's holder's or namespace's label. */
static void jsonout_netns(const struct jsonout *js, struct json *j,
			  const struct sock_rec *r)
{
	const struct netns_info *e = facts_netns(js->o.facts, r->netns);
	const char *label;

	if (e == NULL) {
		JSON_RAW(j, "\"netns\":null,\"container\":null");
		return;
	}
	json_key(j, "netns");
	json_obj_begin(j);
	json_ku64(j, "inode", e->ino);
	json_kcstr(j, "name", e->name);
	json_obj_end(j);
	label = facts_container(js->o.facts, r);
	json_kcstr(j, "container",
		   label != NULL && label[0] != '\0' ? label : NULL);
}

/* The document's "netns": what was listed, and what could not be. */
static void jsonout_netns_report(const struct jsonout *js, struct json *j)
{
	const struct netns_set *s = js->o.netns;
	char note[160];

	json_key(j, "netns");
	if (s == NULL) {
		json_null(j);
		return;
	}
	netns_skip_note(s, note, sizeof(note));
	json_obj_begin(j);
	json_ku64(j, "namespaces", s->listed);
	json_ku64(j, "skipped", s->skipped);
	json_kcstr(j, "skipped_reason", note[0] != '\0' ? note : NULL);
	json_ku64(j, "unreadable_processes", s->unreadable);
	json_obj_end(j);
}

static void jsonout_socket(const struct jsonout *js, struct json *j,
			   const struct sock_rec *r)
{
	int is_unix = r->family == AF_UNIX;

	json_obj_begin(j);
	if (js->o.lines)
		json_ku64(j, "schema_version", JSONOUT_SCHEMA_VERSION);
	json_kascii(j, "netid", sock_netid_name(r->netid));
	json_kascii(j, "family", jsonout_family(r));
	json_kascii(j, "state", sock_state_name(r->state));
	json_key(j, "recv_q");
	if (r->flags & SOCK_F_HAS_RQ)
		json_u64(j, r->rq);
	else
		json_null(j);
	json_key(j, "send_q");
	if (r->flags & SOCK_F_HAS_WQ)
		json_u64(j, r->wq);
	else
		json_null(j);
	if (is_unix) {
		JSON_RAW(j, "\"local_address\":null,\"local_port\":null,"
			    "\"peer_address\":null,\"peer_port\":null,"
			    "\"interface\":null,\"v6only\":null");
	} else {
		char ifname[IF_NAMESIZE];

		jsonout_addr(j, "local_address", r, r->src);
		json_ku64(j, "local_port", r->sport);
		jsonout_addr(j, "peer_address", r, r->dst);
		json_ku64(j, "peer_port", r->dport);
		json_key(j, "interface");
		if (r->ifindex == 0)
			json_null(j);
		else if (if_indextoname(r->ifindex, ifname) != NULL)
			json_str(j, ifname, strnlen(ifname, sizeof(ifname)));
		else
			json_u64(j, r->ifindex);
		json_key(j, "v6only");
		if (r->family == AF_INET6)
			json_bool(j, (r->flags & SOCK_F_V6ONLY) != 0);
		else
			json_null(j);
	}
	if (is_unix)
		jsonout_unix_name(j, "path", "abstract", r->name, r->name_len);
	else
		JSON_RAW(j, "\"path\":null,\"abstract\":null");
	json_ku64(j, "inode", r->inode);
	json_key(j, "peer_inode");
	if (is_unix && r->peer_ino != 0)
		json_u64(j, r->peer_ino);
	else
		json_null(j);
	if (r->cookie != 0) {
		char hex[17];

		hex[fmt_x64(hex, r->cookie)] = '\0';
		json_kascii(j, "cookie", hex);
	} else {
		json_knull(j, "cookie");
	}
	if (r->flags & SOCK_F_HAS_UID) {
		json_ku64(j, "uid", r->uid);
		json_kcstr(j, "user", js->o.facts != NULL
					      ? facts_user(js->o.facts, r->uid)
					      : NULL);
	} else {
		json_knull(j, "uid");
		json_knull(j, "user");
	}
	jsonout_holders(js, j, "owners", "owners_status", r->inode);
	if (is_unix && r->peer_ino != 0) {
		size_t plen = 0;
		const char *pn = js->o.facts != NULL
					 ? facts_unix_name(js->o.facts,
							   r->peer_ino, &plen)
					 : NULL;

		jsonout_holders(js, j, "peer_owners", "peer_owners_status",
				r->peer_ino);
		jsonout_unix_name(j, "peer_path", "peer_abstract", pn, plen);
	} else {
		JSON_RAW(j, "\"peer_owners\":null,\"peer_owners_status\":null,"
			    "\"peer_path\":null,\"peer_abstract\":null");
	}
	jsonout_file(js, j, r);
	json_key(j, "timer");
	tcpinfo_json_timer(j, r);
	if (!js->o.info && !js->o.mem) {
		JSON_RAW(j, "\"tcp_info\":null,\"memory\":null");
	} else {
		json_key(j, "tcp_info");
		if (js->o.info)
			tcpinfo_json_info(j, r);
		else
			json_null(j);
		json_key(j, "memory");
		if (js->o.mem)
			tcpinfo_json_mem(j, r);
		else
			json_null(j);
	}
	jsonout_netns(js, j, r);
	json_obj_end(j);
}

static int jsonout_write(void *st, struct rows_view *v, struct obuf *out,
			 struct sc_err *err)
{
	struct jsonout *js = st;
	struct json j;
	struct sock_rec r;

	(void)err;
	if (js->o.lines) {
		for (size_t k = 0; k < v->n; k++) {
			rows_view_get(v, k, &r);
			json_init(&j, out);
			jsonout_socket(js, &j, &r);
			obuf_putc(out, '\n');
		}
		return 0;
	}
	json_init(&j, out);
	json_obj_begin(&j);
	json_ku64(&j, "schema_version", JSONOUT_SCHEMA_VERSION);
	json_key(&j, "unknown_owners");
	if (js->o.processes && js->o.facts != NULL)
		json_u64(&j, js->o.unknown_owners);
	else
		json_null(&j);
	jsonout_netns_report(js, &j);
	json_key(&j, "sockets");
	/* one socket per line: readable, and greppable */
	j.line_depth = 2;
	json_arr_begin(&j);
	for (size_t k = 0; k < v->n; k++) {
		rows_view_get(v, k, &r);
		jsonout_socket(js, &j, &r);
	}
	json_arr_end(&j);
	j.line_depth = 0;
	json_key(&j, "explanations");
	if (js->o.explain)
		explain_json(v, js->o.fc, &j);
	else
		json_null(&j);
	json_obj_end(&j);
	obuf_putc(out, '\n');
	return 0;
}

static void jsonout_destroy(void *st)
{
	free(st);
}

static const struct sink_ops jsonout_ops = {
	.name = "json",
	.write = jsonout_write,
	.destroy = jsonout_destroy,
};

struct sink jsonout_sink_new(const struct jsonout_opts *o)
{
	struct jsonout *js = xcalloc(1, sizeof(*js));
	struct sink s = { .ops = &jsonout_ops, .st = js };

	js->o = *o;
	return s;
}
