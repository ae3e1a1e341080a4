#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

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

/* How many of the index's stems nearest a word are weighed as its
 * correction. */
#define CANDIDATES 4

/* A stem of the index that may be the correction of a word. */
typedef struct {
    char stem[NG_TOKEN_MAX_BYTES + 1];
    unsigned dist;          /* from the nearest start of the typed word */
    unsigned freq;          /* paragraphs that have it */
} candidate_t;

/* The search for the index stems nearest one typed word. */
typedef struct {
    word_cps_t cps;         /* the typed word */
    char stem[NG_TOKEN_MAX_BYTES + 1];  /* ... its stem, never a candidate */
    unsigned max_dist;
    unsigned min_freq;      /* a candidate must be in this many paragraphs */
    candidate_t found[CANDIDATES];  /* nearest first, then commonest */
    size_t n_found;
    int lacking;            /* the index lacks the word's stem */
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
 * twice), or MAX + 1 as soon as it is certain to exceed MAX.  With
 * TO_START, the distance of A from the nearest start of B instead (what
 * of B follows is not compared): a stem is most of a word, and what the
 * stemmer cut off is left out.
 */
static unsigned edit_distance(const word_cps_t *a, const word_cps_t *b,
                              unsigned max, int to_start)
{
    unsigned rows[3][NG_TOKEN_MAX_BYTES + 1];
    unsigned *before = rows[0], *prev = rows[1], *cur = rows[2];
    size_t diff = a->n > b->n ? a->n - b->n : b->n - a->n;
    if (diff > max && !to_start)
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
    unsigned best = prev[b->n];
    for (size_t j = 0; to_start && j < b->n; j++)
        if (prev[j] < best)
            best = prev[j];
    return best <= max ? best : max + 1;
}

/* Weighs one index stem term as a correction of the typed word: kept
 * among the CANDIDATES nearest, then commonest. */
static int on_term(void *ctx, const char *term, size_t len, unsigned freq)
{
    neighbour_t *nb = ctx;
    word_cps_t cps;
    size_t skip = strlen(NG_PREFIX_STEM);
    term += skip;
    len -= skip;
    if (freq < nb->min_freq || len > NG_TOKEN_MAX_BYTES ||
        (len == strlen(nb->stem) && memcmp(term, nb->stem, len) == 0))
        return 0;
    /* A stem shorter than half the word is another word ("over" is not
     * "goverment"). */
    if (decode(term, len, &cps) != 0 || cps.n * 2 < nb->cps.n)
        return 0;
    candidate_t c = { .dist = edit_distance(&cps, &nb->cps, nb->max_dist, 1),
                      .freq = freq };
    if (c.dist > nb->max_dist)
        return 0;
    size_t at = nb->n_found;
    while (at > 0 && (c.dist < nb->found[at - 1].dist ||
                      (c.dist == nb->found[at - 1].dist &&
                       c.freq > nb->found[at - 1].freq)))
        at--;
    if (at == CANDIDATES)
        return 0;
    memcpy(c.stem, term, len);
    c.stem[len] = '\0';
    size_t keep = nb->n_found < CANDIDATES ? nb->n_found : CANDIDATES - 1;
    memmove(&nb->found[at + 1], &nb->found[at],
            (keep - at) * sizeof nb->found[0]);
    nb->found[at] = c;
    if (nb->n_found < CANDIDATES)
        nb->n_found++;
    return 0;
}

/* Offers every index stem that starts with the LEN bytes at START. */
static xc_status_t scan_range(xc_db_t *db, const char *start, size_t len,
                              neighbour_t *nb)
{
    char prefix[sizeof NG_PREFIX_STEM + 4];
    size_t skip = strlen(NG_PREFIX_STEM);
    memcpy(prefix, NG_PREFIX_STEM, skip);
    memcpy(prefix + skip, start, len);
    prefix[skip + len] = '\0';
    return xc_db_term_list(db, prefix, on_term, nb);
}

/*
 * Offers every stem of the paragraphs' words to NB.  They start with a
 * digit, "_", a lower-case letter or a non-ASCII byte after the stem
 * prefix, while the headline's stems ("ZS") go on with a capital, and
 * those are never read.
 */
static xc_status_t scan_all_stems(xc_db_t *db, neighbour_t *nb)
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

/*
 * Finds the index stems that may correct W into NB->found (none if W is
 * left alone or common enough to be meant), among those that start with
 * W's first or second letter.  DOCS is the number of paragraphs; STEMMER
 * is the index's.
 */
