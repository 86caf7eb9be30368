/* unixbind.c - binding Unix socket paths safely: lstat first, a probe
 * connect() to tell a live server from a stale file, a restrictive umask
 * while the file is made, and removal at exit only of our own file. */
#include "config.h"

#include "serve/unixbind.h"

#include "util/escape.h"
#include "util/tmpdir.h"
#include "util/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define UB_SOCK_NAME "serve.sock"

/* A path escaped for a message (paths are untrusted text). */
struct ub_esc {
	char s[ESC_MAX(EP_UNIX_NAME_MAX + 1)];
};

static const char *ub_esc(struct ub_esc *e, const char *path)
{
	esc_text(e->s, path, strnlen(path, EP_UNIX_NAME_MAX + 1), 0, NULL);
	return e->s;
}

static const char *ub_file_kind(mode_t m)
{
	if (S_ISREG(m))
		return "a regular file";
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a named pipe";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	return "not a socket";
}

/* What is at path may be replaced by our socket: nothing, or a socket no
 * server answers on (which is unlinked). type is our socket's type: a
 * probe of another type would be refused by a live server too. */
static int ub_check(const char *path, int type, struct sc_warnings *notes,
		    struct sc_err *err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ub_esc e;
	struct stat st, again;
	int s, r, probe_errno;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return sc_err_set(err, errno, "cannot check %s: %s",
				  ub_esc(&e, path), strerror(errno));
	}
	if (!S_ISSOCK(st.st_mode))
		return sc_err_set(err, EEXIST, "refusing to use %s: it is %s",
				  ub_esc(&e, path), ub_file_kind(st.st_mode));
	s = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return sc_err_set(err, errno, "cannot create a socket: %s",
				  strerror(errno));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	r = connect(s, (struct sockaddr *)&sun, sizeof(sun));
	probe_errno = errno;
	close(s);
	/* A full backlog (EAGAIN) still means a live server; EPROTOTYPE is a
	 * live socket of another type. */
	if (r == 0 || probe_errno == EAGAIN || probe_errno == EINPROGRESS ||
	    probe_errno == EPROTOTYPE)
		return sc_err_set(err, EADDRINUSE,
				  "a server is already listening at %s",
				  ub_esc(&e, path));
	if (probe_errno == ENOENT)
		return 0;
	if (probe_errno != ECONNREFUSED)
		return sc_err_set(err, probe_errno,
				  "refusing to use %s: cannot tell whether a "
				  "server is listening: %s",
				  ub_esc(&e, path), strerror(probe_errno));
	/* Stale. Unlink only the file that was probed. */
	if (lstat(path, &again) < 0) {
		if (errno == ENOENT)
			return 0;
		return sc_err_set(err, errno, "cannot check %s: %s",
				  ub_esc(&e, path), strerror(errno));
	}
	if (again.st_dev != st.st_dev || again.st_ino != st.st_ino)
		return sc_err_set(err, EBUSY,
				  "refusing to use %s: it changed while it was "
				  "checked",
				  ub_esc(&e, path));
	if (unlink(path) < 0 && errno != ENOENT)
		return sc_err_set(err, errno,
				  "cannot remove the stale socket %s: %s",
				  ub_esc(&e, path), strerror(errno));
	sc_warn_add(notes,
		    "removed a stale socket at %s (no server was listening)",
		    ub_esc(&e, path));
	return 0;
}

/* A new private directory for the default socket path. */
static int ub_make_dir(const struct ub_opts *o, struct unixbind *ub,
		       struct sc_err *err)
{
	size_t n;

	if (tmpdir_make(o->tmp_base, "sockscope", strlen("/" UB_SOCK_NAME),
			ub->dir, EP_UNIX_NAME_MAX + 1, err) < 0)
		return -1;
	n = strlen(ub->dir);
	memcpy(ub->path, ub->dir, n);
	memcpy(ub->path + n, "/" UB_SOCK_NAME, sizeof("/" UB_SOCK_NAME));
	return 0;
}

/* The socket file just bound: remember it, then set group and mode. */
static int ub_finish(const struct ub_opts *o, mode_t old_umask,
		     struct unixbind *ub, struct sc_err *err)
{
	struct ub_esc e;
	struct stat st;
	mode_t mode = o->has_mode ? o->mode : (0777 & ~old_umask);

