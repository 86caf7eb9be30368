/* fuzz_cgroup.c - libFuzzer target for the container label parser: the
 * input is the text of a /proc/PID/cgroup file (a container may name its
 * own cgroups). The label must be NUL-terminated within the buffer, its
 * length returned, and a smaller buffer must hold a prefix of it. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/netns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char out[NETNS_LABEL_MAX], small[9];
	size_t n, m;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	n = netns_cgroup_file_label(text, size, out, sizeof(out));
	if (n >= sizeof(out) || memchr(out, '\0', sizeof(out)) != out + n)
		abort();
	m = netns_cgroup_file_label(text, size, small, sizeof(small));
	if (m >= sizeof(small) || strlen(small) != m ||
	    strncmp(small, out, m) != 0)
		abort();
	n = netns_cgroup_label(text, size, out, sizeof(out));
	if (n >= sizeof(out) || strlen(out) != n)
		abort();
	free(text);
	return 0;
}
