/* record.c - record and replay files of raw sock_diag answers. */
#include "config.h"

#include "collect/record.h"
#include "util/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECORD_HDR_LEN 16u
#define RECORD_CHUNK_HDR 8u

static int record_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int record_open(struct record_writer *w, const char *path, struct sc_err *err)
{
	unsigned char hdr[RECORD_HDR_LEN] = { 0 };
	uint32_t v = RECORD_VERSION;

	w->path = path;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0)
		return sc_err_set(err, errno, "cannot create %s: %s", path,
				  strerror(errno));
	memcpy(hdr, RECORD_MAGIC, 8);
	memcpy(hdr + 8, &v, 4);
	if (record_write_all(w->fd, hdr, sizeof(hdr)) < 0) {
		int e = errno;
		close(w->fd);
		w->fd = -1;
		return sc_err_set(err, e, "cannot write %s: %s", path,
				  strerror(e));
	}
	return 0;
}

int record_chunk(struct record_writer *w, enum collect_dump dump,
		 const void *buf, size_t len, struct sc_err *err)
{
	uint32_t h[2] = { (uint32_t)dump, (uint32_t)len };

	if (record_write_all(w->fd, h, sizeof(h)) < 0 ||
	    record_write_all(w->fd, buf, len) < 0)
		return sc_err_set(err, errno, "cannot write %s: %s", w->path,
				  strerror(errno));
	return 0;
}

int record_close(struct record_writer *w, struct sc_err *err)
{
	int r = 0;

	if (w->fd < 0)
		return 0;
	if (close(w->fd) < 0)
		r = sc_err_set(err, errno, "cannot write %s: %s", w->path,
			       strerror(errno));
	w->fd = -1;
	return r;
}

static int replay_check(const struct replay *r, struct sc_err *err,
			const char *what)
{
	uint32_t v;

	if (r->len < RECORD_HDR_LEN || memcmp(r->data, RECORD_MAGIC, 8) != 0)
		return sc_err_set(err, EINVAL,
				  "%s is not a sockscope recording", what);
	memcpy(&v, r->data + 8, 4);
	if (v != RECORD_VERSION)
		return sc_err_set(err, EINVAL,
				  "%s: recording version %u is not supported",
				  what, v);
	return 0;
}

int replay_load(struct replay *r, const char *path, struct sc_err *err)
{
	struct stat st;
	int fd;

	r->data = NULL;
	r->len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sc_err_set(err, errno, "cannot open %s: %s", path,
				  strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return sc_err_set(err, e, "cannot stat %s: %s", path,
				  strerror(e));
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > RECORD_MAX_FILE) {
		close(fd);
		return sc_err_set(err, EINVAL,
				  "%s: not a regular file of at most 1 GiB",
				  path);
	}
	{
		char *buf;
		int rc = sc_read_fd(fd, path, RECORD_MAX_FILE, &buf, &r->len,
				    err);
		close(fd);
		if (rc < 0)
			return -1;
		r->data = (unsigned char *)buf;
	}
	if (replay_check(r, err, path) < 0) {
		replay_free(r);
		return -1;
	}
	return 0;
}

int replay_from_memory(struct replay *r, const void *data, size_t len,
		       struct sc_err *err)
{
	r->data = (unsigned char *)(uintptr_t)data;
	r->len = len;
	return replay_check(r, err, "recording");
}

void replay_free(struct replay *r)
{
	free(r->data);
	r->data = NULL;
	r->len = 0;
}

int replay_next(const struct replay *r, size_t *pos, uint32_t *dump,
		const unsigned char **buf, size_t *len)
{
	uint32_t h[2];
	size_t p = *pos < RECORD_HDR_LEN ? RECORD_HDR_LEN : *pos;

	if (p == r->len)
		return 0;
	if (r->len - p < RECORD_CHUNK_HDR)
		return -1;
	memcpy(h, r->data + p, sizeof(h));
	p += RECORD_CHUNK_HDR;
	if (h[1] > r->len - p || h[0] >= COLLECT_DUMP_COUNT)
		return -1;
	*dump = h[0];
	*buf = r->data + p;
	*len = h[1];
	*pos = p + h[1];
	return 1;
}
