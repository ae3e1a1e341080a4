#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query_words.h"
#include "schema.h"
#include "stemmer.h"
#include "suggest.h"
#include "tokenizer.h"

/* A word as code points; words are at most NG_TOKEN_MAX_BYTES bytes, so
 * never more code points than that. */
typedef struct {
    uint32_t cp[NG_TOKEN_MAX_BYTES];
    size_t n;
} word_cps_t;

/* The search for one word's nearest neighbour. */
typedef struct {
    const char *word;       /* the typed word, normalised */
    size_t len;
    word_cps_t cps;
    unsigned max_dist;
    unsigned min_freq;      /* a neighbour must be in this many paragraphs */
    ng_stemmer_t *stemmer;  /* NULL: stems are not compared */
    char stem[2 * NG_TOKEN_MAX_BYTES + 1];  /* the word's stem, or "" */
    int failed;             /* memory ran out while stemming */
    char best[NG_TOKEN_MAX_BYTES + 1];
    unsigned best_dist;     /* max_dist + 1 while none is found */
    unsigned best_freq;
} neighbour_t;

/* The byte length of the UTF-8 sequence that starts with C (1 for a byte
 * that starts none). */
static size_t sequence_length(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* Decodes LEN bytes of UTF-8 into OUT.  A byte that does not start a
 * valid sequence counts as one code point of its own, which is all an
 * edit distance needs.  Returns 0, or -1 if TEXT is too long. */
static int decode(const char *text, size_t len, word_cps_t *out)
{
    const unsigned char *s = (const unsigned char *)text;
    out->n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c = s[i];
        size_t extra = sequence_length(s[i]) - 1;
        int ok = i + extra < len;
        for (size_t k = 1; ok && k <= extra; k++)
            ok = (s[i + k] & 0xC0) == 0x80;
        if (extra && ok) {
            c &= 0x3Fu >> extra;
            for (size_t k = 1; k <= extra; k++)
                c = (c << 6) | (s[i + k] & 0x3F);
        } else {
            extra = 0;
        }
        if (out->n == NG_TOKEN_MAX_BYTES)
            return -1;
        out->cp[out->n++] = c;
        i += extra + 1;
    }
    return 0;
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
    unsigned m = a < b ? a : b;
    return m < c ? m : c;
}

/*
 * The Damerau-Levenshtein distance of A and B (insertions, deletions,
 * substitutions and transpositions of neighbours, no substring edited
 * twice), or MAX + 1 as soon as it is certain to exceed MAX.
 */
static unsigned distance(const word_cps_t *a, const word_cps_t *b,
                         unsigned max)
{
    unsigned rows[3][NG_TOKEN_MAX_BYTES + 1];
    unsigned *before = rows[0], *prev = rows[1], *cur = rows[2];
    size_t diff = a->n > b->n ? a->n - b->n : b->n - a->n;
    if (diff > max)
        return max + 1;
    for (size_t j = 0; j <= b->n; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= a->n; i++) {
        unsigned row_min = cur[0] = (unsigned)i;
        for (size_t j = 1; j <= b->n; j++) {
            unsigned cost = a->cp[i - 1] != b->cp[j - 1];
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a->cp[i - 1] == b->cp[j - 2] &&
                a->cp[i - 2] == b->cp[j - 1] && before[j - 2] + 1 < cur[j])
                cur[j] = before[j - 2] + 1;
            if (cur[j] < row_min)
                row_min = cur[j];
        }
        if (row_min > max)
            return max + 1;
        unsigned *t = before;
        before = prev;
        prev = cur;
        cur = t;
    }
    return prev[b->n] <= max ? prev[b->n] : max + 1;
}

/* Weighs one index term as a neighbour of the word. */
static int on_term(void *ctx, const char *term, size_t len, unsigned freq)
{
    neighbour_t *nb = ctx;
    word_cps_t cps;
    if (freq < nb->min_freq || len > NG_TOKEN_MAX_BYTES ||
        (len == nb->len && memcmp(term, nb->word, len) == 0))
        return 0;
    if (decode(term, len, &cps) != 0)
        return 0;
    unsigned d = distance(&nb->cps, &cps, nb->max_dist);
    if (d < nb->best_dist || (d == nb->best_dist && freq > nb->best_freq)) {
        /* A neighbour with the word's stem finds the same paragraphs: it
         * is another form of the word ("tariffed"), not its spelling. */
        if (nb->stemmer && nb->stem[0]) {
            size_t stem_len;
            const char *stem = ng_stemmer_stem(nb->stemmer, term, len,
                                               &stem_len);
            if (!stem)
                return nb->failed = 1;
            if (strcmp(stem, nb->stem) == 0)
                return 0;
        }
        memcpy(nb->best, term, len);
        nb->best[len] = '\0';
        nb->best_dist = d;
        nb->best_freq = freq;
    }
    return 0;
}

