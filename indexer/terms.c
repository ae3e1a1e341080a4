#include <config.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filestate.h"
#include "schema.h"
#include "terms.h"
#include "tokenizer.h"

#include <xxhash.h>

/* The longest term we build: prefix, word or stem, and room to spare.  Xapian
 * rejects terms over about 245 bytes. */
#define TERM_MAX (NG_TOKEN_MAX_BYTES * 2 + 16)

typedef struct {
    ng_stemmer_t *stemmer;
    const char *prefix;
    size_t prefix_len;
    const ng_term_sink_t *sink;
    void *ctx;
} text_job_t;

/* Builds PREFIX1 PREFIX2 WORD into BUF; returns its length. */
static size_t build_term(char *buf, const char *p1, size_t p1len,
                         const char *p2, size_t p2len, const char *word,
                         size_t wlen)
{
    memcpy(buf, p1, p1len);
    memcpy(buf + p1len, p2, p2len);
    memcpy(buf + p1len + p2len, word, wlen);
    return p1len + p2len + wlen;
}

/* Tokenizer callback: one word becomes its stem's term, at its position. */
static int on_token(void *vctx, const ng_token_t *token)
{
    text_job_t *job = vctx;
    char term[TERM_MAX];
    size_t stem_len;
    const char *stem = ng_stemmer_stem(job->stemmer, token->text, token->len,
                                       &stem_len);
    if (!stem)
        return 1;
    /* Stems are never longer than the word in Snowball's algorithms, nor
     * empty, but a bound check costs nothing. */
    if (stem_len == 0 || stem_len > NG_TOKEN_MAX_BYTES)
        return 0;
    size_t n = build_term(term, NG_PREFIX_STEM, strlen(NG_PREFIX_STEM),
                          job->prefix, job->prefix_len, stem, stem_len);
    return job->sink->posting(job->ctx, term, n, token->position);
}

ng_status_t ng_terms_index_text(ng_stemmer_t *stemmer, const char *text,
                                size_t len, const char *prefix,
                                unsigned first_position,
                                const ng_term_sink_t *sink, void *ctx,
                                unsigned *next_position)
{
    text_job_t job = { stemmer, prefix, strlen(prefix), sink, ctx };
    int rc = ng_tokenize(text, len, first_position, on_token, &job,
                         next_position);
    return rc == 0 ? NG_OK : NG_NO_MEMORY;
}

/* Hands PREFIX VALUE to the sink as a boolean term; returns non-zero if the
 * sink stopped or memory ran out. */
static int add_boolean(const ng_term_sink_t *sink, void *ctx,
                       const char *prefix, const char *value, size_t vlen)
{
    size_t plen = strlen(prefix);
    char *term = malloc(plen + vlen + 1);
    if (!term)
        return 1;
    memcpy(term, prefix, plen);
    memcpy(term + plen, value, vlen);
    int rc = sink->boolean(ctx, term, plen + vlen);
    free(term);
    return rc;
}

/* Non-zero if DATE is "YYYY-MM-DD" made of digits where digits belong. */
static int is_iso_date(const char *date)
{
    if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)date[i]))
            return 0;
    return 1;
}

char *ng_terms_url_host(const char *url)
{
    if (!url)
        return NULL;
    const char *p = strstr(url, "://");
    if (!p)
        return NULL;
    p += 3;
    /* Skip any user information before the host. */
    const char *end = p + strcspn(p, "/?#");
    const char *at = memchr(p, '@', (size_t)(end - p));
    if (at)
        p = at + 1;
    size_t n = strcspn(p, ":/?#");
    if (n == 0)
        return NULL;
    if (n > 4 && strncasecmp(p, "www.", 4) == 0) {
        p += 4;
        n -= 4;
    }
    char *host = malloc(n + 1);
    if (!host)
        return NULL;
    for (size_t i = 0; i < n; i++)
        host[i] = (char)tolower((unsigned char)p[i]);
    host[n] = '\0';
    return host;
}

/* Xapian refuses terms over 245 bytes; ids longer than this are hashed. */
#define ID_TERM_MAX 200

char *ng_terms_id_term(const char *prefix, const char *id, const char *suffix)
{
    char *term;
    int n;
    if (strlen(id) <= ID_TERM_MAX)
        n = asprintf(&term, "%s%s%s", prefix, id, suffix);
    else
        n = asprintf(&term, "%s#%016" PRIx64 "%s", prefix,
                     (uint64_t)XXH3_64bits(id, strlen(id)), suffix);
    return n < 0 ? NULL : term;
}

void ng_terms_file_term_of(uint64_t path_hash, char *term)
{
    snprintf(term, NG_TERMS_FILE_TERM_MAX, "%s%016" PRIx64, NG_PREFIX_FILE,
             path_hash);
}

void ng_terms_file_term(const char *path, char *term)
{
    ng_terms_file_term_of(ng_filestate_path_hash(path), term);
}

void ng_terms_paragraph_value(unsigned number, char *value)
{
    snprintf(value, NG_PARAGRAPH_VALUE_MAX, "%06u", number);
}

ng_status_t ng_terms_story_fields(const char *story_id, const char *date,
                                  const char *source,
                                  const ng_term_sink_t *sink, void *ctx)
{
    char *story_term = ng_terms_id_term(NG_PREFIX_STORY, story_id, "");
    if (!story_term)
        return NG_NO_MEMORY;
    int rc = sink->boolean(ctx, story_term, strlen(story_term));
    free(story_term);
    if (rc)
        return NG_NO_MEMORY;
    if (is_iso_date(date)) {
        char ymd[9];
        memcpy(ymd, date, 4);
        memcpy(ymd + 4, date + 5, 2);
        memcpy(ymd + 6, date + 8, 2);
        ymd[8] = '\0';
        if (add_boolean(sink, ctx, NG_PREFIX_DAY, ymd, 8) ||
            add_boolean(sink, ctx, NG_PREFIX_MONTH, ymd, 6) ||
            add_boolean(sink, ctx, NG_PREFIX_YEAR, ymd, 4))
            return NG_NO_MEMORY;
    }
    if (source && strstr(source, "://")) {
        char *host = ng_terms_url_host(source);
        if (!host)
            return NG_OK;
        int stopped = add_boolean(sink, ctx, NG_PREFIX_HOST, host,
                                  strlen(host));
        free(host);
        if (stopped)
            return NG_NO_MEMORY;
    }
    return NG_OK;
}
