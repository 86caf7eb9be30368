/* fuzz_expr.c - libFuzzer target for the filter language: the input is
 * filter text. A filter that parses must print as canonical text that
 * parses back to the same tree and the same text, and evaluate the same;
 * one that does not must say why in one printable line. */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter/expr.h"
#include "model/sock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static _Noreturn void fuzz_fail(void)
{
	abort();
}

static int fuzz_same_addr(const struct expr_addr *a, const struct expr_addr *b)
{
	if (a->family != b->family || a->prefix != b->prefix ||
	    a->has_port != b->has_port || a->port != b->port)
		return 0;
	if (a->family == AF_UNIX)
		return strcmp(a->glob, b->glob) == 0;
	return memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

/* The same tree, positions aside. */
static int fuzz_same(const struct expr *a, const struct expr *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->kind != b->kind)
		return 0;
	if (a->kind != EXPR_PRED)
		return fuzz_same(a->left, b->left) &&
		       fuzz_same(a->right, b->right);
	if (a->field != b->field || a->op != b->op || a->num != b->num ||
	    (a->text == NULL) != (b->text == NULL) ||
	    (a->text != NULL && strcmp(a->text, b->text) != 0))
		return 0;
	return fuzz_same_addr(&a->addr, &b->addr);
}

/* No deeper than the limits allow. */
static size_t fuzz_depth(const struct expr *e, size_t *preds)
{
	size_t l, r;

	if (e == NULL)
		return 0;
	if (e->kind == EXPR_PRED) {
		(*preds)++;
		if (e->left != NULL || e->right != NULL)
			fuzz_fail();
		return 1;
	}
	if ((e->kind == EXPR_NOT) != (e->right == NULL) || e->left == NULL)
		fuzz_fail();
	l = fuzz_depth(e->left, preds);
	r = fuzz_depth(e->right, preds);
	return 1 + (l > r ? l : r);
}

/* A few fixed rows, every family. */
static void fuzz_recs(struct sock_rec *r, size_t n)
{
	memset(r, 0, sizeof(*r) * n);
	if (n < 6)
		fuzz_fail();
	r[0].family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", r[0].src);
	inet_pton(AF_INET, "10.1.2.3", r[0].dst);
	r[0].sport = 8080;
	r[0].dport = 443;
	r[0].flags = SOCK_F_HAS_UID;
	r[0].uid = 1000;
	r[0].inode = 100;
	r[1].family = AF_INET6;
	inet_pton(AF_INET6, "::1", r[1].src);
	inet_pton(AF_INET6, "fe80::1", r[1].dst);
	r[1].sport = 22;
	r[1].inode = 200;
	r[2].family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:192.168.1.7", r[2].src);
	r[2].sport = 80;
	r[2].flags = SOCK_F_HAS_UID;
	r[3].family = AF_UNIX;
	r[3].name = "/run/x.sock";
	r[3].name_len = 12;
	r[3].flags = SOCK_F_HAS_PEER;
	r[3].peer_ino = 301;
	r[4].family = AF_UNIX;
	r[4].name = "\0foo\0bar";
	r[4].name_len = 8;
	r[5].family = AF_UNIX;
}

/* expr_parse on the text cut at each space gives what the text gives:
 * the same canonical text, or the same error. */
static void fuzz_words(const char *text, size_t len, const char *want,
		       const char *want_err)
{
	char *copy = malloc(len + 1), *out;
	const char **words = malloc((len + 1) * sizeof(*words));
	struct sc_err err;
	struct expr *e = NULL;
	size_t n = 0, cap = len * 16 + 4096;

	if (copy == NULL || words == NULL) {
		free(copy);
		free(words);
		return;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	words[n++] = copy;
	for (size_t i = 0; i < len; i++)
		if (copy[i] == ' ') {
			copy[i] = '\0';
			words[n++] = copy + i + 1;
		}
	out = malloc(cap);
	if (out != NULL) {
		if (expr_parse(words, n, &e, &err) != (want != NULL ? 0 : -1))
			fuzz_fail();
		expr_format(e, out, cap);
		if (want != NULL && strcmp(out, want) != 0)
			fuzz_fail();
		if (want == NULL && strcmp(err.msg, want_err) != 0)
			fuzz_fail();
		expr_free(e);
		free(out);
	}
	free(copy);
	free(words);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_err err = { 0 };
	struct expr *e = NULL, *again = NULL;
	struct sock_rec recs[6];
	size_t cap = size * 16 + 4096, len, len2, preds = 0;
	char *text = malloc(size ? size : 1);
	char *out = malloc(cap), *out2 = malloc(cap), *part;

	if (text == NULL || out == NULL || out2 == NULL)
		goto done;
	memcpy(text, data, size);
	if (expr_parse_text(text, size, &e, &err) != 0) {
		const char *m = err.msg;

		if (e != NULL || strncmp(m, "filter: ", 8) != 0)
			fuzz_fail();
		for (; *m != '\0'; m++)
			if (*m < 0x20 || *m > 0x7e)
				fuzz_fail();
		if (memchr(text, '\0', size) == NULL)
			fuzz_words(text, size, NULL, err.msg);
		goto done;
	}
	if (fuzz_depth(e, &preds) > EXPR_MAX_NEST + 2 * EXPR_MAX_TERMS ||
	    preds > EXPR_MAX_TERMS)
		fuzz_fail();
	len = expr_format(e, out, cap);
	if (len != strlen(out) || len + 1 >= cap)
		fuzz_fail();
	if (expr_parse_text(out, len, &again, &err) != 0)
		fuzz_fail();
	len2 = expr_format(again, out2, cap);
	if (len2 != len || strcmp(out, out2) != 0 || !fuzz_same(e, again) ||
	    expr_needs(e) != expr_needs(again))
		fuzz_fail();
	/* a short buffer holds the start of the text */
	part = malloc(len / 2 + 1);
	if (part != NULL) {
		if (expr_format(e, part, len / 2 + 1) != len / 2 ||
		    memcmp(part, out, len / 2) != 0 || part[len / 2] != '\0')
			fuzz_fail();
		free(part);
	}
	if (memchr(text, '\0', size) == NULL)
		fuzz_words(text, size, out, NULL);
	if (expr_needs(e) == 0) {
		fuzz_recs(recs, sizeof(recs) / sizeof(recs[0]));
		for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
			if (expr_match(e, &recs[i], NULL) !=
			    expr_match(again, &recs[i], NULL))
				fuzz_fail();
	}
done:
	expr_free(e);
	expr_free(again);
	free(text);
	free(out);
	free(out2);
	return 0;
}