/* Offers every index word that starts with the LEN bytes at START. */
static xc_status_t scan_range(xc_db_t *db, const char *start, size_t len,
                              neighbour_t *nb)
{
    char prefix[5];
    memcpy(prefix, start, len);
    prefix[len] = '\0';
    return xc_db_term_list(db, prefix, on_term, nb);
}

/*
 * Offers every index word to NB.  Unprefixed terms are the words: they
 * start with a digit, "_", a lower-case letter or a non-ASCII byte, while
 * every prefixed term starts with an ASCII capital, and those (millions of
 * paragraph ids in a large index) are never read.
 */
static xc_status_t scan_all_words(xc_db_t *db, neighbour_t *nb)
{
    xc_status_t rc = XC_OK;
    for (unsigned c = 1; c < 256 && rc == XC_OK; c++) {
        if ((c >= '0' && c <= '9') || c == '_' || (c >= 'a' && c <= 'z') ||
            c >= 0x80) {
            char byte = (char)c;
            rc = scan_range(db, &byte, 1, nb);
        }
    }
    return rc;
}

/* Non-zero if the word is one that is never corrected. */
static int left_alone(const ng_query_word_t *w, const word_cps_t *cps)
{
    if (w->flags & (NG_QW_OPERATOR | NG_QW_FIELD | NG_QW_WILDCARD))
        return 1;
    if (cps->n < 2)
        return 1;
    for (size_t i = 0; i < w->len; i++)
        if (w->text[i] >= '0' && w->text[i] <= '9')
            return 1;
    return 0;
}

/* Keeps W's stem in NB for comparison with neighbours.  Returns 0, or -1
 * if memory ran out. */
static int keep_stem(neighbour_t *nb, const ng_query_word_t *w)
{
    size_t stem_len;
    if (!nb->stemmer)
        return 0;
    const char *stem = ng_stemmer_stem(nb->stemmer, w->text, w->len,
                                       &stem_len);
    if (!stem)
        return -1;
    if (stem_len < sizeof nb->stem)
        memcpy(nb->stem, stem, stem_len + 1);
    return 0;
}

/*
 * Finds the better spelling of W, if any, into NB->best (NB->best_dist is
 * then at most NB->max_dist).  DOCS is the number of paragraphs; STEMMER,
 * if not NULL, is the index's.
 */
static xc_status_t find_neighbour(xc_db_t *db, const ng_query_word_t *w,
                                  unsigned docs, ng_stemmer_t *stemmer,
                                  neighbour_t *nb)
{
    unsigned freq = 0;
    memset(nb, 0, sizeof *nb);
    nb->word = w->text;
    nb->len = w->len;
    nb->stemmer = stemmer;
    nb->best_dist = 1;  /* above max_dist: nothing found */
    if (decode(w->text, w->len, &nb->cps) != 0 || left_alone(w, &nb->cps))
        return XC_OK;
    nb->max_dist = nb->cps.n <= 4 ? 1 : 2;
    nb->best_dist = nb->max_dist + 1;
    xc_status_t rc = xc_db_term_freq(db, w->text, &freq);
    if (rc != XC_OK)
        return rc;
    if (freq > 0) {
        /* A word the index has in more than one paragraph in
         * NG_SUGGEST_RARE is a word, however close to a common one
         * ("rare", "are"). */
        if ((unsigned long)freq * NG_SUGGEST_RARE > docs)
            return XC_OK;
        nb->min_freq = freq * NG_SUGGEST_RATIO;
    } else {
        nb->min_freq = 1;
    }
    if (keep_stem(nb, w) != 0)
        return XC_NO_MEMORY;
    size_t first = sequence_length((unsigned char)w->text[0]);
    size_t second = first < w->len
                        ? sequence_length((unsigned char)w->text[first])
                        : 0;
    if (first > w->len || first + second > w->len)
        return XC_OK;
    rc = scan_range(db, w->text, first, nb);
    if (rc == XC_OK && second &&
        (second != first || memcmp(w->text, w->text + first, first) != 0))
        rc = scan_range(db, w->text + first, second, nb);
    if (rc == XC_OK && freq == 0 && nb->best_dist > nb->max_dist)
        rc = scan_all_words(db, nb);
    return rc == XC_OK && nb->failed ? XC_NO_MEMORY : rc;
}

