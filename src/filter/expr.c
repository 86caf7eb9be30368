/* expr.c - the filter language: a lexer over one text, a recursive-descent
 * parser whose errors name a column and a token, the evaluator run on each
 * row, and the canonical printer that parses back to the same tree. */
#include "config.h"

#include "filter/expr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/escape.h"
#include "util/xalloc.h"

/* Bytes of an offending token quoted in an error (before escaping). */
#define EXPR_SHOW 48
#define EXPR_SHOW_MAX (ESC_MAX(EXPR_SHOW) + 3)

/* ---- tokens ---------------------------------------------------------- */

enum tok_kind {
	TOK_END,
	TOK_WORD,   /* unquoted: never a keyword */
	TOK_QUOTED, /* "..." or '...': always an operand */
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_NOT,
	TOK_AND,
	TOK_OR,
	TOK_OP,
};

struct tok {
	enum tok_kind kind;
	enum expr_op op;   /* TOK_OP */
	size_t start, len; /* the raw span in the text, quotes included */
};

static const struct expr_keyword {
	const char *word;
	enum tok_kind kind;
	enum expr_op op;
} expr_keywords[] = {
	{ "and", TOK_AND, EXPR_OP_EQ }, { "or", TOK_OR, EXPR_OP_EQ },
	{ "not", TOK_NOT, EXPR_OP_EQ }, { "eq", TOK_OP, EXPR_OP_EQ },
	{ "ne", TOK_OP, EXPR_OP_NE },   { "neq", TOK_OP, EXPR_OP_NE },
	{ "lt", TOK_OP, EXPR_OP_LT },   { "le", TOK_OP, EXPR_OP_LE },
	{ "gt", TOK_OP, EXPR_OP_GT },   { "ge", TOK_OP, EXPR_OP_GE },
};

static const char *const expr_op_text[] = {
	[EXPR_OP_EQ] = "=", [EXPR_OP_NE] = "!=", [EXPR_OP_LT] = "<",
	[EXPR_OP_LE] = "<=", [EXPR_OP_GT] = ">", [EXPR_OP_GE] = ">=",
};

/* ---- predicates -------------------------------------------------------- */

enum expr_value {
	EXPR_V_PORT,
	EXPR_V_ADDR,
	EXPR_V_NUM32,
	EXPR_V_NUM64,
	EXPR_V_GLOB,
	EXPR_V_USER,
};

static const struct expr_field_info {
	const char *name;
	enum expr_value value;
	const char *what; /* "expected <what> after ..." */
} expr_fields[EXPR_F_COUNT] = {
	[EXPR_F_SPORT] = { "sport", EXPR_V_PORT, "a port" },
	[EXPR_F_DPORT] = { "dport", EXPR_V_PORT, "a port" },
	[EXPR_F_SRC] = { "src", EXPR_V_ADDR, "an address" },
	[EXPR_F_DST] = { "dst", EXPR_V_ADDR, "an address" },
	[EXPR_F_PID] = { "pid", EXPR_V_NUM32, "a number" },
	[EXPR_F_COMM] = { "comm", EXPR_V_GLOB, "a pattern" },
	[EXPR_F_UID] = { "uid", EXPR_V_NUM32, "a number" },
	[EXPR_F_USER] = { "user", EXPR_V_USER, "a user name or uid" },
	[EXPR_F_PATH] = { "path", EXPR_V_GLOB, "a pattern" },
	[EXPR_F_PEER_COMM] = { "peer_comm", EXPR_V_GLOB, "a pattern" },
	[EXPR_F_INODE] = { "inode", EXPR_V_NUM64, "a number" },
	[EXPR_F_NETNS] = { "netns", EXPR_V_GLOB, "a name or an inode" },
	[EXPR_F_CONTAINER] = { "container", EXPR_V_GLOB, "a pattern" },
};

/* Only numbers are ordered; names, patterns and addresses are equal or
 * not. */
static int expr_field_ordered(enum expr_field f)
{
	enum expr_value v = expr_fields[f].value;

	return v == EXPR_V_PORT || v == EXPR_V_NUM32 || v == EXPR_V_NUM64;
}

