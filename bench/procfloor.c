/* bench/procfloor.c: the floor for owner lookup. One single-threaded pass over
 * /proc/PID/fd reading every link once; prints how many are sockets. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* getdents64 into a fixed buffer, as opendir() would, minus its malloc. */
enum { PROCFLOOR_DENTS = 32 * 1024 };

static int procfloor_is_pid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Processes that exit mid-scan, or that we may not read, are skipped, as a
 * listing skips them. */
static unsigned long procfloor_fds(int proc, const char *pid)
{
	static const char tag[] = "socket:[";
	char path[sizeof(((struct dirent64 *)0)->d_name) + 4];
	char dents[PROCFLOOR_DENTS], link[64];
	unsigned long n = 0;
	ssize_t len;

	snprintf(path, sizeof(path), "%s/fd", pid);
	int dir = openat(proc, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return 0;
	while ((len = getdents64(dir, dents, sizeof(dents))) > 0) {
		for (ssize_t off = 0; off < len;) {
			const struct dirent64 *d = (const struct dirent64 *)(dents + off);
			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			ssize_t k = readlinkat(dir, d->d_name, link, sizeof(link));
			if (k >= (ssize_t)sizeof(tag) - 1 && memcmp(link, tag, sizeof(tag) - 1) == 0)
				n++;
		}
	}
	close(dir);
	return n;
}

int main(void)
{
	char dents[PROCFLOOR_DENTS];
	unsigned long sockets = 0;
	ssize_t len;

	int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0) {
		perror("procfloor: /proc");
		return 1;
	}
	while ((len = getdents64(proc, dents, sizeof(dents))) > 0) {
		for (ssize_t off = 0; off < len;) {
			const struct dirent64 *d = (const struct dirent64 *)(dents + off);
			off += d->d_reclen;
			if (procfloor_is_pid(d->d_name))
				sockets += procfloor_fds(proc, d->d_name);
		}
	}
	if (len < 0) {
		perror("procfloor: getdents64 /proc");
		return 1;
	}
	close(proc);
	printf("%lu\n", sockets);
	return fflush(stdout) == 0 ? 0 : 1;
}