static xc_status_t find_neighbours(xc_db_t *db, const ng_query_word_t *w,
                                   unsigned docs, ng_stemmer_t *stemmer,
                                   neighbour_t *nb)
{
    unsigned freq = 0;
    size_t stem_len;
    memset(nb, 0, sizeof *nb);
    if (decode(w->text, w->len, &nb->cps) != 0 || left_alone(w, &nb->cps))
        return XC_OK;
    const char *stem = ng_stemmer_stem(stemmer, w->text, w->len, &stem_len);
    if (!stem)
        return XC_NO_MEMORY;
    if (stem_len == 0 || stem_len > NG_TOKEN_MAX_BYTES)
        return XC_OK;
    memcpy(nb->stem, stem, stem_len);
    nb->stem[stem_len] = '\0';
    nb->max_dist = nb->cps.n <= 4 ? 1 : 2;
    char term[sizeof NG_PREFIX_STEM + NG_TOKEN_MAX_BYTES];
    snprintf(term, sizeof term, "%s%s", NG_PREFIX_STEM, nb->stem);
    xc_status_t rc = xc_db_term_freq(db, term, &freq);
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
    nb->lacking = freq == 0;
    return rc;
}

/* How many paragraphs with a neighbour's stem are read for its words, and
 * how many different words with the stem are weighed. */
#define SAMPLE_PARAGRAPHS 20
#define SAMPLE_FORMS 16

/* A word of the sampled paragraphs that has the stem sought. */
typedef struct {
    char text[NG_TOKEN_MAX_BYTES + 1];
    size_t len;
    unsigned dist;          /* from the typed word */
    unsigned count;         /* times seen */
} form_t;

/* The search for the word to show for a stem, among the words of some
 * paragraphs that have it. */
typedef struct {
    ng_stemmer_t *stemmer;
    const char *stem;
    size_t stem_len;
    word_cps_t typed;
    form_t forms[SAMPLE_FORMS];
    size_t n_forms;
    int failed;             /* memory ran out while stemming */
} spelling_t;

static int on_word(void *ctx, const ng_token_t *token)
{
    spelling_t *sp = ctx;
    size_t stem_len;
    word_cps_t cps;
    if ((unsigned char)token->text[0] != (unsigned char)sp->stem[0] &&
        ng_stemmer_keeps_first_byte(sp->stemmer))
        return 0;
    const char *stem = ng_stemmer_stem(sp->stemmer, token->text, token->len,
                                       &stem_len);
    if (!stem)
        return sp->failed = 1;
    if (stem_len != sp->stem_len || memcmp(stem, sp->stem, stem_len) != 0 ||
        token->len > NG_TOKEN_MAX_BYTES)
        return 0;
    for (size_t i = 0; i < sp->n_forms; i++) {
        form_t *f = &sp->forms[i];
        if (f->len == token->len && memcmp(f->text, token->text, f->len) == 0) {
            f->count++;
            return 0;
        }
    }
    if (sp->n_forms == SAMPLE_FORMS || decode(token->text, token->len, &cps))
        return 0;
    form_t *f = &sp->forms[sp->n_forms++];
    memcpy(f->text, token->text, token->len);
    f->text[token->len] = '\0';
    f->len = token->len;
    f->dist = edit_distance(&sp->typed, &cps, NG_TOKEN_MAX_BYTES, 0);
    f->count = 1;
    return 0;
}

/* Non-zero if form A is a better correction than form B: nearer the typed
 * word, then seen more often, then shorter, then first in byte order. */
static int better_form(const form_t *a, const form_t *b)
{
    if (a->dist != b->dist)
        return a->dist < b->dist;
    if (a->count != b->count)
        return a->count > b->count;
    if (a->len != b->len)
        return a->len < b->len;
    return strcmp(a->text, b->text) < 0;
}

/* Reads the "text" of the paragraph whose stored DATA (LEN bytes) is
 * given, and offers its words to SP.  Returns XC_OK or XC_NO_MEMORY. */
static xc_status_t offer_words(spelling_t *sp, const char *data, size_t len)
{
    json_tokener *tok = json_tokener_new();
    if (!tok)
        return XC_NO_MEMORY;
    json_object *obj = json_tokener_parse_ex(tok, data, (int)len);
    json_tokener_free(tok);
    json_object *text = NULL;
    int rc = 0;
    if (obj && json_object_object_get_ex(obj, "text", &text) &&
        json_object_is_type(text, json_type_string))
        rc = ng_tokenize(json_object_get_string(text),
                         (size_t)json_object_get_string_len(text), 0, on_word,
                         sp, NULL);
    json_object_put(obj);
    return rc < 0 || sp->failed ? XC_NO_MEMORY : XC_OK;
}

/*
 * The word to show for the index stem STEM, as a correction of W: the
 * index holds stems, not words, so it is found in the text of the
 * paragraphs with STEM that rank first (the order is the same on one index
 * and on a cluster).  Of their words with that stem, better_form() picks.
 * Stores it into OUT (NG_TOKEN_MAX_BYTES + 1 bytes), or "" if none turned
 * up.
 */