/* Writes CORRECTION in place of TYPED: in capitals if TYPED is, with a
 * capital first letter if TYPED has one.  Returns the bytes written. */
static size_t put_correction(char *out, const char *typed, size_t typed_len,
                             const char *correction)
{
    size_t len = strlen(correction);
    int letters = 0, upper = 0;
    for (size_t i = 0; i < typed_len; i++) {
        if ((typed[i] >= 'a' && typed[i] <= 'z') ||
            (typed[i] >= 'A' && typed[i] <= 'Z'))
            letters++;
        if (typed[i] >= 'A' && typed[i] <= 'Z')
            upper++;
    }
    memcpy(out, correction, len);
    for (size_t i = 0; i < len; i++) {
        int capital = upper == letters && letters > 1 ? 1
                      : i == 0 && typed[0] >= 'A' && typed[0] <= 'Z';
        if (capital && out[i] >= 'a' && out[i] <= 'z')
            out[i] = (char)(out[i] - 'a' + 'A');
    }
    return len;
}

/* The stemmer of the language DB was built with, or NULL when that is
 * unknown here (stems are then not compared). */
static xc_status_t index_stemmer(xc_db_t *db, ng_stemmer_t **stemmer)
{
    char *language = NULL;
    *stemmer = NULL;
    xc_status_t rc = xc_db_get_metadata(db, NG_META_LANGUAGE, &language);
    if (rc != XC_OK)
        return rc;
    ng_status_t st = ng_stemmer_new(language[0] ? language
                                                : NG_DEFAULT_LANGUAGE,
                                    stemmer);
    free(language);
    return st == NG_NO_MEMORY ? XC_NO_MEMORY : XC_OK;
}

ng_status_t ng_suggest(xc_db_t *db, const char *query, char **suggestion)
{
    ng_stemmer_t *stemmer = NULL;
    ng_query_word_t *words = NULL;
    size_t n_words = 0;
    unsigned docs = 0;
    char **fixes = NULL;
    size_t n_fixed = 0;
    *suggestion = NULL;
    if (!db || !query)
        return NG_BAD_ARGUMENT;
    ng_status_t st = ng_query_words(query, &words, &n_words);
    if (st != NG_OK)
        return st;
    if (n_words == 0)
        return NG_OK;
    xc_status_t rc = xc_db_doc_count(db, &docs);
    if (rc == XC_OK)
        rc = index_stemmer(db, &stemmer);
    fixes = calloc(n_words, sizeof *fixes);
    if (!fixes)
        rc = XC_NO_MEMORY;
    for (size_t i = 0; i < n_words && rc == XC_OK; i++) {
        neighbour_t nb;
        rc = find_neighbour(db, &words[i], docs, stemmer, &nb);
        if (rc == XC_OK && nb.best_dist <= nb.max_dist) {
            fixes[i] = strdup(nb.best);
            if (!fixes[i])
                rc = XC_NO_MEMORY;
            n_fixed++;
        }
    }
    st = ng_status_from_xc(rc);
    if (st == NG_OK && n_fixed > 0) {
        size_t len = strlen(query);
        size_t cap = len + 1;
        for (size_t i = 0; i < n_words; i++)
            if (fixes[i])
                cap += strlen(fixes[i]);
        char *out = malloc(cap);
        if (out) {
            size_t at = 0, copied = 0;
            for (size_t i = 0; i < n_words; i++) {
                if (!fixes[i])
                    continue;
                memcpy(out + at, query + copied, words[i].start - copied);
                at += words[i].start - copied;
                at += put_correction(out + at, query + words[i].start,
                                     words[i].end - words[i].start, fixes[i]);
                copied = words[i].end;
            }
            memcpy(out + at, query + copied, len - copied + 1);
            *suggestion = out;
        } else {
            st = NG_NO_MEMORY;
        }
    }
    for (size_t i = 0; fixes && i < n_words; i++)
        free(fixes[i]);
    free(fixes);
    ng_stemmer_free(stemmer);
    ng_query_words_free(words, n_words);
    return st;
}
