#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filters.h"
#include "query.h"
#include "query_words.h"
#include "schema.h"
#include "tokenizer.h"

/* The filter fields, whose values reach their callbacks as typed. */
static const char *const filter_names[] = { "source", "date" };

typedef struct {
    const char *text;
    char *out;
    size_t out_len;
    size_t copied;      /* bytes of TEXT already handled */
    unsigned words;     /* how many words TEXT has */
    size_t verbatim_end; /* bytes before this belong to a filter's value */
} rewrite_t;

/* Non-zero if TOKEN of TEXT (of WORDS words) is an operator the
 * QueryParser must see.  An operator needs a word on each side; first or
 * last, it can only be the word itself ("AND" in "VERY TOUGH, AND"). */
static int is_kept_operator(const char *text, const ng_token_t *token,
                            unsigned words)
{
    return token->position > 0 && token->position + 1 < words &&
           ng_query_is_operator(text + token->start,
                                token->end - token->start);
}

static void append(rewrite_t *r, const char *bytes, size_t len)
{
    memcpy(r->out + r->out_len, bytes, len);
    r->out_len += len;
}

/*
 * If the LEN bytes of WORD at AT in TEXT name a filter field ("source:",
 * "date:", in any case) at the start of an item, returns where its value
 * ends: at white space or ')', or after the closing quote of a quoted
 * value.  Returns 0 otherwise.
 */
static size_t filter_value_end(const char *text, size_t at, size_t len)
{
    if (at > 0 && !strchr(" \t\r\n(-+", text[at - 1]))
        return 0;
    for (size_t i = 0; i < sizeof filter_names / sizeof filter_names[0];
         i++) {
        const char *name = filter_names[i];
        if (strlen(name) != len || strncasecmp(text + at, name, len) != 0 ||
            text[at + len] != ':')
            continue;
        size_t end = at + len + 1;
        if (text[end] == '"') {
            const char *close = strchr(text + end + 1, '"');
            return close ? (size_t)(close - text) + 1 : strlen(text);
        }
        return end + strcspn(text + end, " \t\r\n)");
    }
    return 0;
}

/* Copies the text before TOKEN as it is, then the token normalised (or as
 * it is, for an operator).  A filter field's value is left as typed: the
 * filter reads it, not the QueryParser, and "bbc.co.uk" or "2025-06"
 * would not survive normalising. */
static int on_token(void *ctx, const ng_token_t *token)
{
    rewrite_t *r = ctx;
    if (token->start < r->verbatim_end)
        return 0;
    append(r, r->text + r->copied, token->start - r->copied);
    const char *orig = r->text + token->start;
    size_t orig_len = token->end - token->start;
    if (is_kept_operator(r->text, token, r->words))
        append(r, orig, orig_len);
    else
        append(r, token->text, token->len);
    r->copied = token->end;
    size_t value_end = filter_value_end(r->text, token->start, orig_len);
    if (value_end > r->verbatim_end)
        r->verbatim_end = value_end;
    return 0;
}

/* Counts words: ng_tokenize()'s NEXT_POSITION does the counting. */
static int count_only(void *ctx, const ng_token_t *token)
{
    (void)ctx;
    (void)token;
    return 0;
}

/* Counts the words of TEXT into *WORDS, then tokenizes it again with FN,
 * which may then tell operators by position.  Returns as ng_tokenize(). */
static int tokenize_counted(const char *text, unsigned *words, ng_token_fn fn,
                            void *ctx)
{
    size_t len = strlen(text);
    int rc = ng_tokenize(text, len, 0, count_only, NULL, words);
    return rc ? rc : ng_tokenize(text, len, 0, fn, ctx, NULL);
}

char *ng_query_normalize(const char *text)
{
    size_t len = strlen(text);
    /* A normalised word can be longer than what was typed (a ligature
     * becomes two letters, "ß" becomes "ss"), but never more than
     * NG_TOKEN_MAX_BYTES, and it replaces at least one byte. */
    size_t cap = len * (NG_TOKEN_MAX_BYTES + 1) + 1;
    rewrite_t r = { text, malloc(cap), 0, 0, 0, 0 };
    if (!r.out)
        return NULL;
    if (tokenize_counted(text, &r.words, on_token, &r) != 0) {
        free(r.out);
        return NULL;
    }
    append(&r, text + r.copied, len - r.copied);
    r.out[r.out_len] = '\0';
    return r.out;
}

