/* test_state.c - state names, aliases and groups of the state filter, and
 * the default and listening sets, as exact bit sets. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "filter/state.h"
#include "model/sock.h"

#define B(s) SOCK_STATE_BIT(SOCK_ST_##s)

/* Built from the single states, not from state.c's own macros. */
#define EVERY                                                                  \
	(B(ESTABLISHED) | B(SYN_SENT) | B(SYN_RECV) | B(FIN_WAIT1) |           \
	 B(FIN_WAIT2) | B(TIME_WAIT) | B(CLOSE) | B(CLOSE_WAIT) |              \
	 B(LAST_ACK) | B(LISTEN) | B(CLOSING))
#define CONNECTED (EVERY & ~(B(LISTEN) | B(CLOSE)))
#define BUCKET (B(SYN_RECV) | B(TIME_WAIT))

static const struct {
	const char *name;
	unsigned set;
} names[] = {
	{ "established", B(ESTABLISHED) },
	{ "estab", B(ESTABLISHED) },
	{ "syn-sent", B(SYN_SENT) },
	{ "syn-recv", B(SYN_RECV) },
	{ "fin-wait-1", B(FIN_WAIT1) },
	{ "fin-wait-2", B(FIN_WAIT2) },
	{ "time-wait", B(TIME_WAIT) },
	{ "closed", B(CLOSE) },
	{ "unconnected", B(CLOSE) },
	{ "unconn", B(CLOSE) },
	{ "close-wait", B(CLOSE_WAIT) },
	{ "last-ack", B(LAST_ACK) },
	{ "listening", B(LISTEN) },
	{ "listen", B(LISTEN) },
	{ "closing", B(CLOSING) },
	{ "all", EVERY },
	{ "connected", CONNECTED },
	{ "synchronized", CONNECTED & ~B(SYN_SENT) },
	{ "bucket", BUCKET },
	{ "big", EVERY & ~BUCKET },
};

static void test_all_is_every_state(void **state)
{
	(void)state;
	assert_int_equal(SOCK_STATES_ALL, EVERY);
	assert_int_equal(STATE_SET_ALL, EVERY);
	assert_int_equal(SOCK_STATES_ALL & SOCK_STATE_BIT(SOCK_ST_UNKNOWN), 0);
}

static void test_names_exact(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		unsigned got = state_lookup(names[i].name);
		if (got != names[i].set)
			print_error("%s: want %#x, got %#x\n", names[i].name,
				    names[i].set, got);
		assert_int_equal(got, names[i].set);
	}
}

static void test_groups_spelled_out(void **state)
{
	(void)state;
	assert_int_equal(state_lookup("connected"),
			 B(ESTABLISHED) | B(SYN_SENT) | B(SYN_RECV) |
				 B(FIN_WAIT1) | B(FIN_WAIT2) | B(TIME_WAIT) |
				 B(CLOSE_WAIT) | B(LAST_ACK) | B(CLOSING));
	assert_int_equal(state_lookup("synchronized"),
			 B(ESTABLISHED) | B(SYN_RECV) | B(FIN_WAIT1) |
				 B(FIN_WAIT2) | B(TIME_WAIT) | B(CLOSE_WAIT) |
				 B(LAST_ACK) | B(CLOSING));
	assert_int_equal(state_lookup("bucket"), B(SYN_RECV) | B(TIME_WAIT));
	assert_int_equal(state_lookup("big"),
			 B(ESTABLISHED) | B(SYN_SENT) | B(FIN_WAIT1) |
				 B(FIN_WAIT2) | B(CLOSE) | B(CLOSE_WAIT) |
				 B(LAST_ACK) | B(LISTEN) | B(CLOSING));
	assert_int_equal(state_lookup("all"), 0xffeu);
}

/* Upper case, and mixed case with every other letter flipped. */
static void test_case_insensitive(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char up[32], mixed[32];
		size_t n = strlen(names[i].name);

		assert_true(n < sizeof(up));
		for (size_t k = 0; k <= n; k++) {
			unsigned char c = (unsigned char)names[i].name[k];
			up[k] = (char)toupper(c);
			mixed[k] = (char)(k % 2 ? toupper(c) : c);
		}
		assert_int_equal(state_lookup(up), names[i].set);
		assert_int_equal(state_lookup(mixed), names[i].set);
	}
	assert_int_equal(state_lookup("ESTAB"), B(ESTABLISHED));
	assert_int_equal(state_lookup("Time-Wait"), B(TIME_WAIT));
}

static void test_unknown(void **state)
{
	static const char *const bad[] = {
		"", "bogus", "establishe", "establishedx", "estab ",
		" estab", "syn_sent", "synsent", "fin-wait1", "fin-wait-3",
		"time_wait", "close", "listenin", "alll", "UNKNOWN",
		"unknown", "0", "1", "-", "state", "exclude",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned got = state_lookup(bad[i]);
		if (got != 0)
			print_error("'%s' gave %#x\n", bad[i], got);
		assert_int_equal(got, 0);
	}
}

static void test_default_and_listening(void **state)
{
	(void)state;
	assert_int_equal(STATE_SET_DEFAULT,
			 B(ESTABLISHED) | B(SYN_SENT) | B(FIN_WAIT1) |
				 B(FIN_WAIT2) | B(CLOSE_WAIT) | B(LAST_ACK) |
				 B(CLOSING));
	assert_int_equal(STATE_SET_DEFAULT, 0xb36u);
	assert_int_equal(STATE_SET_LISTENING, B(LISTEN) | B(CLOSE));
	assert_int_equal(STATE_SET_LISTENING, 0x480u);
}

/* The help text names every state and group the lookup knows (the column
 * spellings estab, listen, unconn and unconnected are aliases). */
static void test_names_help(void **state)
{
	const char *help = state_names_help();

	(void)state;
	assert_non_null(help);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *n = names[i].name;
		char *found;
		size_t len = strlen(n);
		if (strcmp(n, "estab") == 0 || strcmp(n, "listen") == 0 ||
		    strcmp(n, "unconn") == 0 || strcmp(n, "unconnected") == 0)
			continue;
		found = strstr(help, n);
		while (found != NULL &&
		       ((found != help && found[-1] != ' ') ||
			(found[len] != ',' && found[len] != '\0')))
			found = strstr(found + 1, n);
		if (found == NULL)
			print_error("'%s' missing from \"%s\"\n", n, help);
		assert_non_null(found);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_is_every_state),
		cmocka_unit_test(test_names_exact),
		cmocka_unit_test(test_groups_spelled_out),
		cmocka_unit_test(test_case_insensitive),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_default_and_listening),
		cmocka_unit_test(test_names_help),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
