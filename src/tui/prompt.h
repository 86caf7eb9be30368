/* prompt.h - the one-line editor of the TUI's search and filter prompts,
 * kept apart from ncurses so it can be tested: keys in, text out. */
#ifndef SOCKSCOPE_TUI_PROMPT_H
#define SOCKSCOPE_TUI_PROMPT_H

#include <stddef.h>

#define TUI_PROMPT_MAX 512

enum tui_prompt_result {
	TUI_PROMPT_EDITING = 0,
	TUI_PROMPT_ACCEPT, /* Enter */
	TUI_PROMPT_CANCEL, /* Esc, or Ctrl-C */
};

struct tui_prompt {
	char text[TUI_PROMPT_MAX + 1]; /* NUL-terminated */
	size_t len;
	size_t cursor; /* byte offset, on a character boundary */
};

/* Start with initial text (may be NULL), the cursor at its end. */
void tui_prompt_start(struct tui_prompt *p, const char *initial);

/* Feed one key: a character (a byte of UTF-8 input) or an ncurses KEY_*
 * code. Control characters other than the editing keys are ignored, so
 * the text never holds them. */
enum tui_prompt_result tui_prompt_key(struct tui_prompt *p, int key);

#endif
