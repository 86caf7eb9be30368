/* demo_tui.h - the lifecycle demo inside the live TUI: the demo's
 * sockets in the table, refreshed live, each step narrated below it with
 * its sockets marked. */
#ifndef SOCKSCOPE_SERVE_DEMO_TUI_H
#define SOCKSCOPE_SERVE_DEMO_TUI_H

#include "serve/demo.h"
#include "util/err.h"

/* Run the demo (o->hooks is set here) in the TUI on this terminal until
 * the user quits. Returns 0, or -1 with err set (the terminal cannot be
 * used, a collection or a socket call failed). */
int demo_tui_run(const struct demo_opts *o, int color, struct sc_err *err);

#endif
