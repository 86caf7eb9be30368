/* test_prompt.c - the TUI prompt's line editor: insertion at the cursor,
 * cursor moves over UTF-8 characters, deletions, the length cap, control
 * bytes dropped, Enter and Esc. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <curses.h>
#include <string.h>

#include "tui/prompt.h"

#define CTRL(c) ((c) & 0x1f)

static void feed(struct tui_prompt *p, const char *s)
{
	for (; *s != '\0'; s++)
		assert_int_equal(tui_prompt_key(p, (unsigned char)*s),
				 TUI_PROMPT_EDITING);
}

static void test_insert_and_move(void **state)
{
	struct tui_prompt p;

	(void)state;
	tui_prompt_start(&p, "sport = :80");
	assert_string_equal(p.text, "sport = :80");
	assert_int_equal(p.cursor, 11);
	tui_prompt_key(&p, KEY_HOME);
	feed(&p, "not ");
	assert_string_equal(p.text, "not sport = :80");
	assert_int_equal(p.cursor, 4);
	tui_prompt_key(&p, KEY_END);
	feed(&p, "80");
	assert_string_equal(p.text, "not sport = :8080");
	tui_prompt_key(&p, KEY_LEFT);
	tui_prompt_key(&p, KEY_LEFT);
	tui_prompt_key(&p, KEY_BACKSPACE);
	assert_string_equal(p.text, "not sport = :880");
	tui_prompt_key(&p, KEY_DC);
	assert_string_equal(p.text, "not sport = :80");
	assert_int_equal(p.cursor, 14);
}

static void test_utf8_cursor(void **state)
{
	struct tui_prompt p;

	(void)state;
	/* "é" is two bytes: one Left and one Backspace remove it whole */
	tui_prompt_start(&p, "a\xc3\xa9");
	tui_prompt_key(&p, KEY_LEFT);
	assert_int_equal(p.cursor, 1);
	tui_prompt_key(&p, KEY_RIGHT);
	assert_int_equal(p.cursor, 3);
	tui_prompt_key(&p, KEY_BACKSPACE);
	assert_string_equal(p.text, "a");
	assert_int_equal(p.len, 1);
}

static void test_kill_keys(void **state)
{
	struct tui_prompt p;

	(void)state;
	tui_prompt_start(&p, "comm = nginx and dport = :443");
	tui_prompt_key(&p, CTRL('w'));
	assert_string_equal(p.text, "comm = nginx and dport = ");
	tui_prompt_key(&p, CTRL('a'));
	tui_prompt_key(&p, CTRL('k'));
	assert_string_equal(p.text, "");
	tui_prompt_start(&p, "abc def");
	tui_prompt_key(&p, KEY_LEFT);
	tui_prompt_key(&p, CTRL('u'));
	assert_string_equal(p.text, "f");
	assert_int_equal(p.cursor, 0);
}

static void test_controls_dropped(void **state)
{
	struct tui_prompt p;

	(void)state;
	tui_prompt_start(&p, NULL);
	/* a pasted escape sequence or newline-free control: only the
	 * printable bytes stay */
	tui_prompt_key(&p, 0x01);               /* Ctrl-A: home, no text */
	tui_prompt_key(&p, 0x02);               /* Ctrl-B: left */
	tui_prompt_key(&p, 0x0e);               /* Ctrl-N: ignored */
	tui_prompt_key(&p, 0x7f);               /* DEL: backspace */
	tui_prompt_key(&p, KEY_F(5));
	feed(&p, "x");
	assert_string_equal(p.text, "x");
	assert_int_equal(p.len, 1);
}

static void test_cap(void **state)
{
	struct tui_prompt p;
	char big[TUI_PROMPT_MAX + 10];

	(void)state;
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	tui_prompt_start(&p, big);
	assert_int_equal(p.len, TUI_PROMPT_MAX);
	tui_prompt_key(&p, 'b');
	assert_int_equal(p.len, TUI_PROMPT_MAX);
	assert_int_equal(strlen(p.text), TUI_PROMPT_MAX);
}

static void test_accept_cancel(void **state)
{
	struct tui_prompt p;

	(void)state;
	tui_prompt_start(&p, "x");
	assert_int_equal(tui_prompt_key(&p, '\n'), TUI_PROMPT_ACCEPT);
	assert_int_equal(tui_prompt_key(&p, '\r'), TUI_PROMPT_ACCEPT);
	assert_int_equal(tui_prompt_key(&p, KEY_ENTER), TUI_PROMPT_ACCEPT);
	assert_int_equal(tui_prompt_key(&p, 27), TUI_PROMPT_CANCEL);
	assert_int_equal(tui_prompt_key(&p, CTRL('c')), TUI_PROMPT_CANCEL);
	assert_int_equal(tui_prompt_key(&p, CTRL('g')), TUI_PROMPT_CANCEL);
	assert_string_equal(p.text, "x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_and_move),
		cmocka_unit_test(test_utf8_cursor),
		cmocka_unit_test(test_kill_keys),
		cmocka_unit_test(test_controls_dropped),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_accept_cancel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
