#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "query_words.h"
#include "tokenizer.h"

typedef struct {
    const char *query;
    ng_query_word_t *words;
    size_t n, cap;
    size_t at;            /* bytes of the query already looked at */
    int quoted;           /* inside double quotes */
    int depth;            /* parentheses open */
    int negated_depth;    /* depth of a negated group, or -1 */
    int negate_next;      /* the next word is negated */
    int field_value;      /* the next word starts a field's value */
    size_t field_end;     /* words before this byte belong to a field */
    int failed;
} walk_t;

int ng_query_is_operator(const char *word, size_t len)
{
    static const char *const ops[] = { "AND", "OR", "NOT", "XOR", "NEAR",
                                       "ADJ" };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strlen(ops[i]) == len && memcmp(ops[i], word, len) == 0)
            return 1;
    return 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The end of a field's value that starts at FROM: up to the closing quote
 * of a quoted value, else up to the next blank. */
static size_t value_end(const char *q, size_t from)
{
    size_t i = from;
    if (q[i] == '"') {
        const char *close = strchr(q + i + 1, '"');
        return close ? (size_t)(close - q) + 1 : strlen(q);
    }
    while (q[i] && !is_blank(q[i]))
        i++;
    return i;
}

/* Reads the bytes between two words, [W->at, UNTIL), for quotes,
 * parentheses and a "-" that negates what follows.  Returns non-zero if
 * anything other than blanks and hyphens was there. */
static int read_gap(walk_t *w, size_t until)
{
    int other = 0;
    for (size_t i = w->at; i < until; i++) {
        char c = w->query[i];
        if (c == '"') {
            w->quoted = !w->quoted;
        } else if (c == '(' && !w->quoted) {
            w->depth++;
            /* A negation before "(" covers the whole group. */
            if (w->negate_next && w->negated_depth < 0)
                w->negated_depth = w->depth;
            w->negate_next = 0;
        } else if (c == ')' && !w->quoted) {
            if (w->depth > 0)
                w->depth--;
            if (w->negated_depth > w->depth)
                w->negated_depth = -1;
        } else if (c == '-' && !w->quoted &&
                   (i == 0 || is_blank(w->query[i - 1]) ||
                    w->query[i - 1] == '(')) {
            w->negate_next = 1;
        }
        if (!is_blank(c) && c != '-')
            other = 1;
    }
    return other;
}

static int on_token(void *ctx, const ng_token_t *token)
{
    walk_t *w = ctx;
    int other = read_gap(w, token->start);
    const char *typed = w->query + token->start;
    size_t typed_len = token->end - token->start;
    unsigned flags = 0;

    if (w->n > 0 && !other)
        flags |= NG_QW_JOINED;
    if (w->quoted)
        flags |= NG_QW_QUOTED;
    if (token->start < w->field_end)
        flags |= NG_QW_FIELD;
    if (w->query[token->end] == ':' && w->query[token->end + 1] &&
        !is_blank(w->query[token->end + 1]) && !w->quoted) {
        flags |= NG_QW_FIELD;
        w->field_end = value_end(w->query, token->end + 1);
    }
    if (w->query[token->end] == '*')
        flags |= NG_QW_WILDCARD;
    if (!w->quoted && ng_query_is_operator(typed, typed_len)) {
        flags |= NG_QW_OPERATOR;
        if (typed_len == 3 && memcmp(typed, "NOT", 3) == 0)
            w->negate_next = 1;
        flags &= ~(unsigned)NG_QW_JOINED;
    } else {
        if (w->negated_depth >= 0)
            flags |= NG_QW_NEGATED;
        if (w->negate_next) {
            flags |= NG_QW_NEGATED;
            w->negate_next = 0;
        }
    }

    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 8;
        ng_query_word_t *grown = realloc(w->words, cap * sizeof *grown);
        if (!grown)
            return w->failed = 1;
        w->words = grown;
        w->cap = cap;
    }
    ng_query_word_t *word = &w->words[w->n];
    word->text = malloc(token->len + 1);
    if (!word->text)
        return w->failed = 1;
    memcpy(word->text, token->text, token->len + 1);
    word->len = token->len;
    word->start = token->start;
    word->end = token->end;
    word->flags = flags;
    w->n++;
    w->at = token->end;
    return 0;
}

ng_status_t ng_query_words(const char *query, ng_query_word_t **words,
                           size_t *n_words)
{
    walk_t w = { .query = query, .negated_depth = -1 };
    *words = NULL;
    *n_words = 0;
    if (ng_tokenize(query, strlen(query), 0, on_token, &w, NULL) != 0) {
        ng_query_words_free(w.words, w.n);
        return NG_NO_MEMORY;
    }
    *words = w.words;
    *n_words = w.n;
    return NG_OK;
}

void ng_query_words_free(ng_query_word_t *words, size_t n_words)
{
    if (!words)
        return;
    for (size_t i = 0; i < n_words; i++)
        free(words[i].text);
    free(words);
}
