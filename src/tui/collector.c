/* collector.c - one worker thread taking snapshots on request; an
 * eventfd tells the loop a result is waiting. The worker touches nothing
 * but its snapshot and the owner cache, which only it uses after the
 * first snapshot. */
#include "config.h"

#include "tui/collector.h"

#include "collect/ownercache.h"
#include "util/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

/* Holders are read again in full at least this often: a descriptor
 * swapped for another with no change in count is caught within it. */
#define COLLECTOR_FULL_SCAN_MS 30000u

struct collector {
	struct snapshot_opts opts; /* a copy, with the cache */
	struct ownercache *cache;
	int efd;
	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu */
	int want, busy, ready, stop;
	unsigned internals;
	struct snapshot result;
	int result_rc;
	struct sc_err result_err;
	uint64_t took_ms;
};

static uint64_t collector_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int collector_take_now(struct collector *c, unsigned internals,
		       struct snapshot *s, uint64_t *took_ms,
		       struct sc_err *err)
{
	struct snapshot_opts o = c->opts;
	uint64_t t0 = collector_now_ms();
	int r;

	o.query.internals = internals;
	r = snapshot_take(&o, s, err);
	*took_ms = collector_now_ms() - t0;
	return r;
}

static void *collector_main(void *arg)
{
	struct collector *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		struct snapshot s;
		struct sc_err err = { 0 };
		unsigned internals;
		uint64_t took;
		uint64_t one = 1;
		int r;

		while (!c->want && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop)
			break;
		c->want = 0;
		internals = c->internals;
		pthread_mutex_unlock(&c->mu);
		r = collector_take_now(c, internals, &s, &took, &err);
		pthread_mutex_lock(&c->mu);
		c->result = s;
		c->result_rc = r;
		c->result_err = err;
		c->took_ms = took;
		c->busy = 0;
		c->ready = 1;
		if (write(c->efd, &one, sizeof one) < 0) {
			/* a full counter is already readable: nothing lost */
		}
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

int collector_new(const struct snapshot_opts *o, struct collector **out,
		  struct sc_err *err)
{
	struct collector *c = xcalloc(1, sizeof(*c));
	sigset_t all, old;
	const char *proc_root =
		o->collect.proc_root != NULL ? o->collect.proc_root : "/proc";

	c->opts = *o;
	if (o->owners) {
		if (ownercache_new(proc_root, owners_default_threads(),
				   COLLECTOR_FULL_SCAN_MS, &c->cache, err) < 0) {
			free(c);
			return -1;
		}
		c->opts.cache = c->cache;
	}
	c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->efd < 0) {
		int e = errno;
		ownercache_free(c->cache);
		free(c);
		return sc_err_set(err, e, "cannot make an eventfd: %s",
				  strerror(e));
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	/* signals (SIGWINCH above all) stay with the thread that draws */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	c->started = pthread_create(&c->thread, NULL, collector_main, c) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!c->started) {
		collector_free(c);
		return sc_err_set(err, EAGAIN, "cannot start the collector "
					       "thread");
	}
	*out = c;
	return 0;
}

void collector_free(struct collector *c)
{
	if (c == NULL)
		return;
	if (c->started) {
		pthread_mutex_lock(&c->mu);
		c->stop = 1;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->thread, NULL);
	}
	if (c->ready && c->result_rc == 0)
		snapshot_free(&c->result);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	close(c->efd);
	ownercache_free(c->cache);
	free(c);
}

int collector_request(struct collector *c, unsigned internals)
{
	int r = -1;

	pthread_mutex_lock(&c->mu);
	if (!c->busy && !c->ready) {
		c->internals = internals;
		c->want = 1;
		c->busy = 1;
		pthread_cond_signal(&c->cv);
		r = 0;
	}
	pthread_mutex_unlock(&c->mu);
	return r;
}

int collector_busy(struct collector *c)
{
	int busy;

	pthread_mutex_lock(&c->mu);
	busy = c->busy || c->ready;
	pthread_mutex_unlock(&c->mu);
	return busy;
}

int collector_fd(const struct collector *c)
{
	return c->efd;
}

int collector_take(struct collector *c, struct snapshot *s, uint64_t *took_ms,
		   struct sc_err *err)
{
	uint64_t v;
	int r = 0;

	if (read(c->efd, &v, sizeof v) < 0 && errno != EAGAIN)
		return sc_err_set(err, errno, "cannot read the collector's "
					      "eventfd: %s", strerror(errno));
	pthread_mutex_lock(&c->mu);
	if (c->ready) {
		c->ready = 0;
		*took_ms = c->took_ms;
		if (c->result_rc < 0) {
			*err = c->result_err;
			r = -1;
		} else {
			*s = c->result;
			r = 1;
		}
		memset(&c->result, 0, sizeof c->result);
	}
	pthread_mutex_unlock(&c->mu);
	return r;
}