	if (lstat(ub->path, &st) < 0)
		return sc_err_set(err, errno, "cannot check %s after bind: %s",
				  ub_esc(&e, ub->path), strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return sc_err_set(err, EEXIST,
				  "%s was replaced right after bind: now it "
				  "is %s",
				  ub_esc(&e, ub->path),
				  ub_file_kind(st.st_mode));
	ub->dev = st.st_dev;
	ub->ino = st.st_ino;
	/* The group first: chown may clear mode bits. Neither follows a
	 * symbolic link someone could have put in its place. */
	if (o->has_group && fchownat(AT_FDCWD, ub->path, (uid_t)-1, o->gid,
				     AT_SYMLINK_NOFOLLOW) < 0)
		return sc_err_set(err, errno,
				  "cannot set the group of %s to %lu: %s",
				  ub_esc(&e, ub->path), (unsigned long)o->gid,
				  strerror(errno));
	if (fchmodat(AT_FDCWD, ub->path, mode, AT_SYMLINK_NOFOLLOW) < 0)
		return sc_err_set(err, errno, "cannot set the mode of %s to "
				  "%04o: %s",
				  ub_esc(&e, ub->path), (unsigned)mode,
				  strerror(errno));
	return 0;
}

int ub_bind(int fd, const struct endpoint *ep, const struct ub_opts *o,
	    struct unixbind *ub, struct sc_warnings *notes, struct sc_err *err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const struct sockaddr_un *want = (const struct sockaddr_un *)&ep->addr;
	socklen_t tlen = sizeof(int);
	struct ub_esc e;
	mode_t old;
	int type = SOCK_STREAM, r, saved;

	memset(ub, 0, sizeof(*ub));
	if (ep->abstract) {
		char name[ESC_MAX(EP_UNIX_NAME_MAX)];
		size_t off = offsetof(struct sockaddr_un, sun_path) + 1;

		if (bind(fd, (const struct sockaddr *)&ep->addr, ep->addrlen) == 0)
			return 0;
		saved = errno;
		esc_text(name, want->sun_path + 1, ep->addrlen - off, 0, NULL);
		return sc_err_set(err, saved, "cannot bind @%s: %s", name,
				  strerror(saved));
	}
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0)
		return sc_err_set(err, errno, "cannot read the socket type: %s",
				  strerror(errno));
	if (ep->no_path) {
		if (ub_make_dir(o, ub, err) < 0)
			return -1;
	} else {
		memcpy(ub->path, want->sun_path,
		       strnlen(want->sun_path, EP_UNIX_NAME_MAX));
		if (ub_check(ub->path, type, notes, err) < 0) {
			ub->path[0] = '\0';
			return -1;
		}
	}
	memcpy(sun.sun_path, ub->path, strlen(ub->path) + 1);
	/* Nobody may connect (a datagram socket is live at once) until the
	 * requested group and mode are in place. */
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	saved = errno;
	umask(old);
	if (r < 0) {
		sc_err_set(err, saved, "cannot bind %s: %s",
			   ub_esc(&e, ub->path), strerror(saved));
		ub->path[0] = '\0';
		ub_release(ub, NULL);
		return -1;
	}
	if (ub_finish(o, old, ub, err) < 0) {
		/* Without the identity (dev 0, ino 0) nothing is unlinked. */
		ub_release(ub, NULL);
		return -1;
	}
	return 0;
}

void ub_release(struct unixbind *ub, struct sc_warnings *notes)
{
	struct ub_esc e;
	struct stat st;

	if (ub->path[0] != '\0') {
		if (lstat(ub->path, &st) == 0) {
			if (S_ISSOCK(st.st_mode) && st.st_dev == ub->dev &&
			    st.st_ino == ub->ino) {
				if (unlink(ub->path) < 0 && errno != ENOENT)
					sc_warn_add(notes, "cannot remove %s: %s",
						    ub_esc(&e, ub->path),
						    strerror(errno));
			} else if (ub->ino != 0) {
				sc_warn_add(notes,
					    "%s was replaced by another file: "
					    "left it alone",
					    ub_esc(&e, ub->path));
			}
		}
		ub->path[0] = '\0';
	}
	if (ub->dir[0] != '\0') {
		if (rmdir(ub->dir) < 0 && errno != ENOENT)
			sc_warn_add(notes, "cannot remove the directory %s: %s",
				    ub_esc(&e, ub->dir), strerror(errno));
		ub->dir[0] = '\0';
	}
}

int ub_parse_mode(const char *s, mode_t *mode, struct sc_err *err)
{
	struct ub_esc e;
	unsigned long v = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '7' && i < 5; i++)
		v = v * 8 + (unsigned long)(s[i] - '0');
	if (i == 0 || s[i] != '\0' || v > 0777) {
		esc_text(e.s, s, strnlen(s, 64), 0, NULL);
		return sc_err_set(err, EINVAL,
				  "invalid --mode '%s' (expected an octal mode "
				  "from 0 to 0777, e.g. 0660)",
				  e.s);
	}
	*mode = (mode_t)v;
	return 0;
}

int ub_parse_group(const char *s, gid_t *gid, struct sc_err *err)
{
	struct group gr, *res = NULL;
	struct ub_esc e;
	char buf[4096];
	int r;

	if (s[0] >= '0' && s[0] <= '9') {
		uint64_t v;

		if (parse_u64(s, 0, UINT32_MAX - 1, "--group", &v, err) < 0)
			return -1;
		*gid = (gid_t)v;
		return 0;
	}
	r = getgrnam_r(s, &gr, buf, sizeof(buf), &res);
	if (res == NULL) {
		esc_text(e.s, s, strnlen(s, 64), 0, NULL);
		if (r != 0 && r != ENOENT && r != ESRCH)
			return sc_err_set(err, r, "cannot look up group '%s': %s",
					  e.s, strerror(r));
		return sc_err_set(err, ENOENT, "unknown group '%s'", e.s);
	}
	*gid = gr.gr_gid;
	return 0;
}