static int expr_all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Unsigned decimal up to max: 0, -1 if not a number, -2 if too big. */
static int expr_number(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!expr_all_digits(s))
		return -1;
	for (; *s != '\0'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (max - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* A port: digits or a TCP service name. 0, -1 if neither, -2 if the
 * number is too big. */
static int expr_port(const char *s, uint16_t *out)
{
	uint64_t v;
	int rc = expr_number(s, 65535, &v);
	const struct servent *se;

	if (rc == 0)
		*out = (uint16_t)v;
	if (rc != -1)
		return rc;
	if (*s == '\0')
		return -1;
	se = getservbyname(s, "tcp");
	if (se == NULL)
		return -1;
	*out = ntohs((uint16_t)se->s_port);
	return 0;
}

/* "/N" after an address, N at most max. */
static int expr_prefix(const char *s, size_t len, unsigned max, uint8_t *out)
{
	char buf[4];
	uint64_t v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (expr_number(buf, max, &v) != 0)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

/* HOST as inet_pton reads it, IPv6 first when it has a colon. */
static int expr_host(const char *s, size_t len, struct expr_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (memchr(buf, ':', len) != NULL) {
		if (inet_pton(AF_INET6, buf, a->addr) != 1)
			return -1;
		a->family = AF_INET6;
		a->prefix = 128;
	} else {
		if (inet_pton(AF_INET, buf, a->addr) != 1)
			return -1;
		a->family = AF_INET;
		a->prefix = 32;
	}
	return 0;
}

/* HOST[/N] in s[0, len). */
static const char *expr_net(const char *s, size_t len, struct expr_addr *a)
{
	const char *slash = memchr(s, '/', len);
	size_t hlen = slash != NULL ? (size_t)(slash - s) : len;

	if (expr_host(s, hlen, a) != 0)
		return "bad address";
	if (slash != NULL &&
	    expr_prefix(slash + 1, len - hlen - 1, a->prefix, &a->prefix) != 0)
		return "bad prefix length";
	return NULL;
}

/* An address operand (see struct expr_addr). Returns NULL, or what is
 * wrong with it. A bare IPv6 address (two colons or more, no brackets)
 * takes no port, as in ss: "::1:80" is an address. */
static const char *expr_addr_parse(const char *w, struct expr_addr *a)
{
	const char *port = NULL, *bad;

	memset(a, 0, sizeof(*a));
	if (strncmp(w, "unix:", 5) == 0) {
		if (w[5] == '\0')
			return "bad address";
		a->family = AF_UNIX;
		a->glob = xstrdup(w + 5);
		return NULL;
	}
	if (w[0] == '[') {
		/* [HOST][/N][:PORT] */
		const char *close = strchr(w, ']'), *end;

		if (close == NULL ||
		    expr_host(w + 1, (size_t)(close - w - 1), a) != 0)
			return "bad address";
		end = strchr(close, ':');
		if (end == NULL)
			end = close + strlen(close);
		if (close[1] == '/') {
			if (expr_prefix(close + 2, (size_t)(end - close - 2),
					a->prefix, &a->prefix) != 0)
				return "bad prefix length";
		} else if (end != close + 1) {
			return "bad address";
		}
		if (*end == ':')
			port = end + 1;
	} else {
		const char *colon = strchr(w, ':');
		size_t hlen = strlen(w);

		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			hlen = (size_t)(colon - w);
			port = colon + 1;
		}
		if ((hlen == 1 && w[0] == '*') || (hlen == 0 && port != NULL)) {
			a->family = 0; /* any host */
		} else {
			bad = expr_net(w, hlen, a);
			if (bad != NULL)
				return bad;
		}
	}
	if (port != NULL && strcmp(port, "*") != 0) {
		if (expr_port(port, &a->port) != 0)
			return "bad port";
		a->has_port = 1;
	}
	return NULL;
}

/* ---- the parser -------------------------------------------------------- */

struct ep {
	const char *s;
	size_t len;
	size_t pos;      /* where the lexer goes on */
	struct tok tok;  /* the current token */
	struct tok prev; /* the one before it */
	unsigned nest;   /* open parentheses and nots */
	unsigned terms;  /* predicates so far */
	struct sc_err *err;
};

/* The raw text of a token, escaped and cut, for an error message. */
static void ep_show(const struct ep *p, const struct tok *t,
		    char out[EXPR_SHOW_MAX])
{
	size_t n = t->len < EXPR_SHOW ? t->len : EXPR_SHOW;
	size_t k = esc_text(out, p->s + t->start, n, 0, NULL);

	if (n < t->len)
		memcpy(out + k, "...", 4);
}

static int ep_fail(struct ep *p, const struct tok *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int ep_fail(struct ep *p, const struct tok *t, const char *fmt, ...)
{
	char problem[256], show[EXPR_SHOW_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	if (t->kind == TOK_END)
		return sc_err_set(p->err, EINVAL, "filter: %s at the end",
				  problem);
	ep_show(p, t, show);
	return sc_err_set(p->err, EINVAL, "filter: %s at column %zu: '%s'",
			  problem, t->start + 1, show);
}

static int ep_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Characters that end a word outside brackets: operators and parentheses
 * split from the text they touch ("sport=:22", "(dport>=:1024)"). */
static int ep_special(char c)
{
	return c != '\0' && strchr("()=!<>&|", c) != NULL;
}

static int ep_nul(struct ep *p, size_t at)
{
	struct tok t = { .kind = TOK_WORD, .start = at, .len = 1 };

	return ep_fail(p, &t, "NUL byte");
}

/* "..." or '...': a backslash keeps the next byte from ending it. */
static int ep_lex_quoted(struct ep *p, size_t i)
{
	const char *s = p->s;
	char q = s[i];
	int esc = 0;
	size_t j;

	for (j = i + 1; j < p->len; j++) {
		if (s[j] == '\0')
			return ep_nul(p, j);
		if (esc)
			esc = 0;
		else if (s[j] == '\\')
			esc = 1;
		else if (s[j] == q)
			break;
	}
	if (j == p->len) {
		struct tok t = { .kind = TOK_QUOTED, .start = i,
				 .len = p->len - i };

		return ep_fail(p, &t, "unterminated quote");
	}
	p->tok.kind = TOK_QUOTED;
	p->tok.len = j + 1 - i;
	return 0;
}

/* A word runs to whitespace or an operator; inside [...] only whitespace
 * ends it, so "[::1]" and globs such as "[!a-z]*" stay whole. */
static int ep_lex_word(struct ep *p, size_t i)
{
	const char *s = p->s;
	int bracket = 0;
	size_t j;

	for (j = i; j < p->len; j++) {
		char c = s[j];

		if (c == '\0')
			return ep_nul(p, j);
		if (ep_space(c) || (!bracket && ep_special(c)))
			break;
		if (c == '[')
			bracket = 1;
		else if (c == ']')
			bracket = 0;
	}
	p->tok.kind = TOK_WORD;
	p->tok.len = j - i;
	for (size_t k = 0; k < sizeof(expr_keywords) / sizeof(expr_keywords[0]);
	     k++) {
		const struct expr_keyword *kw = &expr_keywords[k];

		if (strlen(kw->word) == j - i &&
		    memcmp(kw->word, s + i, j - i) == 0) {
			p->tok.kind = kw->kind;
			p->tok.op = kw->op;
			break;
		}
	}
	return 0;
}

/* Move to the next token. */
static int ep_lex(struct ep *p)
{
	const char *s = p->s;
	size_t i = p->pos;
	struct tok *t = &p->tok;
	char next;
	int rc = 0;

	p->prev = *t;
	while (i < p->len && ep_space(s[i]))
		i++;
	t->start = i;
	t->len = 1;
	t->op = EXPR_OP_EQ;
	if (i == p->len) {
		t->kind = TOK_END;
		t->len = 0;
		p->pos = i;
		return 0;
	}
	next = i + 1 < p->len ? s[i + 1] : '\0';
	switch (s[i]) {
	case '(':
		t->kind = TOK_LPAREN;
		break;
	case ')':
		t->kind = TOK_RPAREN;
		break;
	case '!':
		t->kind = next == '=' ? TOK_OP : TOK_NOT;
		t->op = EXPR_OP_NE;
		t->len = next == '=' ? 2 : 1;
		break;
	case '=':
		t->kind = TOK_OP;
		t->len = next == '=' ? 2 : 1;
		break;
	case '<':
	case '>':
		t->kind = TOK_OP;
		t->len = next == '=' ? 2 : 1;
		if (s[i] == '<')
			t->op = next == '=' ? EXPR_OP_LE : EXPR_OP_LT;
		else
			t->op = next == '=' ? EXPR_OP_GE : EXPR_OP_GT;
		break;
	case '&':
	case '|':
		t->kind = s[i] == '&' ? TOK_AND : TOK_OR;
		t->len = next == s[i] ? 2 : 1;
		break;
	case '"':
	case '\'':
		rc = ep_lex_quoted(p, i);
		break;
	default:
		rc = ep_lex_word(p, i);
		break;
	}
	if (rc == 0)
		p->pos = i + t->len;
	return rc;
}

/* The operand a token stands for, NUL-terminated (the lexer let no NUL
 * through). Inside quotes, backslash-quote and backslash-backslash stand
 * for the second byte; any other backslash stays, for fnmatch(). */
static char *ep_text(const struct ep *p, const struct tok *t)
{
	const char *s = p->s + t->start;
	char *out, *o;

	if (t->kind != TOK_QUOTED) {
		out = xmalloc(t->len + 1);
		memcpy(out, s, t->len);
		out[t->len] = '\0';
		return out;
	}
	out = o = xmalloc(t->len);
	for (size_t i = 1; i + 1 < t->len; i++) {
		if (s[i] == '\\' && i + 2 < t->len &&
		    (s[i + 1] == s[0] || s[i + 1] == '\\'))
			i++;
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

static struct expr *expr_node(enum expr_kind kind, struct expr *left,
			      struct expr *right)
{
	struct expr *e = xcalloc(1, sizeof(*e));

	e->kind = kind;
	e->left = left;
	e->right = right;
	return e;
}

/* The operand of e, whose token is t; ctx is "sport =" for messages. */
static int ep_value(struct ep *p, struct expr *e, const struct tok *t,
		    const char *ctx)
{
	const struct expr_field_info *fi = &expr_fields[e->field];
	char *text = ep_text(p, t);
	const char *bad;
	uint16_t port = 0;
	int rc = 0;

	switch (fi->value) {
	case EXPR_V_PORT:
		rc = expr_port(text[0] == ':' ? text + 1 : text, &port);
		if (rc == -1)
			ep_fail(p, t, "expected a port after '%s'", ctx);
		else if (rc == -2)
			ep_fail(p, t, "port out of range after '%s'", ctx);
		e->num = port;
		break;
	case EXPR_V_NUM32:
	case EXPR_V_NUM64:
		rc = expr_number(text,
				 fi->value == EXPR_V_NUM32 ? UINT32_MAX
							   : UINT64_MAX,
				 &e->num);
		if (rc == -1)
			ep_fail(p, t, "expected a number after '%s'", ctx);
		else if (rc == -2)
			ep_fail(p, t, "number out of range after '%s'", ctx);
		break;
	case EXPR_V_ADDR:
		bad = expr_addr_parse(text, &e->addr);
		if (bad != NULL)
			rc = ep_fail(p, t, "%s after '%s'", bad, ctx);
		break;
	case EXPR_V_USER:
		if (text[0] == '\0')
			rc = ep_fail(p, t, "expected %s after '%s'", fi->what,
				     ctx);
		else if (expr_all_digits(text) &&
			 expr_number(text, UINT32_MAX, &e->num) != 0)
			rc = ep_fail(p, t, "uid out of range after '%s'", ctx);
		break;
	case EXPR_V_GLOB:
		break;
	}
	if (rc != 0) {
		free(text);
		return -1;
	}
	if (fi->value == EXPR_V_GLOB || fi->value == EXPR_V_USER)
		e->text = text;
	else
		free(text);
	return 0;
}

/* NAME [OP] OPERAND */
static struct expr *ep_pred(struct ep *p)
{
	struct tok name = p->tok, op = { .kind = TOK_END };
	const struct expr_field_info *fi = NULL;
	struct expr *e;
	char ctx[32];
	int f;

	for (f = 0; f < EXPR_F_COUNT; f++)
		if (strlen(expr_fields[f].name) == name.len &&
		    memcmp(expr_fields[f].name, p->s + name.start, name.len) ==
			    0)
			break;
	if (f == EXPR_F_COUNT) {
		ep_fail(p, &name, "unknown predicate");
		return NULL;
	}
	fi = &expr_fields[f];
	if (p->terms >= EXPR_MAX_TERMS) {
		ep_fail(p, &name, "more than %d conditions", EXPR_MAX_TERMS);
		return NULL;
	}
	if (ep_lex(p) < 0)
		return NULL;
	if (p->tok.kind == TOK_OP) {
		op = p->tok;
		if (!expr_field_ordered((enum expr_field)f) &&
		    op.op != EXPR_OP_EQ && op.op != EXPR_OP_NE) {
			ep_fail(p, &op, "'%s' takes only = or !=", fi->name);
			return NULL;
		}
		if (ep_lex(p) < 0)
			return NULL;
		snprintf(ctx, sizeof(ctx), "%s %.*s", fi->name, (int)op.len,
			 p->s + op.start);
	} else {
		snprintf(ctx, sizeof(ctx), "%s", fi->name);
	}
	if (p->tok.kind != TOK_WORD && p->tok.kind != TOK_QUOTED) {
		ep_fail(p, &p->tok, "expected %s after '%s'", fi->what, ctx);
		return NULL;
	}
	e = expr_node(EXPR_PRED, NULL, NULL);
	e->field = (enum expr_field)f;
	e->op = op.kind == TOK_OP ? op.op : EXPR_OP_EQ;
	e->pos = name.start;
	if (ep_value(p, e, &p->tok, ctx) < 0 || ep_lex(p) < 0) {
		expr_free(e);
		return NULL;
	}
	p->terms++;
	return e;
}

static struct expr *ep_or(struct ep *p);

/* not X, (X) or a predicate. */
static struct expr *ep_unary(struct ep *p)
{
	struct tok t = p->tok;
	char show[EXPR_SHOW_MAX];
	struct expr *e;

	switch (t.kind) {
	case TOK_WORD:
		return ep_pred(p);
	case TOK_NOT:
	case TOK_LPAREN:
		break;
	case TOK_END:
		ep_show(p, &p->prev, show);
		ep_fail(p, &t, "expected a condition after '%s'", show);
		return NULL;
	case TOK_RPAREN:
		if (p->nest == 0) {
			ep_fail(p, &t, "unbalanced ')'");
			return NULL;
		}
		ep_fail(p, &t, "expected a condition");
		return NULL;
	default:
		ep_fail(p, &t, "expected a condition");
		return NULL;
	}
	/* The nesting limit keeps the recursion, here and in every walk of
	 * the tree, far from the end of the stack. */
	if (p->nest >= EXPR_MAX_NEST) {
		ep_fail(p, &t, "nesting deeper than %d levels", EXPR_MAX_NEST);
		return NULL;
	}
	p->nest++;
	if (ep_lex(p) < 0)
		return NULL;
	if (t.kind == TOK_NOT) {
		e = ep_unary(p);
		if (e == NULL)
			return NULL;
		e = expr_node(EXPR_NOT, e, NULL);
	} else {
		e = ep_or(p);
		if (e == NULL)
			return NULL;
		if (p->tok.kind != TOK_RPAREN) {
			expr_free(e);
			ep_fail(p, &t, "unbalanced '('");
			return NULL;
		}
		if (ep_lex(p) < 0) {
			expr_free(e);
			return NULL;
		}
	}
	p->nest--;
	return e;
}

/* X [and] Y ...: two conditions side by side mean "and", as in ss. */
static struct expr *ep_and(struct ep *p)
{
	struct expr *e = ep_unary(p), *r;

	while (e != NULL && p->tok.kind != TOK_END &&
	       p->tok.kind != TOK_RPAREN && p->tok.kind != TOK_OR) {
		r = NULL;
		if (p->tok.kind != TOK_AND || ep_lex(p) == 0)
			r = ep_unary(p);
		if (r == NULL) {
			expr_free(e);
			return NULL;
		}
		e = expr_node(EXPR_AND, e, r);
	}
	return e;
}

static struct expr *ep_or(struct ep *p)
{
	struct expr *e = ep_and(p), *r;

	while (e != NULL && p->tok.kind == TOK_OR) {
		r = NULL;
		if (ep_lex(p) == 0)
			r = ep_and(p);
		if (r == NULL) {
			expr_free(e);
			return NULL;
		}
		e = expr_node(EXPR_OR, e, r);
	}
	return e;
}

int expr_parse_text(const char *text, size_t len, struct expr **out,
		    struct sc_err *err)
{
	struct ep p = { .s = text, .len = len, .err = err };
	struct expr *e;

	*out = NULL;
	p.tok.kind = TOK_END;
	if (ep_lex(&p) < 0)
		return -1;
	if (p.tok.kind == TOK_END)
		return 0;
	e = ep_or(&p);
	if (e == NULL)
		return -1;
	if (p.tok.kind != TOK_END) {
		expr_free(e);
		return ep_fail(&p, &p.tok, "unbalanced ')'");
	}
	*out = e;
	return 0;
}

int expr_parse(const char *const *words, size_t nwords, struct expr **out,
	       struct sc_err *err)
{
	size_t total = 0, pos = 0;
	char *text;
	int rc;

	for (size_t i = 0; i < nwords; i++)
		total += strlen(words[i]) + 1;
	text = xmalloc(total + 1);
	for (size_t i = 0; i < nwords; i++) {
		size_t n = strlen(words[i]);

		if (i > 0)
			text[pos++] = ' ';
		memcpy(text + pos, words[i], n);
		pos += n;
	}
	text[pos] = '\0';
	rc = expr_parse_text(text, pos, out, err);
	free(text);
	return rc;
}

void expr_free(struct expr *e)
{
	if (e == NULL)
		return;
	expr_free(e->left);
	expr_free(e->right);
	free(e->text);
	free(e->addr.glob);
	free(e);
}

unsigned expr_needs(const struct expr *e)
{
	if (e == NULL)
		return 0;
	if (e->kind != EXPR_PRED)
		return expr_needs(e->left) | expr_needs(e->right);
	switch (e->field) {
	case EXPR_F_PID:
	case EXPR_F_COMM:
	case EXPR_F_PEER_COMM:
		return EXPR_NEED_OWNERS;
	case EXPR_F_USER:
		/* a uid in digits needs no name */
		return expr_all_digits(e->text) ? 0 : EXPR_NEED_USERS;
	case EXPR_F_NETNS:
		return EXPR_NEED_NETNS;
	case EXPR_F_CONTAINER:
		return EXPR_NEED_NETNS | EXPR_NEED_LABELS;
	default:
		return 0;
	}
}

/* ---- evaluation -------------------------------------------------------- */

static int expr_cmp(uint64_t a, enum expr_op op, uint64_t b)
{
	switch (op) {
	case EXPR_OP_EQ:
		return a == b;
	case EXPR_OP_NE:
		return a != b;
	case EXPR_OP_LT:
		return a < b;
	case EXPR_OP_LE:
		return a <= b;
	case EXPR_OP_GT:
		return a > b;
	case EXPR_OP_GE:
		return a >= b;
	}
	return 0;
}

static int expr_is_inet(const struct sock_rec *r)
{
	return r->family == AF_INET || r->family == AF_INET6;
}

/* The name of a Unix socket as patterns see it: a path up to its first
 * NUL, or "@" and the abstract bytes with every NUL read as '@' (as ss
 * shows and matches them). 0 if the socket has no name. */
static int expr_unix_name(const struct sock_rec *r,
			  char out[SOCK_UNIX_NAME_MAX + 1])
{
	size_t n = r->name_len;

	if (r->family != AF_UNIX || n == 0 || r->name == NULL)
		return 0;
	if (n > SOCK_UNIX_NAME_MAX)
		n = SOCK_UNIX_NAME_MAX;
	if (r->name[0] != '\0') {
		n = strnlen(r->name, n);
		memcpy(out, r->name, n);
		out[n] = '\0';
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = r->name[i] != '\0' ? r->name[i] : '@';
	out[n] = '\0';
	return 1;
}

static int expr_prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	size_t full = bits / 8;
	unsigned rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ b[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

static const uint8_t expr_v4mapped[12] = { 0, 0, 0, 0, 0, 0,
					   0, 0, 0, 0, 0xff, 0xff };

static int expr_addr_match(const struct expr_addr *a,
			   const struct sock_rec *r, int local)
{
	const uint8_t *addr = local ? r->src : r->dst;
	char name[SOCK_UNIX_NAME_MAX + 1];

	if (a->family == AF_UNIX) {
		/* A row carries its own name only; "dst unix:..." would need
		 * the peer's, so it matches no socket (only its negation
		 * matches). */
		if (!local || !expr_unix_name(r, name))
			return 0;
		return fnmatch(a->glob, name, 0) == 0;
	}
	if (!expr_is_inet(r))
		return 0;
	if (a->has_port && (local ? r->sport : r->dport) != a->port)
		return 0;
	switch (a->family) {
	case AF_INET:
		if (r->family == AF_INET)
			return expr_prefix_eq(addr, a->addr, a->prefix);
		return memcmp(addr, expr_v4mapped, 12) == 0 &&
		       expr_prefix_eq(addr + 12, a->addr, a->prefix);
	case AF_INET6:
		return r->family == AF_INET6 &&
		       expr_prefix_eq(addr, a->addr, a->prefix);
	default:
		return 1; /* any host */
	}
}

/* Does any process holding the socket with this inode satisfy e? */
static int expr_holders_match(const struct expr *e, enum expr_op op,
			      uint64_t inode, struct facts *f)
{
	const struct owners *o;
	const struct owner *w;
	char comm[256];

	if (f == NULL || facts_holders(f, inode, &w) != FACTS_HELD)
		return 0;
	o = facts_owner_table(f);
	for (; w != NULL; w = owners_next(o, w)) {
		size_t n = w->comm_len < sizeof(comm) ? w->comm_len
						      : sizeof(comm) - 1;

		if (e->field == EXPR_F_PID) {
			if (expr_cmp(w->pid, op, e->num))
				return 1;
			continue;
		}
		memcpy(comm, owners_comm(o, w), n);
		comm[n] = '\0';
		if (fnmatch(e->text, comm, 0) == 0)
			return 1;
	}
	return 0;
}

/* A namespace by name (a pattern), or by inode (digits). */
static int expr_netns_match(const struct expr *e, const struct sock_rec *r,
			    const struct facts *f)
{
	const struct netns_info *ns = facts_netns(f, r->netns);

	if (ns == NULL)
		return 0;
	if (expr_all_digits(e->text) &&
	    strtoull(e->text, NULL, 10) == ns->ino)
		return 1;
	return ns->name != NULL && fnmatch(e->text, ns->name, 0) == 0;
}

/* The predicate with op, which is never EXPR_OP_NE. */
static int expr_pred_match(const struct expr *e, enum expr_op op,
			   const struct sock_rec *r, struct facts *f)
{
	char name[SOCK_UNIX_NAME_MAX + 1];
	const char *user;

	switch (e->field) {
	case EXPR_F_SPORT:
		return expr_is_inet(r) && expr_cmp(r->sport, op, e->num);
	case EXPR_F_DPORT:
		return expr_is_inet(r) && expr_cmp(r->dport, op, e->num);
	case EXPR_F_SRC:
		return expr_addr_match(&e->addr, r, 1);
	case EXPR_F_DST:
		return expr_addr_match(&e->addr, r, 0);
	case EXPR_F_PID:
	case EXPR_F_COMM:
		return expr_holders_match(e, op, r->inode, f);
	case EXPR_F_PEER_COMM:
		if (r->family != AF_UNIX || !(r->flags & SOCK_F_HAS_PEER) ||
		    r->peer_ino == 0)
			return 0;
		return expr_holders_match(e, op, r->peer_ino, f);
	case EXPR_F_UID:
		return (r->flags & SOCK_F_HAS_UID) &&
		       expr_cmp(r->uid, op, e->num);
	case EXPR_F_USER:
		if (!(r->flags & SOCK_F_HAS_UID))
			return 0;
		if (expr_all_digits(e->text))
			return r->uid == e->num;
		user = f != NULL ? facts_user(f, r->uid) : NULL;
		return user != NULL && strcmp(user, e->text) == 0;
	case EXPR_F_PATH:
		return expr_unix_name(r, name) &&
		       fnmatch(e->text, name, 0) == 0;
	case EXPR_F_INODE:
		return expr_cmp(r->inode, op, e->num);
	case EXPR_F_NETNS:
		return expr_netns_match(e, r, f);
	case EXPR_F_CONTAINER:
		user = facts_container(f, r);
		return user != NULL && user[0] != '\0' &&
		       fnmatch(e->text, user, 0) == 0;
	case EXPR_F_COUNT:
		break;
	}
	return 0;
}

int expr_match(const struct expr *e, const struct sock_rec *r,
	       struct facts *f)
{
	if (e == NULL)
		return 1;
	switch (e->kind) {
	case EXPR_AND:
		return expr_match(e->left, r, f) && expr_match(e->right, r, f);
	case EXPR_OR:
		return expr_match(e->left, r, f) || expr_match(e->right, r, f);
	case EXPR_NOT:
		return !expr_match(e->left, r, f);
	case EXPR_PRED:
		if (e->op == EXPR_OP_NE)
			return !expr_pred_match(e, EXPR_OP_EQ, r, f);
		return expr_pred_match(e, e->op, r, f);
	}
	return 0;
}

/* ---- the canonical text ------------------------------------------------ */

struct ef {
	char *out;
	size_t cap, len; /* len < cap */
};

static void ef_put(struct ef *w, const char *s, size_t n)
{
	size_t room = w->cap - 1 - w->len;

	if (n > room)
		n = room;
	memcpy(w->out + w->len, s, n);
	w->len += n;
	w->out[w->len] = '\0';
}

static void ef_str(struct ef *w, const char *s)
{
	ef_put(w, s, strlen(s));
}

/* Text that would not come back as one word (or would come back as a
 * keyword) is written in double quotes. */
static int ef_needs_quotes(const char *s)
{
	if (*s == '\0')
		return 1;
	for (size_t k = 0; k < sizeof(expr_keywords) / sizeof(expr_keywords[0]);
	     k++)
		if (strcmp(s, expr_keywords[k].word) == 0)
			return 1;
	for (; *s != '\0'; s++)
		if (ep_space(*s) || ep_special(*s) || *s == '"' || *s == '\'' ||
		    *s == '\\')
			return 1;
	return 0;
}

/* prefix then text, as one operand */
static void ef_operand(struct ef *w, const char *prefix, const char *text)
{
	size_t np = strlen(prefix), nt = strlen(text);
	char *all = xmalloc(np + nt + 1);

	memcpy(all, prefix, np);
	memcpy(all + np, text, nt + 1);
	if (!ef_needs_quotes(all)) {
		ef_str(w, all);
		free(all);
		return;
	}
	ef_put(w, "\"", 1);
	for (const char *s = all; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			ef_put(w, "\\", 1);
		ef_put(w, s, 1);
	}
	ef_put(w, "\"", 1);
	free(all);
}

static void ef_addr(struct ef *w, const struct expr_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 32];
	char host[INET6_ADDRSTRLEN];
	size_t n = 0;

	if (a->family == AF_UNIX) {
		ef_operand(w, "unix:", a->glob);
		return;
	}
	if (a->family == AF_INET || a->family == AF_INET6) {
		inet_ntop(a->family, a->addr, host, sizeof(host));
		n = (size_t)snprintf(buf, sizeof(buf),
				     a->family == AF_INET6 ? "[%s]" : "%s",
				     host);
		if (a->prefix != (a->family == AF_INET6 ? 128 : 32))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "/%u",
					      a->prefix);
	} else {
		buf[n++] = '*';
		buf[n] = '\0';
	}
	if (a->has_port)
		snprintf(buf + n, sizeof(buf) - n, ":%u", a->port);
	ef_str(w, buf);
}

static void ef_pred(struct ef *w, const struct expr *e)
{
	char num[32];

	ef_str(w, expr_fields[e->field].name);
	ef_put(w, " ", 1);
	ef_str(w, expr_op_text[e->op]);
	ef_put(w, " ", 1);
	switch (expr_fields[e->field].value) {
	case EXPR_V_PORT:
		snprintf(num, sizeof(num), ":%llu", (unsigned long long)e->num);
		ef_str(w, num);
		break;
	case EXPR_V_NUM32:
	case EXPR_V_NUM64:
		snprintf(num, sizeof(num), "%llu", (unsigned long long)e->num);
		ef_str(w, num);
		break;
	case EXPR_V_ADDR:
		ef_addr(w, &e->addr);
		break;
	case EXPR_V_GLOB:
	case EXPR_V_USER:
		ef_operand(w, "", e->text);
		break;
	}
}

/* Binding strength: or < and < not < predicate. */
static int ef_prec(const struct expr *e)
{
	switch (e->kind) {
	case EXPR_OR:
		return 1;
	case EXPR_AND:
		return 2;
	case EXPR_NOT:
		return 3;
	case EXPR_PRED:
		break;
	}
	return 4;
}

static void ef_expr(struct ef *w, const struct expr *e);

static void ef_sub(struct ef *w, const struct expr *e, int parens)
{
	if (parens)
		ef_put(w, "(", 1);
	ef_expr(w, e);
	if (parens)
		ef_put(w, ")", 1);
}

/* Chains lean left, as the parser builds them; a right operand of the
 * same strength keeps its parentheses so that it parses back unchanged. */
static void ef_expr(struct ef *w, const struct expr *e)
{
	int prec = ef_prec(e);

	switch (e->kind) {
	case EXPR_PRED:
		ef_pred(w, e);
		return;
	case EXPR_NOT:
		ef_str(w, "not ");
		ef_sub(w, e->left, ef_prec(e->left) < prec);
		return;
	case EXPR_AND:
	case EXPR_OR:
		ef_sub(w, e->left, ef_prec(e->left) < prec);
		ef_str(w, e->kind == EXPR_AND ? " and " : " or ");
		ef_sub(w, e->right, ef_prec(e->right) <= prec);
		return;
	}
}

size_t expr_format(const struct expr *e, char *out, size_t cap)
{
	struct ef w = { .out = out, .cap = cap, .len = 0 };

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (e != NULL)
		ef_expr(&w, e);
	return w.len;
}