/*
 * What check_syntax() learns of a query, walking it character by
 * character up to each word.  The QueryParser reads what it cannot parse
 * again with its operators turned off, so that "(rare earth" or "-rare"
 * would quietly become a search for other words; these are caught first.
 */
typedef struct {
    const char *text;
    size_t at;              /* bytes of TEXT walked */
    unsigned words;         /* words that are not operators */
    unsigned wanted;        /* ... of which not left out by '-' */
    unsigned n_words;       /* all words, operators too */
    size_t quote;           /* where the open quote is, when in_quote */
    int in_quote;
    int quote_out;          /* the phrase is left out ("-\"a b\"") */
    int item_start;         /* nothing but white space or '(' before */
    int item_out;           /* the item began with '-' */
    size_t depth;           /* open parentheses */
    size_t open_at[64];     /* where the innermost of them opened */
    unsigned long long group_out;  /* bit N: group N is left out */
} syntax_t;

/* The length of a quote character at P: '"' or a typographic double quote,
 * which the QueryParser also takes for one; 0 if none. */
static size_t quote_len(const char *p)
{
    if (*p == '"')
        return 1;
    if ((unsigned char)p[0] == 0xe2 && (unsigned char)p[1] == 0x80 &&
        ((unsigned char)p[2] == 0x9c || (unsigned char)p[2] == 0x9d))
        return 3;
    return 0;
}

static int group_is_out(const syntax_t *s)
{
    size_t d = s->depth < 64 ? s->depth : 63;
    return d > 0 && (s->group_out >> d & 1);
}

/* Walks the text before END (none of it a word), noting quotes,
 * parentheses and leading '-'.  Returns -1 at a ')' that closes nothing,
 * with S->at there. */
static int walk_to(syntax_t *s, size_t end)
{
    while (s->at < end) {
        const char *p = s->text + s->at;
        size_t q = quote_len(p);
        if (q) {
            if (!s->in_quote) {
                s->quote = s->at;
                s->quote_out = s->item_out || group_is_out(s);
            }
            s->in_quote = !s->in_quote;
            s->item_start = 0;
            s->at += q;
            continue;
        }
        if (!s->in_quote) {
            if (strchr(" \t\r\n", *p)) {
                s->item_start = 1;
                s->item_out = 0;
            } else if (*p == '(') {
                int out = s->item_out || group_is_out(s);
                s->depth++;
                if (s->depth < 64) {
                    s->open_at[s->depth] = s->at;
                    s->group_out &= ~(1ULL << s->depth);
                    s->group_out |= (unsigned long long)out << s->depth;
                }
                s->item_start = 1;
                s->item_out = 0;
            } else if (*p == ')') {
                if (s->depth == 0)
                    return -1;
                s->depth--;
                s->item_start = 0;
                s->item_out = 0;
            } else if (*p == '-' && s->item_start) {
                s->item_out = 1;
                s->item_start = 0;
            } else {
                s->item_start = 0;
            }
        }
        s->at++;
    }
    return 0;
}

static int on_syntax_token(void *ctx, const ng_token_t *token)
{
    syntax_t *s = ctx;
    if (walk_to(s, token->start) != 0)
        return 1;
    if (!is_kept_operator(s->text, token, s->n_words)) {
        s->words++;
        if (!(s->in_quote ? s->quote_out : s->item_out) && !group_is_out(s))
            s->wanted++;
    }
    s->item_start = 0;
    s->at = token->end;
    return 0;
}

/* Sets *ERROR to "WHAT at 'TEXT...'", showing a little of TEXT from AT. */
static ng_status_t syntax_error(char **error, const char *what,
                                const char *text, size_t at)
{
    size_t n = strlen(text + at);
    int cut = n > 30;
    if (cut) {
        n = 30;
        while (n > 0 && ((unsigned char)text[at + n] & 0xc0) == 0x80)
            n--;
    }
    if (asprintf(error, "%s at '%.*s%s'", what, (int)n, text + at,
                 cut ? "..." : "") < 0) {
        *error = NULL;
        return NG_NO_MEMORY;
    }
    return NG_QUERY_ERROR;
}

/*
 * Checks TEXT (as typed) for what the QueryParser would misread: no words
 * at all, a quote or parenthesis without its partner, or words that are
 * all left out ("-rare").  Returns NG_OK, or NG_QUERY_ERROR with a message
 * in *ERROR (caller frees), or NG_NO_MEMORY.
 */
