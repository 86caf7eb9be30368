/* prompt.c - the one-line editor of the TUI's prompts. */
#include "config.h"

#include "tui/prompt.h"

#include <curses.h>
#include <string.h>

#define TUI_PROMPT_CTRL(c) ((c) & 0x1f)

void tui_prompt_start(struct tui_prompt *p, const char *initial)
{
	size_t n = initial != NULL ? strnlen(initial, TUI_PROMPT_MAX) : 0;

	memcpy(p->text, initial != NULL ? initial : "", n);
	p->text[n] = '\0';
	p->len = n;
	p->cursor = n;
}

/* A UTF-8 continuation byte: the cursor never stops before one. */
static int tui_prompt_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

static void tui_prompt_left(struct tui_prompt *p)
{
	while (p->cursor > 0) {
		p->cursor--;
		if (!tui_prompt_cont((unsigned char)p->text[p->cursor]))
			break;
	}
}

static void tui_prompt_right(struct tui_prompt *p)
{
	while (p->cursor < p->len) {
		p->cursor++;
		if (p->cursor == p->len ||
		    !tui_prompt_cont((unsigned char)p->text[p->cursor]))
			break;
	}
}

static void tui_prompt_cut(struct tui_prompt *p, size_t from, size_t to)
{
	memmove(p->text + from, p->text + to, p->len - to + 1);
	p->len -= to - from;
	p->cursor = from;
}

enum tui_prompt_result tui_prompt_key(struct tui_prompt *p, int key)
{
	size_t at;

	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		return TUI_PROMPT_ACCEPT;
	case 27:
	case TUI_PROMPT_CTRL('c'):
	case TUI_PROMPT_CTRL('g'):
		return TUI_PROMPT_CANCEL;
	case KEY_LEFT:
	case TUI_PROMPT_CTRL('b'):
		tui_prompt_left(p);
		return TUI_PROMPT_EDITING;
	case KEY_RIGHT:
	case TUI_PROMPT_CTRL('f'):
		tui_prompt_right(p);
		return TUI_PROMPT_EDITING;
	case KEY_HOME:
	case TUI_PROMPT_CTRL('a'):
		p->cursor = 0;
		return TUI_PROMPT_EDITING;
	case KEY_END:
	case TUI_PROMPT_CTRL('e'):
		p->cursor = p->len;
		return TUI_PROMPT_EDITING;
	case KEY_BACKSPACE:
	case 127:
	case TUI_PROMPT_CTRL('h'):
		at = p->cursor;
		tui_prompt_left(p);
		tui_prompt_cut(p, p->cursor, at);
		return TUI_PROMPT_EDITING;
	case KEY_DC:
	case TUI_PROMPT_CTRL('d'):
		at = p->cursor;
		tui_prompt_right(p);
		tui_prompt_cut(p, at, p->cursor);
		return TUI_PROMPT_EDITING;
	case TUI_PROMPT_CTRL('u'):
		tui_prompt_cut(p, 0, p->cursor);
		return TUI_PROMPT_EDITING;
	case TUI_PROMPT_CTRL('k'):
		p->text[p->cursor] = '\0';
		p->len = p->cursor;
		return TUI_PROMPT_EDITING;
	case TUI_PROMPT_CTRL('w'): {
		at = p->cursor;
		while (p->cursor > 0 && p->text[p->cursor - 1] == ' ')
			p->cursor--;
		while (p->cursor > 0 && p->text[p->cursor - 1] != ' ')
			p->cursor--;
		tui_prompt_cut(p, p->cursor, at);
		return TUI_PROMPT_EDITING;
	}
	default:
		break;
	}
	/* text: printable ASCII and the bytes of UTF-8 sequences; anything
	 * else (other keys, control bytes) is dropped */
	if (key < 0x20 || key > 0xff || key == 0x7f)
		return TUI_PROMPT_EDITING;
	if (p->len == TUI_PROMPT_MAX)
		return TUI_PROMPT_EDITING;
	memmove(p->text + p->cursor + 1, p->text + p->cursor,
		p->len - p->cursor + 1);
	p->text[p->cursor++] = (char)key;
	p->len++;
	return TUI_PROMPT_EDITING;
}
