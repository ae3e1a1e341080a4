#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "highlight.h"
#include "schema.h"
#include "tokenizer.h"

typedef struct {
    ng_stemmer_t *stemmer;
    const char *prefix;
    const char *const *terms;
    size_t n_terms;
    ng_span_t *spans;
    size_t n_spans, cap;
    /* With a stemmer that keeps a word's first byte, the first bytes of
     * the stems sought: a word starting otherwise is not stemmed. */
    int filter;
    unsigned char firsts[256];
    char buf[2 * NG_TOKEN_MAX_BYTES + 16];
} job_t;

static int compare_term(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/* Non-zero if P1 P2 WORD is one of the query's terms. */
static int is_query_term(job_t *job, const char *p1, const char *p2,
                         const char *word, size_t len)
{
    size_t l1 = strlen(p1), l2 = strlen(p2);
    memcpy(job->buf, p1, l1);
    memcpy(job->buf + l1, p2, l2);
    memcpy(job->buf + l1 + l2, word, len);
    job->buf[l1 + l2 + len] = '\0';
    return bsearch(job->buf, job->terms, job->n_terms, sizeof *job->terms,
                   compare_term) != NULL;
}

static int on_token(void *ctx, const ng_token_t *token)
{
    job_t *job = ctx;
    if (job->filter && !job->firsts[(unsigned char)token->text[0]])
        return 0;
    size_t stem_len;
    const char *stem = ng_stemmer_stem(job->stemmer, token->text, token->len,
                                       &stem_len);
    if (!stem)
        return 1;
    if (stem_len > NG_TOKEN_MAX_BYTES ||
        !is_query_term(job, NG_PREFIX_STEM, job->prefix, stem, stem_len))
        return 0;
    if (job->n_spans == job->cap) {
        size_t cap = job->cap ? job->cap * 2 : 8;
        ng_span_t *grown = realloc(job->spans, cap * sizeof *grown);
        if (!grown)
            return 1;
        job->spans = grown;
        job->cap = cap;
    }
    job->spans[job->n_spans].start = token->start;
    job->spans[job->n_spans].end = token->end;
    job->n_spans++;
    return 0;
}

ng_status_t ng_highlight(ng_stemmer_t *stemmer, const char *text, size_t len,
                         const char *prefix, const char *const *terms,
                         size_t n_terms, ng_span_t **spans, size_t *n_spans)
{
    job_t *job = calloc(1, sizeof *job);
    if (!job)
        return NG_NO_MEMORY;
    job->stemmer = stemmer;
    job->prefix = prefix;
    job->terms = terms;
    job->n_terms = n_terms;
    job->filter = ng_stemmer_keeps_first_byte(stemmer);
    size_t skip = strlen(NG_PREFIX_STEM) + strlen(prefix);
    for (size_t i = 0; i < n_terms; i++)
        if (strncmp(terms[i], NG_PREFIX_STEM, strlen(NG_PREFIX_STEM)) == 0 &&
            strncmp(terms[i] + strlen(NG_PREFIX_STEM), prefix,
                    strlen(prefix)) == 0 && strlen(terms[i]) > skip)
            job->firsts[(unsigned char)terms[i][skip]] = 1;
    int rc = n_terms ? ng_tokenize(text, len, 0, on_token, job, NULL) : 0;
    if (rc != 0) {
        free(job->spans);
        free(job);
        return NG_NO_MEMORY;
    }
    *spans = job->spans;
    *n_spans = job->n_spans;
    free(job);
    return NG_OK;
}
