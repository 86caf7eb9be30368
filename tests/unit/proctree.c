/* proctree.c - the fixture trees and the drop to uid 65534 that the owner,
 * facts and table tests share. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proctree.h"

void proctree_put(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;

	if (name != NULL)
		snprintf(p, sizeof(p), "%s/%s", dir, name);
	else
		snprintf(p, sizeof(p), "%s", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

void proctree_pid(const char *root, const char *pid, const char *stat,
		  const char *const *links)
{
	char d[256], fd[300], l[400];

	snprintf(d, sizeof(d), "%s/%s", root, pid);
	assert_int_equal(mkdir(d, 0755), 0);
	proctree_put(d, "stat", stat);
	snprintf(fd, sizeof(fd), "%s/fd", d);
	assert_int_equal(mkdir(fd, 0755), 0);
	for (size_t i = 0; links[i] != NULL; i += 2) {
		snprintf(l, sizeof(l), "%s/%s", fd, links[i]);
		assert_int_equal(symlink(links[i + 1], l), 0);
	}
}

void proctree_rm(const char *root)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int proctree_as_nobody(void (*fn)(void *arg, long *res, size_t n), void *arg,
		       long *res, size_t n)
{
	int p[2], status;
	pid_t pid;
	size_t got = 0;

	assert_true(n >= 1);
	if (geteuid() != 0)
		return 1; /* cannot become another user */
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		memset(res, 0, n * sizeof(*res));
		if (setgroups(0, NULL) < 0 ||
		    setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0 || geteuid() != 65534)
			res[0] = 1;
		else
			fn(arg, res, n);
		if (write(p[1], res, n * sizeof(*res)) !=
		    (ssize_t)(n * sizeof(*res)))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	while (got < n * sizeof(*res)) {
		ssize_t r = read(p[0], (char *)res + got,
				 n * sizeof(*res) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(got, n * sizeof(*res));
	return res[0] == 1;
}
