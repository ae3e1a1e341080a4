#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "schema.h"
#include "tokenizer.h"

typedef struct {
    const char *text;
    char *out;
    size_t out_len;
    size_t copied;      /* bytes of TEXT already handled */
    unsigned words;     /* how many words TEXT has */
} rewrite_t;

/* Operators the QueryParser recognises only in capitals; they must reach it
 * unchanged. */
static int is_operator(const char *word, size_t len)
{
    static const char *const ops[] = { "AND", "OR", "NOT", "XOR", "NEAR",
                                       "ADJ" };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strlen(ops[i]) == len && memcmp(ops[i], word, len) == 0)
            return 1;
    return 0;
}

static void append(rewrite_t *r, const char *bytes, size_t len)
{
    memcpy(r->out + r->out_len, bytes, len);
    r->out_len += len;
}

/* Copies the text before TOKEN as it is, then the token normalised (or as
 * it is, for an operator). */
static int on_token(void *ctx, const ng_token_t *token)
{
    rewrite_t *r = ctx;
    append(r, r->text + r->copied, token->start - r->copied);
    const char *orig = r->text + token->start;
    size_t orig_len = token->end - token->start;
    /* An operator needs a word on each side; first or last, it can only be
     * the word itself ("AND" in "VERY TOUGH, AND"), so it is kept as one. */
    if (token->position > 0 && token->position + 1 < r->words &&
        is_operator(orig, orig_len))
        append(r, orig, orig_len);
    else
        append(r, token->text, token->len);
    r->copied = token->end;
    return 0;
}

/* Counts words: ng_tokenize()'s NEXT_POSITION does the counting. */
static int count_only(void *ctx, const ng_token_t *token)
{
    (void)ctx;
    (void)token;
    return 0;
}

char *ng_query_normalize(const char *text)
{
    size_t len = strlen(text);
    /* A normalised word can be longer than what was typed (a ligature
     * becomes two letters, "ß" becomes "ss"), but never more than
     * NG_TOKEN_MAX_BYTES, and it replaces at least one byte. */
    size_t cap = len * (NG_TOKEN_MAX_BYTES + 1) + 1;
    rewrite_t r = { text, malloc(cap), 0, 0, 0 };
    if (!r.out)
        return NULL;
    if (ng_tokenize(text, len, 0, count_only, NULL, &r.words) != 0 ||
        ng_tokenize(text, len, 0, on_token, &r, NULL) != 0) {
        free(r.out);
        return NULL;
    }
    append(&r, text + r.copied, len - r.copied);
    r.out[r.out_len] = '\0';
    return r.out;
}

/* The binding's stemming callback, backed by our stemmer. */
static const char *stem_word(void *ctx, const char *word, size_t len,
                             size_t *stem_len)
{
    return ng_stemmer_stem(ctx, word, len, stem_len);
}

/* Counts the words of a query and whether anything but white space stands
 * between them. */
typedef struct {
    const char *text;
    size_t words;
    size_t at;
    int only_words;
} plain_t;

static int on_plain_token(void *ctx, const ng_token_t *token)
{
    plain_t *p = ctx;
    for (size_t i = p->at; i < token->start; i++)
        if (!strchr(" \t\r\n", p->text[i]))
            p->only_words = 0;
    p->at = token->end;
    p->words++;
    return 0;
}

/* The number of words of NORMAL (a normalised query) when it is plain
 * words and nothing else (no operators, quotes or fields), else 0. */
static size_t plain_words(const char *normal)
{
    plain_t p = { normal, 0, 0, 1 };
    size_t len = strlen(normal);
    if (ng_tokenize(normal, len, 0, on_plain_token, &p, NULL) != 0)
        return 0;
    for (size_t i = p.at; i < len; i++)
        if (!strchr(" \t\r\n", normal[i]))
            p.only_words = 0;
    return p.only_words ? p.words : 0;
}

/* Replaces *QUERY by OP(*QUERY, EXTRA) and frees EXTRA.  Returns NG_OK or
 * NG_NO_MEMORY, leaving *QUERY as it was. */
static ng_status_t join(xc_op_t op, xc_query_t **query, xc_query_t *extra)
{
    xc_query_t *both = xc_query_combine(op, *query, extra);
    xc_query_free(extra);
    if (!both)
        return NG_NO_MEMORY;
    xc_query_free(*query);
    *query = both;
    return NG_OK;
}

/*
 * Reads TEXT again as VARIANT says and lets the result add to *QUERY's
 * weights (XC_OP_AND_MAYBE): scaled by WEIGHT, or, with CONSTANT, as
 * WEIGHT itself for every paragraph it matches.  A text that parsed once
 * parses again, so only memory can run out: returns NG_OK or NG_NO_MEMORY.
 */