static xc_status_t spelling_of(xc_db_t *db, ng_stemmer_t *stemmer,
                               const ng_query_word_t *w, const char *stem,
                               char *out, unsigned *dist)
{
    spelling_t sp = { .stemmer = stemmer, .stem = stem,
                      .stem_len = strlen(stem) };
    char term[sizeof NG_PREFIX_STEM + NG_TOKEN_MAX_BYTES];
    xc_search_options_t options;
    xc_mset_t *mset = NULL;
    out[0] = '\0';
    if (decode(w->text, w->len, &sp.typed) != 0)
        return XC_OK;
    snprintf(term, sizeof term, "%s%s", NG_PREFIX_STEM, stem);
    xc_query_t *q = xc_query_new_term(term, strlen(term));
    if (!q)
        return XC_NO_MEMORY;
    xc_search_options_init(&options);
    options.tie_slot = NG_SLOT_STORY;
    xc_status_t rc = xc_db_search(db, q, 0, SAMPLE_PARAGRAPHS, &options,
                                  &mset);
    xc_query_free(q);
    for (size_t i = 0; rc == XC_OK && i < xc_mset_size(mset); i++) {
        const char *data;
        size_t len;
        rc = xc_mset_data(mset, i, &data, &len);
        if (rc == XC_OK)
            rc = offer_words(&sp, data, len);
    }
    xc_mset_free(mset);
    const form_t *best = NULL;
    for (size_t i = 0; i < sp.n_forms; i++)
        if (!best || better_form(&sp.forms[i], best))
            best = &sp.forms[i];
    if (rc == XC_OK && best) {
        memcpy(out, best->text, best->len + 1);
        *dist = best->dist;
    }
    return rc;
}

/* The best of NB's candidates for W into BEST ("" if none is near enough
 * as a word).  The candidates are in order, nearest and commonest first:
 * the first whose word is nearest the typed one wins. */
static xc_status_t pick(xc_db_t *db, ng_stemmer_t *stemmer,
                        const ng_query_word_t *w, const neighbour_t *nb,
                        char *best)
{
    char word[NG_TOKEN_MAX_BYTES + 1];
    unsigned best_dist = nb->max_dist + 1;
    xc_status_t rc = XC_OK;
    best[0] = '\0';
    for (size_t k = 0; k < nb->n_found && rc == XC_OK; k++) {
        unsigned dist = best_dist;
        rc = spelling_of(db, stemmer, w, nb->found[k].stem, word, &dist);
        if (rc == XC_OK && word[0] && dist < best_dist) {
            memcpy(best, word, strlen(word) + 1);
            best_dist = dist;
        }
    }
    return rc;
}

/* The correction of W into BEST, or "" for none.  Only a word whose stem
 * the index lacks, with no correction among the stems that start like it,
 * is compared with all the index's stems. */
static xc_status_t correct_word(xc_db_t *db, const ng_query_word_t *w,
                                unsigned docs, ng_stemmer_t *stemmer,
                                char *best)
{
    neighbour_t nb;
    best[0] = '\0';
    xc_status_t rc = find_neighbours(db, w, docs, stemmer, &nb);
    if (rc == XC_OK)
        rc = pick(db, stemmer, w, &nb, best);
    if (rc == XC_OK && !best[0] && nb.lacking) {
        nb.n_found = 0;
        rc = scan_all_stems(db, &nb);
        if (rc == XC_OK)
            rc = pick(db, stemmer, w, &nb, best);
    }
    return rc;
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

ng_status_t ng_suggest(xc_db_t *db, ng_stemmer_t *stemmer,
                       const ng_synonyms_t *syn, const char *query,
                       char **suggestion)
{
    ng_query_word_t *words = NULL;
    size_t n_words = 0;
    unsigned docs = 0;
    char **fixes = NULL;
    size_t n_fixed = 0;
    *suggestion = NULL;
    if (!db || !stemmer || !query)
        return NG_BAD_ARGUMENT;
    ng_status_t st = ng_query_words(query, &words, &n_words);
    if (st != NG_OK)
        return st;
    if (n_words == 0)
        return NG_OK;
    xc_status_t rc = xc_db_doc_count(db, &docs);
    fixes = calloc(n_words, sizeof *fixes);
    if (!fixes)
        rc = XC_NO_MEMORY;
    for (size_t i = 0; i < n_words && rc == XC_OK; i++) {
        char best[NG_TOKEN_MAX_BYTES + 1];
        rc = correct_word(db, &words[i], docs, stemmer, best);
        if (rc == XC_OK && best[0] &&
            ng_synonyms_lists(syn, stemmer, words[i].text, words[i].len))
            best[0] = '\0';
        if (rc == XC_OK && best[0]) {
            fixes[i] = strdup(best);
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
    ng_query_words_free(words, n_words);
    return st;
}
