#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "query.h"
#include "schema.h"
#include "search.h"
#include "stemmer.h"
#include "xapian-c.h"

/* How often a search is retried when a writer changes the index under it. */
#define MAX_RETRIES 10

void ng_results_free(ng_results_t *results)
{
    if (!results)
        return;
    for (size_t i = 0; i < results->n_hits; i++) {
        ng_hit_t *h = &results->hits[i];
        free(h->story);
        free(h->path);
        free(h->title);
        free(h->date);
        free(h->source);
        free(h->text);
        free(h->spans);
        free(h->title_spans);
    }
    free(results->hits);
    free(results);
}

/* A copy of the string member KEY of OBJ, "" if absent when REQUIRED, else
 * NULL if absent.  Sets *OOM when memory ran out. */
static char *member(json_object *obj, const char *key, int required, int *oom)
{
    json_object *v;
    const char *s = NULL;
    if (json_object_object_get_ex(obj, key, &v) &&
        json_object_is_type(v, json_type_string))
        s = json_object_get_string(v);
    if (!s && !required)
        return NULL;
    char *copy = strdup(s ? s : "");
    if (!copy)
        *oom = 1;
    return copy;
}

/* Fills HIT from a document's stored data (schema.h). */
static ng_status_t read_hit(ng_hit_t *hit, const char *data, size_t len,
                            char **error)
{
    json_tokener *tok = json_tokener_new();
    if (!tok)
        return NG_NO_MEMORY;
    json_object *obj = json_tokener_parse_ex(tok, data, (int)len);
    json_tokener_free(tok);
    if (!obj || !json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        *error = strdup("index document holds no valid data: rebuild the index");
        return NG_INDEX_CORRUPT;
    }
    int oom = 0;
    hit->story = member(obj, "story", 1, &oom);
    hit->path = member(obj, "path", 1, &oom);
    hit->title = member(obj, "title", 1, &oom);
    hit->date = member(obj, "date", 0, &oom);
    hit->source = member(obj, "source", 0, &oom);
    hit->text = member(obj, "text", 1, &oom);
    json_object *v;
    if (json_object_object_get_ex(obj, "paragraph", &v))
        hit->paragraph = (unsigned)json_object_get_int64(v);
    json_object_put(obj);
    return oom ? NG_NO_MEMORY : NG_OK;
}

typedef struct {
    xc_db_t *db;
    ng_stemmer_t *stemmer;
    xc_query_t *query;
    xc_mset_t *mset;
    const char **terms;
} attempt_t;

static void attempt_clear(attempt_t *a)
{
    free(a->terms);
    xc_mset_free(a->mset);
    xc_query_free(a->query);
    ng_stemmer_free(a->stemmer);
    a->terms = NULL;
    a->mset = NULL;
    a->query = NULL;
    a->stemmer = NULL;
}

/* Error from a binding call on the attempt's database. */
static ng_status_t db_error(attempt_t *a, xc_status_t rc, char **error)
{
    *error = strdup(xc_db_error(a->db));
    return ng_status_from_xc(rc);
}

/* One try at the whole search on an open database.  Returns
 * NG_INDEX_MODIFIED when the caller should reopen and try again. */
static ng_status_t attempt(attempt_t *a, const char *query_text,
                           const ng_search_options_t *options,
                           ng_results_t *results, char **error)
{
    char *language = NULL;
    xc_status_t rc = xc_db_get_metadata(a->db, NG_META_LANGUAGE, &language);
    if (rc != XC_OK)
        return db_error(a, rc, error);
    ng_status_t st = ng_stemmer_new(*language ? language : NG_DEFAULT_LANGUAGE,
                                    &a->stemmer);
    if (st == NG_UNKNOWN_LANGUAGE &&
        asprintf(error, "the index names an unknown language '%s'",
                 language) < 0)
        *error = NULL;
    free(language);
    if (st != NG_OK)
        return st;

    st = ng_query_parse(a->db, a->stemmer, query_text, options->default_and,
                        &a->query, error);
    if (st != NG_OK)
        return st;

    unsigned max = options->max_hits;
    if (max == 0) {
        rc = xc_db_doc_count(a->db, &max);
        if (rc != XC_OK)
            return db_error(a, rc, error);
    }
    xc_search_options_t so;
    xc_search_options_init(&so);
    so.check_at_least = (int)max;
    rc = xc_db_search(a->db, a->query, 0, max, &so, &a->mset);
    if (rc != XC_OK)
        return db_error(a, rc, error);

    size_t n_terms = xc_query_term_count(a->query);
    a->terms = calloc(n_terms + 1, sizeof *a->terms);
    if (!a->terms)
        return NG_NO_MEMORY;
    for (size_t i = 0; i < n_terms; i++)
        a->terms[i] = xc_query_term(a->query, i);

    size_t n = xc_mset_size(a->mset);
    results->matches = xc_mset_matches_estimated(a->mset);
    results->hits = calloc(n ? n : 1, sizeof *results->hits);
    if (!results->hits)
        return NG_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
        ng_hit_t *hit = &results->hits[i];
        const char *data;
        size_t len;
        rc = xc_mset_data(a->mset, i, &data, &len);
        if (rc != XC_OK)
            return db_error(a, rc, error);
        results->n_hits = i + 1;
        hit->score = xc_mset_weight(a->mset, i);
        st = read_hit(hit, data, len, error);
        if (st == NG_OK)
            st = ng_highlight(a->stemmer, hit->text, strlen(hit->text), "",
                              a->terms, n_terms, &hit->spans, &hit->n_spans);
        if (st == NG_OK)
            st = ng_highlight(a->stemmer, hit->title, strlen(hit->title),
                              NG_PREFIX_TITLE, a->terms, n_terms,
                              &hit->title_spans, &hit->n_title_spans);
        if (st != NG_OK)
            return st;
    }
    return n ? NG_OK : NG_NO_MATCH;
}

ng_status_t ng_search_run(const char *db_path, const char *query,
                          const ng_search_options_t *options,
                          ng_results_t **out, char **error)
{
    attempt_t a = { 0 };
    ng_results_t *results = NULL;
    *error = NULL;

    /* Xapian 1.4 tells a reader that a writer changed the blocks under it
     * with DatabaseModifiedError, but now and then, when the reader meets
     * a block already rewritten (while opening, too), with
     * DatabaseCorruptError ("Expected block N to be level 1", "Db block
     * overwritten").  Both go away when the index is opened afresh; a real
     * corruption does not, and is reported after the last try. */
    ng_status_t st = NG_INDEX_MODIFIED;
    for (int tries = 0; (st == NG_INDEX_MODIFIED || st == NG_INDEX_CORRUPT) &&
                        tries < MAX_RETRIES;
         tries++) {
        if (tries > 0) {
            attempt_clear(&a);
            xc_db_close(a.db);
            a.db = NULL;
            free(*error);
            *error = NULL;
            if (st == NG_INDEX_CORRUPT)
                usleep(20 * 1000);
        }
        xc_status_t rc = xc_db_open(db_path, XC_OPEN_READ, &a.db, error);
        if (rc != XC_OK) {
            st = ng_status_from_xc(rc);
            continue;
        }
        ng_results_free(results);
        results = calloc(1, sizeof *results);
        if (!results) {
            st = NG_NO_MEMORY;
            break;
        }
        st = attempt(&a, query, options, results, error);
    }
    attempt_clear(&a);
    xc_db_close(a.db);
    if (st == NG_OK || st == NG_NO_MATCH) {
        *out = results;
    } else {
        ng_results_free(results);
        if (!*error)
            *error = strdup(ng_status_to_string(st));
    }
    return st;
}