static ng_status_t add_reading(xc_db_t *db, const char *text,
                               const xc_parse_options_t *variant,
                               int constant, double weight,
                               xc_query_t **query)
{
    xc_query_t *q = NULL;
    xc_status_t rc = xc_query_parse(db, text, variant, &q, NULL);
    if (rc != XC_OK)
        return rc == XC_NO_MEMORY ? NG_NO_MEMORY : NG_OK;
    xc_query_t *extra = constant ? xc_query_constant(q, weight)
                                 : xc_query_scale(q, weight);
    xc_query_free(q);
    if (!extra)
        return NG_NO_MEMORY;
    return join(XC_OP_AND_MAYBE, query, extra);
}

/*
 * Headline evidence: the same query read against the headline's words
 * (ZS terms) adds NG_QUERY_TITLE_WEIGHT of its weight to the paragraphs it
 * already matches.  Measured on the development collections (bench/
 * RESULTS.md): 0.2 to 0.3 helps both, 1.0 hurts.
 */
static ng_status_t add_title_boost(xc_db_t *db, const char *normal,
                                   const xc_parse_options_t *options,
                                   xc_query_t **query)
{
    xc_parse_options_t title = *options;
    title.default_prefix = NG_PREFIX_TITLE;
    return add_reading(db, normal, &title, 0, NG_QUERY_TITLE_WEIGHT, query);
}

/*
 * A short query of plain words ranks the paragraphs that hold every word
 * above those that lack one, whatever their weights: "rare earth" lists
 * paragraphs about rare earths before those that only say "earth".  The
 * paragraphs that have all the words gain NG_QUERY_ALL_WORDS_BONUS.
 * Longer queries (questions in natural language) are left to BM25 alone:
 * on the development collections any reward for matching more of their
 * words cost precision.
 */
static ng_status_t add_all_words_tier(xc_db_t *db, const char *normal,
                                      const xc_parse_options_t *options,
                                      xc_query_t **query)
{
    size_t words = plain_words(normal);
    if (options->default_and || words < 2 || words > NG_QUERY_TIER_WORDS)
        return NG_OK;
    xc_parse_options_t all = *options;
    all.default_and = 1;
    return add_reading(db, normal, &all, 1, NG_QUERY_ALL_WORDS_BONUS, query);
}

/*
 * For a query of plain words, adds the same words as a phrase: paragraphs
 * where the words stand together, as typed, gain the phrase's weight on top
 * of their words' own, so "rare earth" ranks "rare earth elements" above a
 * paragraph that has "rare" and "earth" apart.  On failure *QUERY is left as
 * it was and the boost is simply not given, unless memory ran out.
 */
static ng_status_t add_phrase_boost(xc_db_t *db, const char *normal,
                                    const xc_parse_options_t *options,
                                    xc_query_t **query)
{
    char *phrase;
    if (plain_words(normal) < 2)
        return NG_OK;
    if (asprintf(&phrase, "\"%s\"", normal) < 0)
        return NG_NO_MEMORY;
    xc_query_t *boost = NULL;
    xc_status_t rc = xc_query_parse(db, phrase, options, &boost, NULL);
    free(phrase);
    if (rc == XC_NO_MEMORY)
        return NG_NO_MEMORY;
    if (rc != XC_OK)
        return NG_OK;
    xc_query_t *both = xc_query_or(*query, boost);
    xc_query_free(boost);
    if (!both)
        return NG_NO_MEMORY;
    xc_query_free(*query);
    *query = both;
    return NG_OK;
}

ng_status_t ng_query_parse(xc_db_t *db, ng_stemmer_t *stemmer,
                           const char *text, int default_and,
                           xc_query_t **out, char **error)
{
    static const char *const fields[][2] = {
        { "title", NG_PREFIX_TITLE },
    };
    char *normal = ng_query_normalize(text);
    if (!normal)
        return NG_NO_MEMORY;
    xc_parse_options_t options = {
        .stem = stem_word,
        .stem_ctx = stemmer,
        .stem_prefix = NG_PREFIX_STEM,
        .default_and = default_and,
        .fields = fields,
        .n_fields = sizeof fields / sizeof fields[0],
    };
    xc_status_t rc = xc_query_parse(db, normal, &options, out, error);
    ng_status_t st = ng_status_from_xc(rc);
    if (st == NG_OK)
        st = add_title_boost(db, normal, &options, out);
    if (st == NG_OK)
        st = add_all_words_tier(db, normal, &options, out);
    if (st == NG_OK)
        st = add_phrase_boost(db, normal, &options, out);
    if (st != NG_OK) {
        xc_query_free(*out);
        *out = NULL;
    }
    free(normal);
    return st;
}
