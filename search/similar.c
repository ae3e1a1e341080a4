#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "similar.h"
#include "terms.h"

/* A failed binding call on DB: its status, with DB's message in *ERROR. */
static ng_status_t db_failed(xc_db_t *db, xc_status_t rc, char **error)
{
    *error = strdup(xc_db_error(db));
    return ng_status_from_xc(rc);
}

/* What the index holds of the example's file. */
typedef struct {
    unsigned all;         /* how many paragraphs of the file it holds */
    unsigned last;        /* the highest paragraph number among them */
    unsigned *docids;     /* the example's paragraphs */
    size_t n_docids;
} found_t;

/* Finds in DB the paragraphs read from the file whose term is FILE_TERM:
 * all of them, or those numbered PARAGRAPH when it is not 0. */
static ng_status_t find_paragraphs(xc_db_t *db, const char *file_term,
                                   unsigned paragraph, found_t *found,
                                   char **error)
{
    xc_status_t rc = xc_db_term_freq(db, file_term, &found->all);
    if (rc != XC_OK)
        return db_failed(db, rc, error);
    if (found->all == 0)
        return NG_OK;
    xc_query_t *q = xc_query_new_term(file_term, strlen(file_term));
    if (!q)
        return NG_NO_MEMORY;
    xc_mset_t *mset = NULL;
    rc = xc_db_search(db, q, 0, found->all, NULL, &mset);
    xc_query_free(q);
    if (rc != XC_OK)
        return db_failed(db, rc, error);
    size_t n = xc_mset_size(mset);
    found->docids = malloc((n ? n : 1) * sizeof *found->docids);
    if (!found->docids) {
        xc_mset_free(mset);
        return NG_NO_MEMORY;
    }
    for (size_t i = 0; i < n; i++) {
        const char *value;
        size_t len;
        rc = xc_mset_value(mset, i, NG_SLOT_PARAGRAPH, &value, &len);
        if (rc != XC_OK) {
            xc_mset_free(mset);
            return db_failed(db, rc, error);
        }
        unsigned number = (unsigned)strtoul(value, NULL, 10);
        if (number > found->last)
            found->last = number;
        if (paragraph == 0 || number == paragraph)
            found->docids[found->n_docids++] = xc_mset_docid(mset, i);
    }
    xc_mset_free(mset);
    return NG_OK;
}

/* The query being built from the most telling terms, best first. */
typedef struct {
    xc_db_t *db;
    unsigned too_common;  /* stems in more paragraphs than this are left out */
    unsigned taken;       /* how many terms the query has */
    xc_query_t *query;    /* NULL until the first term */
    double best;          /* the first term's weight */
    int out_of_memory;
} telling_t;

/* ORs TERM into the query, weighted relative to the best term, so that the
 * words that most set the example apart count most. */
static int add_telling_term(void *ctx, const char *term, size_t len,
                            double weight)
{
    telling_t *t = ctx;
    unsigned freq = 0;
    /* A term whose frequency cannot be read is simply taken. */
    if (xc_db_term_freq(t->db, term, &freq) == XC_OK && freq > t->too_common)
        return 0;
    if (!t->query)
        t->best = weight;
    xc_query_t *one = xc_query_new_term(term, len);
    xc_query_t *scaled = one ? xc_query_scale(one, weight / t->best) : NULL;
    xc_query_free(one);
    if (scaled && t->query) {
        xc_query_t *both = xc_query_or(t->query, scaled);
        xc_query_free(scaled);
        scaled = both;
        if (both)
            xc_query_free(t->query);
    }
    if (!scaled) {
        t->out_of_memory = 1;
        return 1;
    }
    t->query = scaled;
    return ++t->taken >= NG_SIMILAR_TERMS;
}

/* The query for paragraphs like the DOCIDS of FOUND, without those of the
 * file whose term is FILE_TERM. */
static ng_status_t build_query(xc_db_t *db, const found_t *found,
                               const char *file_term, xc_query_t **out,
                               char **error)
{
    telling_t t = { db, 0, 0, NULL, 0, 0 };
    unsigned all = 0;
    xc_status_t rc = xc_db_doc_count(db, &all);
    if (rc != XC_OK)
        return db_failed(db, rc, error);
    t.too_common = (unsigned)(all * NG_SIMILAR_COMMON_SHARE);
    if (t.too_common < NG_SIMILAR_COMMON_MIN)
        t.too_common = NG_SIMILAR_COMMON_MIN;
    /* Ask for more than are kept: the common ones are passed over. */
    rc = xc_db_expand(db, found->docids, found->n_docids, NG_PREFIX_STEM,
                      4 * NG_SIMILAR_TERMS, add_telling_term, &t);
    if (rc != XC_OK) {
        xc_query_free(t.query);
        return db_failed(db, rc, error);
    }
    if (t.out_of_memory) {
        xc_query_free(t.query);
        return NG_NO_MEMORY;
    }
    if (!t.query) {
        *out = xc_query_match_nothing();
        return *out ? NG_OK : NG_NO_MEMORY;
    }
    xc_query_t *file = xc_query_new_term(file_term, strlen(file_term));
    *out = file ? xc_query_combine(XC_OP_AND_NOT, t.query, file) : NULL;
    xc_query_free(file);
    xc_query_free(t.query);
    return *out ? NG_OK : NG_NO_MEMORY;
}

ng_status_t ng_similar_query(xc_db_t *db, const ng_example_t *example,
                             xc_query_t **out, char **error)
{
    *out = NULL;
    *error = NULL;
    found_t found = { 0, 0, NULL, 0 };
    char file_term[NG_TERMS_FILE_TERM_MAX];
    ng_terms_file_term(example->path, file_term);
    ng_status_t st = find_paragraphs(db, file_term, example->paragraph,
                                     &found, error);
    if (st == NG_OK && found.all == 0 && example->alt_path) {
        ng_terms_file_term(example->alt_path, file_term);
        st = find_paragraphs(db, file_term, example->paragraph, &found,
                             error);
    }
    if (st != NG_OK) {
        /* An error already has its message. */
    } else if (found.all == 0) {
        st = NG_BAD_ARGUMENT;
        if (asprintf(error, "'%s' is not in the index (see newsgrep index "
                     "--help)", example->name) < 0)
            *error = NULL;
    } else if (found.n_docids == 0) {
        st = NG_BAD_ARGUMENT;
        if (asprintf(error, "'%s' has no paragraph %u in the index (its "
                     "paragraphs are 1 to %u)", example->name,
                     example->paragraph, found.last) < 0)
            *error = NULL;
    } else {
        st = build_query(db, &found, file_term, out, error);
    }
    free(found.docids);
    return st;
}