static ng_status_t check_syntax(const char *text, char **error)
{
    syntax_t s = { .text = text, .item_start = 1 };
    size_t len = strlen(text);
    int stopped = tokenize_counted(text, &s.n_words, on_syntax_token, &s);
    if (stopped < 0)
        return NG_NO_MEMORY;
    if (stopped == 0 && walk_to(&s, len) != 0)
        stopped = 1;
    if (stopped)
        return syntax_error(error, "unmatched ')'", text, s.at);
    if (s.n_words == 0) {
        if (asprintf(error, "the query has no words to search for") < 0)
            return NG_NO_MEMORY;
        return NG_QUERY_ERROR;
    }
    if (s.in_quote)
        return syntax_error(error, "unmatched '\"'", text, s.quote);
    if (s.depth > 0)
        return syntax_error(error, "unmatched '('", text,
                            s.open_at[s.depth < 64 ? s.depth : 63]);
    if (s.words > 0 && s.wanted == 0) {
        if (asprintf(error, "the query only leaves words out: add a word to "
                     "search for") < 0)
            return NG_NO_MEMORY;
        return NG_QUERY_ERROR;
    }
    return NG_OK;
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

int ng_query_is_plain(const char *text)
{
    char *normal = ng_query_normalize(text);
    int plain = normal && plain_words(normal) > 0;
    free(normal);
    return plain;
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
 * Lets a copy of EXTRA (NULL: nothing) add to *QUERY's weights where *QUERY
 * matches, with AND_MAYBE; or ORs it in, with OR.
 */
static ng_status_t add_weight(xc_op_t op, xc_query_t **query,
                              const xc_query_t *extra)
{
    if (!extra || !*query)
        return NG_OK;
    xc_query_t *copy = xc_query_copy(extra);
    return copy ? join(op, query, copy) : NG_NO_MEMORY;
}

void ng_widen_clear(ng_widen_t *widen)
{
    if (!widen)
        return;
    xc_query_free(widen->words);
    for (size_t i = 0; i < widen->n_phrases; i++)
        xc_query_free(widen->phrases[i]);
    free(widen->phrases);
    widen->words = NULL;
    widen->phrases = NULL;
    widen->n_phrases = 0;
}

/*
 * Into *OUT, PHRASE (a phrase, or a query of phrases) as it weighs, where
 * WITHIN (NULL: anywhere) and its own terms all match, guarded against a
 * fault of Xapian 1.4.22's matcher.
 *
 * Asked with check() whether it matches a paragraph without it, a phrase
 * skips its AND of terms to the next paragraph with them; if the phrase is
 * not there either it says no, but stays there, and a later skip_to() to
 * that paragraph or one before it returns without testing again, taking
 * it for a match.  An OR or AND_MAYBE asks its parts both ways, so the
 * phrase's weight was added to paragraphs that have its words apart: at
 * 10 copies of the benchmark's corpus, "canada upholds countervail duty
 * on" ranked first, at 24.42, seven paragraphs whose weight is 20.68,
 * with "import tax" (a synonym of duty) counted where they say "imports"
 * and "tax" apart.
 *
 * Guarded, the phrase is one of two parts of an AND, beside its terms
 * (and WITHIN's) weighing nothing; kept whole by a factor of 1 (not
 * flattened into the AND as a filter on its positions), it is the AND's
 * part that Xapian either leads with, asking it only next() and skip_to(),
 * or asks only check(), which tests again each time.  Either never leaves
 * it on a paragraph it failed; the AND answers the rest of the matcher.
 * With WITHIN, the terms' AND is usually the rarer and leads, and the
 * phrase is tested only where WITHIN's words and its own all are.  A
 * query without terms has no positions to test and is copied as it is.
 */
static ng_status_t guarded(const xc_query_t *phrase, const xc_query_t *within,
                           xc_query_t **out)
{
    if (xc_query_term_count(phrase) == 0) {
        *out = xc_query_copy(phrase);
        return *out ? NG_OK : NG_NO_MEMORY;
    }
    xc_query_t *terms = within ? xc_query_copy(within) : NULL;
    int failed = within && !terms;
    for (size_t i = 0; i < xc_query_term_count(phrase) && !failed; i++) {
        const char *t = xc_query_term(phrase, i);
        xc_query_t *term = xc_query_new_term(t, strlen(t));
        if (!term || !terms) {
            terms = term;
            failed = !term;
            continue;
        }
        xc_query_t *both = xc_query_combine(XC_OP_AND, terms, term);
        xc_query_free(term);
        xc_query_free(terms);
        terms = both;
        failed = !both;
    }
    xc_query_t *kept = failed ? NULL : xc_query_scale(phrase, 1);
    xc_query_t *bare = kept && terms ? xc_query_scale(terms, 0) : NULL;
    *out = bare ? xc_query_combine(XC_OP_FILTER, kept, bare) : NULL;
    xc_query_free(bare);
    xc_query_free(kept);
    xc_query_free(terms);
    return *out ? NG_OK : NG_NO_MEMORY;
}

/* Adds PHRASE, guarded (guarded()), to *QUERY with OP. */
static ng_status_t add_guarded(xc_op_t op, xc_query_t **query,
                               const xc_query_t *phrase,
                               const xc_query_t *within)
{
    xc_query_t *g = NULL;
    if (!phrase || !*query)
        return NG_OK;
    ng_status_t st = guarded(phrase, within, &g);
    return st == NG_OK ? join(op, query, g) : st;
}

/* ORs a copy of WIDEN's words, then its phrases, guarded, into *QUERY. */
static ng_status_t or_widen(xc_query_t **query, const ng_widen_t *widen)
{
    ng_status_t st = NG_OK;
    if (widen)
        st = add_weight(XC_OP_OR, query, widen->words);
    for (size_t i = 0; widen && i < widen->n_phrases && st == NG_OK; i++)
        st = add_guarded(XC_OP_OR, query, widen->phrases[i], NULL);
    return st;
}

/*
 * Headline evidence: the same query read against the headline's words
 * (ZS terms), scaled by NG_QUERY_TITLE_WEIGHT, into *BOOST.  Measured on
 * the development collections (bench/RESULTS.md): 0.2 to 0.3 helps both,
 * 1.0 hurts.  A phrase is read as its words: a headline is a few words,
 * and checking the positions of its words for every paragraph that has the
 * phrase more than doubled the cost of a search for one.  A text that
 * parsed once parses again, so only memory can run out.
 */
static ng_status_t title_boost(xc_db_t *db, const char *normal,
                               const xc_parse_options_t *options,
                               xc_query_t **boost)
{
    xc_parse_options_t title = *options;
    title.default_prefix = NG_PREFIX_TITLE;
    title.no_positions = 1;
    xc_query_t *q = NULL;
    *boost = NULL;
    xc_status_t rc = xc_query_parse(db, normal, &title, &q, NULL);
    if (rc != XC_OK)
        return rc == XC_NO_MEMORY ? NG_NO_MEMORY : NG_OK;
    *boost = xc_query_scale(q, NG_QUERY_TITLE_WEIGHT);
    xc_query_free(q);
    return *boost ? NG_OK : NG_NO_MEMORY;
}

/*
 * Sets *ALL to the query for the paragraphs with every word of a short
 * query of plain words, or NULL where there is no such tier.  Longer
 * queries (questions in natural language) are left to BM25 alone: on the
 * development collections any reward for matching more of their words
 * cost precision.
 */
static ng_status_t all_words(xc_db_t *db, const char *normal,
                             const xc_parse_options_t *options,
                             xc_query_t **all)
{
    size_t words = plain_words(normal);
    *all = NULL;
    if (options->default_and || words < 2 || words > NG_QUERY_TIER_WORDS)
        return NG_OK;
    xc_parse_options_t and = *options;
    and.default_and = 1;
    xc_status_t rc = xc_query_parse(db, normal, &and, all, NULL);
    return rc == XC_NO_MEMORY ? NG_NO_MEMORY : NG_OK;
}

/*
 * For a query of plain words, the same words as a phrase into *BOOST:
 * paragraphs where the words stand together, as typed, gain the phrase's
 * weight on top of their words' own, so "rare earth" ranks "rare earth
 * elements" above a paragraph that has "rare" and "earth" apart.  Where
 * the phrase does not parse, *BOOST is NULL and the boost is simply not
 * given.
 */
static ng_status_t phrase_boost(xc_db_t *db, const char *normal,
                                const xc_parse_options_t *options,
                                xc_query_t **boost)
{
    char *phrase;
    *boost = NULL;
    if (plain_words(normal) < 2)
        return NG_OK;
    if (asprintf(&phrase, "\"%s\"", normal) < 0)
        return NG_NO_MEMORY;
    xc_status_t rc = xc_query_parse(db, phrase, options, boost, NULL);
    free(phrase);
    return rc == XC_NO_MEMORY ? NG_NO_MEMORY : NG_OK;
}

/*
 * The tiers of *OUT, whose words (and headline) are WORDS, by ALL, the
 * paragraphs with every word.
 *
 * The first tier weighs what *OUT does: the words (every one matches, so
 * the AND weighs what the OR does), and with AND_MAYBE the headline, the
 * phrase and the synonyms, these only where all the words are.  The
 * query's phrase has all the words, so it is only asked about paragraphs
 * with them, and stays on the one it was asked about: it needs no guard.
 * The synonyms' phrases are guarded within ALL (guarded()): tested only
 * where all the words are too.  Filtered instead as one OR within ALL,
 * whose words Xapian then spread among the filter's AND, "import tax"
 * (for "japan semiconductor tariffs") cost 80% of that search's
 * instructions at 30 copies of the benchmark's corpus, and twice what it
 * costs now.  The phrase only matches where all the words are, so the
 * second tier does without it.
 */
static ng_status_t make_tiers(const xc_query_t *words, const xc_query_t *all,
                              const xc_query_t *title,
                              const xc_query_t *phrase,
                              const ng_widen_t *widen, ng_tiers_t *tiers)
{
    ng_status_t st = NG_NO_MEMORY;
    tiers->all = xc_query_copy(all);
    tiers->rest = xc_query_copy(words);
    if (tiers->all && tiers->rest)
        st = add_weight(XC_OP_AND_MAYBE, &tiers->all, title);
    if (st == NG_OK)
        st = add_weight(XC_OP_AND_MAYBE, &tiers->all, phrase);
    if (st == NG_OK && widen)
        st = add_weight(XC_OP_AND_MAYBE, &tiers->all, widen->words);
    for (size_t i = 0; widen && i < widen->n_phrases && st == NG_OK; i++)
        st = add_guarded(XC_OP_AND_MAYBE, &tiers->all, widen->phrases[i],
                         all);
    if (st == NG_OK)
        st = or_widen(&tiers->rest, widen);
    if (st == NG_OK)
        st = add_weight(XC_OP_AND_NOT, &tiers->rest, all);
    return st;
}

/*
 * Adds to *OUT what ranks and never matches: the headline's reading with
 * AND_MAYBE, the phrase only where the words match (guarded()); then
 * WIDEN's words and phrases, if WIDEN is not NULL, with OR.  With TIERS,
 * sets them (ng_query_parse()).
 */
static ng_status_t add_ranking(xc_db_t *db, const char *normal,
                               const xc_parse_options_t *options,
                               const ng_widen_t *widen, xc_query_t **out,
                               ng_tiers_t *tiers)
{
    xc_query_t *title = NULL, *all = NULL, *phrase = NULL;
    ng_status_t st = title_boost(db, normal, options, &title);
    if (st == NG_OK && tiers)
        st = all_words(db, normal, options, &all);
    if (st == NG_OK)
        st = phrase_boost(db, normal, options, &phrase);
    if (st == NG_OK)
        st = add_weight(XC_OP_AND_MAYBE, out, title);
    if (st == NG_OK && all)
        st = make_tiers(*out, all, title, phrase, widen, tiers);
    if (st == NG_OK)
        st = add_guarded(XC_OP_OR, out, phrase, NULL);
    if (st == NG_OK)
        st = or_widen(out, widen);
    xc_query_free(title);
    xc_query_free(all);
    xc_query_free(phrase);
    return st;
}

/* What check_operators_read() looks for: a kept operator whose word
 * turned up in the query as a term. */
typedef struct {
    const char *text;       /* the normalised query */
    unsigned words;
    const xc_query_t *query;
    ng_stemmer_t *stemmer;
    char word[8];           /* the operator, lower case */
    int as_word;            /* the user typed it as a word too */
    const char *misread;    /* the operator the parser did not read */
} operators_t;

/* Non-zero if QUERY holds TERM. */
static int has_term(const xc_query_t *query, const char *prefix,
                    const char *word, size_t len)
{
    for (size_t i = 0; i < xc_query_term_count(query); i++) {
        const char *t = xc_query_term(query, i);
        size_t n = strlen(prefix);
        if (strncmp(t, prefix, n) == 0 && strlen(t + n) == len &&
            memcmp(t + n, word, len) == 0)
            return 1;
    }
    return 0;
}

/* Notes whether the lower-case word in O->word is typed as a word. */
static int find_word(void *ctx, const ng_token_t *token)
{
    operators_t *o = ctx;
    if (!is_kept_operator(o->text, token, o->words) &&
        strlen(o->word) == token->len &&
        memcmp(o->word, token->text, token->len) == 0)
        o->as_word = 1;
    return 0;
}

static int on_operator(void *ctx, const ng_token_t *token)
{
    operators_t *o = ctx;
    size_t len = token->end - token->start;
    if (!is_kept_operator(o->text, token, o->words))
        return 0;
    for (size_t i = 0; i < len; i++)
        o->word[i] = (char)(o->text[token->start + i] - 'A' + 'a');
    o->word[len] = '\0';
    o->as_word = 0;
    if (ng_tokenize(o->text, strlen(o->text), 0, find_word, o, NULL) < 0)
        return -1;
    if (o->as_word)
        return 0;
    size_t stem_len = 0;
    const char *stem = ng_stemmer_stem(o->stemmer, o->word, len, &stem_len);
    if (!stem)
        return -1;
    if (has_term(o->query, NG_PREFIX_STEM, stem, stem_len)) {
        o->misread = strcmp(o->word, "near") == 0 ||
                     strcmp(o->word, "adj") == 0 ? "near" : "bool";
        snprintf(o->word, sizeof o->word, "%.*s", (int)len,
                 o->text + token->start);
        return 1;
    }
    return 0;
}

/*
 * The QueryParser reads a query it cannot parse a second time with its
 * operators turned off: "rare NEAR \"earth x\"" becomes a search for the
 * word "near".  Catches that: an operator of NORMAL that came back as a
 * term of QUERY (and was not also typed as a word).  Returns NG_OK, or
 * NG_QUERY_ERROR with a message in *ERROR (caller frees), or NG_NO_MEMORY.
 */
static ng_status_t check_operators_read(const char *normal,
                                        const xc_query_t *query,
                                        ng_stemmer_t *stemmer, char **error)
{
    operators_t o = { .text = normal, .query = query, .stemmer = stemmer };
    if (tokenize_counted(normal, &o.words, on_operator, &o) < 0)
        return NG_NO_MEMORY;
    if (!o.misread)
        return NG_OK;
    int n = strcmp(o.misread, "near") == 0
        ? asprintf(error, "cannot read '%s' here: it needs a single word on "
                   "each side, not a phrase, a group or a -word", o.word)
        : asprintf(error, "cannot read '%s' here: -word and +word do not mix "
                   "with AND, OR, NOT and XOR (write 'a AND NOT b')", o.word);
    if (n < 0) {
        *error = NULL;
        return NG_NO_MEMORY;
    }
    return NG_QUERY_ERROR;
}

ng_status_t ng_query_parse(xc_db_t *db, ng_stemmer_t *stemmer,
                           const char *text, int default_and,
                           const ng_widen_t *widen, xc_query_t **out,
                           xc_query_t **match, ng_tiers_t *tiers,
                           char **error)
{
    static const char *const fields[][2] = {
        { "title", NG_PREFIX_TITLE },
    };
    if (tiers)
        tiers->all = tiers->rest = NULL;
    ng_status_t st = check_syntax(text, error);
    if (st != NG_OK)
        return st;
    char *normal = ng_query_normalize(text);
    if (!normal)
        return NG_NO_MEMORY;
    /* The filters' names are those the normaliser leaves values alone
     * for. */
    const xc_filter_field_t filters[] = {
        { filter_names[0], ng_filter_source, db },
        { filter_names[1], ng_filter_date, NULL },
    };
    xc_parse_options_t options = {
        .stem = stem_word,
        .stem_ctx = stemmer,
        .stem_prefix = NG_PREFIX_STEM,
        .default_and = default_and,
        .fields = fields,
        .n_fields = sizeof fields / sizeof fields[0],
        .filters = filters,
        .n_filters = sizeof filters / sizeof filters[0],
    };
    xc_status_t rc = xc_query_parse(db, normal, &options, out, error);
    st = ng_status_from_xc(rc);
    if (st == NG_OK)
        st = check_operators_read(normal, *out, stemmer, error);
    if (st == NG_OK && match && !(*match = xc_query_copy(*out)))
        st = NG_NO_MEMORY;
    if (st == NG_OK && match)
        st = or_widen(match, widen);
    if (st == NG_OK)
        st = add_ranking(db, normal, &options, widen, out, tiers);
    if (st != NG_OK) {
        xc_query_free(*out);
        *out = NULL;
        if (match) {
            xc_query_free(*match);
            *match = NULL;
        }
        if (tiers) {
            xc_query_free(tiers->all);
            xc_query_free(tiers->rest);
            tiers->all = tiers->rest = NULL;
        }
    }
    free(normal);
    return st;
}
