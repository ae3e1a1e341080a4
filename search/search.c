#include <config.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cluster.h"
#include "query.h"
#include "schema.h"
#include "search.h"
#include "stemmer.h"
#include "suggest.h"
#include "terms.h"
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
        for (size_t j = 0; j < h->n_before; j++)
            free(h->before[j].text);
        for (size_t j = 0; j < h->n_after; j++)
            free(h->after[j].text);
        free(h->before);
        free(h->after);
    }
    free(results->hits);
    free(results->suggestion);
    for (size_t i = 0; i < results->n_missing; i++)
        free(results->missing[i]);
    free(results->missing);
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

struct ng_searcher {
    char *path;
    xc_db_t *db;
    ng_stemmer_t *stemmer;
    ng_cluster_t *cluster;      /* NULL for one index */
    ng_searcher_config_t config;
    char **left_out;            /* per shard of CLUSTER: why it is left out
                                   of the answers, or NULL */
    xc_status_t last_rc;        /* of the last failed binding call */
};

/* Error from a binding call on the searcher's database. */
static ng_status_t db_error(ng_searcher_t *s, xc_status_t rc, char **error)
{
    free(*error);
    *error = strdup(xc_db_error(s->db));
    s->last_rc = rc;
    return ng_status_from_xc(rc);
}

/* ST, from a module that left its message on the searcher's database; the
 * message goes to *ERROR unless memory ran out. */
static ng_status_t with_db_message(ng_searcher_t *s, ng_status_t st,
                                   char **error)
{
    if (st != NG_NO_MEMORY) {
        free(*error);
        *error = strdup(xc_db_error(s->db));
    }
    return st;
}

static void searcher_shut(ng_searcher_t *s)
{
    ng_stemmer_free(s->stemmer);
    xc_db_close(s->db);
    s->stemmer = NULL;
    s->db = NULL;
}

/* Leaves shard I of S out of its answers for the reason WHY (taken). */
static ng_status_t leave_out(ng_searcher_t *s, size_t i, char *why)
{
    if (!why)
        return NG_NO_MEMORY;
    free(s->left_out[i]);
    s->left_out[i] = why;
    return NG_OK;
}

/*
 * Opens the shards of S's cluster that are not left out and groups them
 * in S->db.  A shard that fails is left out with ALLOW_PARTIAL, else it
 * fails the whole.
 */
static ng_status_t cluster_load(ng_searcher_t *s, char **error)
{
    xc_status_t rc = xc_db_new_group(&s->db);
    if (rc != XC_OK)
        return ng_status_from_xc(rc);
    size_t opened = 0;
    for (size_t i = 0; i < s->cluster->n_shards; i++) {
        xc_db_t *shard = NULL;
        if (s->left_out[i])
            continue;
        ng_status_t st = ng_cluster_open_shard(s->cluster, i, XC_OPEN_READ,
                                               s->config.timeout_ms, &shard,
                                               error);
        if (st == NG_OK) {
            rc = xc_db_add(s->db, shard);
            xc_db_close(shard);
            if (rc != XC_OK)
                return db_error(s, rc, error);
            opened++;
            continue;
        }
        if (!s->config.allow_partial || st == NG_NO_MEMORY)
            return st;
        st = leave_out(s, i, *error);
        *error = NULL;
        if (st != NG_OK)
            return st;
    }
    if (opened == 0) {
        if (asprintf(error, "no shard of '%s' answered", s->path) < 0)
            *error = NULL;
        return NG_SHARD_FAILED;
    }
    return NG_OK;
}

/* Opens S's database and its stemmer. */
static ng_status_t searcher_load(ng_searcher_t *s, char **error)
{
    free(*error);
    *error = NULL;
    if (s->cluster) {
        ng_status_t st = cluster_load(s, error);
        if (st != NG_OK)
            return st;
    } else {
        xc_status_t rc = xc_db_open(s->path, XC_OPEN_READ, &s->db, error);
        if (rc != XC_OK)
            return ng_status_from_xc(rc);
    }
    /* An index of another schema holds other terms: searched as it is, it
     * would quietly find less (schema 2 has no positions on its stems, so
     * no phrase would match). */
    char *schema = NULL;
    xc_status_t rc = xc_db_get_metadata(s->db, NG_META_SCHEMA, &schema);
    if (rc != XC_OK)
        return db_error(s, rc, error);
    if (*schema && strcmp(schema, NG_SCHEMA_VERSION) != 0) {
        if (asprintf(error, "the index was made by another version of "
                     "newsgrep (schema %s, not %s): %s", schema,
                     NG_SCHEMA_VERSION,
                     s->cluster ? "remove its shards and index again"
                                : "run 'newsgrep index' to rebuild it") < 0)
            *error = NULL;
        free(schema);
        return NG_INDEX_ERROR;
    }
    free(schema);
    char *language = NULL;
    rc = xc_db_get_metadata(s->db, NG_META_LANGUAGE, &language);
    if (rc != XC_OK)
        return db_error(s, rc, error);
    ng_status_t st = ng_stemmer_new(*language ? language : NG_DEFAULT_LANGUAGE,
                                    &s->stemmer);
    if (st == NG_UNKNOWN_LANGUAGE &&
        asprintf(error, "the index names an unknown language '%s'",
                 language) < 0)
        *error = NULL;
    free(language);
    return st;
}

/* Xapian 1.4 tells a reader that a writer changed the blocks under it with
 * DatabaseModifiedError, but now and then, when the reader meets a block
 * already rewritten (while opening, too), with DatabaseCorruptError
 * ("Expected block N to be level 1", "Db block overwritten").  Both go away
 * when the index is opened afresh; a real corruption does not, and is
 * reported after the last try. */
static int worth_retrying(ng_status_t st)
{
    return st == NG_INDEX_MODIFIED || st == NG_INDEX_CORRUPT;
}

/* Opens S afresh after a failed try; ST says why it failed. */
static ng_status_t searcher_reload(ng_searcher_t *s, ng_status_t st,
                                   char **error)
{
    searcher_shut(s);
    if (st == NG_INDEX_CORRUPT)
        usleep(20 * 1000);
    return searcher_load(s, error);
}

ng_status_t ng_searcher_open(const char *db_path, ng_searcher_t **out,
                             char **error)
{
    return ng_searcher_open_with(db_path, NULL, out, error);
}

ng_status_t ng_searcher_open_with(const char *db_path,
                                  const ng_searcher_config_t *config,
                                  ng_searcher_t **out, char **error)
{
    *error = NULL;
    *out = NULL;
    ng_searcher_t *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(db_path))) {
        free(s);
        *error = strdup(ng_status_to_string(NG_NO_MEMORY));
        return NG_NO_MEMORY;
    }
    if (config)
        s->config = *config;
    if (!s->config.timeout_ms)
        s->config.timeout_ms = NG_CLUSTER_TIMEOUT_MS;
    ng_status_t st = NG_OK;
    if (ng_cluster_is_cluster(db_path)) {
        st = ng_cluster_load(db_path, &s->cluster, error);
        if (st == NG_OK && !(s->left_out = calloc(s->cluster->n_shards,
                                                  sizeof *s->left_out)))
            st = NG_NO_MEMORY;
        if (st != NG_OK) {
            ng_searcher_close(s);
            if (!*error)
                *error = strdup(ng_status_to_string(st));
            return st;
        }
    }
    st = searcher_load(s, error);
    for (int tries = 1; worth_retrying(st) && tries < MAX_RETRIES; tries++)
        st = searcher_reload(s, st, error);
    if (st != NG_OK) {
        ng_searcher_close(s);
        if (!*error)
            *error = strdup(ng_status_to_string(st));
        return st;
    }
    *out = s;
    return NG_OK;
}

void ng_searcher_close(ng_searcher_t *searcher)
{
    if (!searcher)
        return;
    searcher_shut(searcher);
    for (size_t i = 0; searcher->cluster && i < searcher->cluster->n_shards;
         i++)
        free(searcher->left_out[i]);
    free(searcher->left_out);
    ng_cluster_free(searcher->cluster);
    free(searcher->path);
    free(searcher);
}

/* What one try at a search holds; freed by try_clear(). */
typedef struct {
    xc_query_t *query;
    xc_query_t *match;      /* matches what QUERY does, ranks plainly */
    ng_tiers_t tiers;       /* QUERY's two tiers, or NULLs */
    xc_mset_t *mset;
    xc_mset_t *rest;        /* the second tier's hits, or NULL */
    const char **terms;
    size_t n_terms;
} try_t;

static void try_clear(try_t *t)
{
    free(t->terms);
    xc_mset_free(t->mset);
    xc_mset_free(t->rest);
    xc_query_free(t->tiers.all);
    xc_query_free(t->tiers.rest);
    xc_query_free(t->match);
    xc_query_free(t->query);
    memset(t, 0, sizeof *t);
}

/* A story of the hits whose other matching paragraphs are to be counted:
 * its id, how many of its paragraphs are shown, and the last shown. */
typedef struct {
    const char *story;
    size_t shown;
    ng_hit_t *last;
} limited_t;

/*
 * Counts, in one search, how many paragraphs of each of the N stories of
 * LIMITED match T's query: its match query (which spares the terms that
 * only rank) filtered to those stories, run to the end, which is short,
 * since it holds only their paragraphs.  (Xapian's collapse counts would do
 * it in fewer hits, but remote shards do not hand them back.)  Sets each
 * one's last shown hit's MORE.
 */
static ng_status_t count_in_stories(ng_searcher_t *s, try_t *t,
                                    limited_t *limited, size_t n,
                                    char **error)
{
    xc_query_t *stories = NULL;
    for (size_t i = 0; i < n; i++) {
        char *term = ng_terms_id_term(NG_PREFIX_STORY, limited[i].story, "");
        xc_query_t *one = term ? xc_query_new_term(term, strlen(term)) : NULL;
        free(term);
        xc_query_t *both = one && stories ? xc_query_or(stories, one) : one;
        if (both != one)
            xc_query_free(one);
        xc_query_free(stories == both ? NULL : stories);
        stories = both;
        if (!stories)
            return NG_NO_MEMORY;
    }
    xc_query_t *q = xc_query_combine(XC_OP_FILTER,
                                     t->match ? t->match : t->query, stories);
    xc_query_free(stories);
    if (!q)
        return NG_NO_MEMORY;
    unsigned all_docs = 0;
    xc_status_t rc = xc_db_doc_count(s->db, &all_docs);
    xc_search_options_t so;
    xc_search_options_init(&so);
    so.check_at_least = INT_MAX;
    so.unweighted = 1;
    /* The hits bring their stories with them, read in one pass along the
     * slot rather than a search of the index for each. */
    so.tie_slot = NG_SLOT_STORY;
    xc_mset_t *mset = NULL;
    /* Xapian makes room for as many hits as it is asked for: a few
     * stories' paragraphs fit in a small list, which is made as big as
     * the index only when they fill it. */
    for (unsigned max = 256; rc == XC_OK; max = all_docs) {
        xc_mset_free(mset);
        mset = NULL;
        rc = xc_db_search(s->db, q, 0, max < all_docs ? max : all_docs, &so,
                          &mset);
        if (rc != XC_OK || max >= all_docs || xc_mset_size(mset) < max)
            break;
    }
    xc_query_free(q);
    if (rc != XC_OK)
        return db_error(s, rc, error);
    unsigned *all = calloc(n, sizeof *all);
    if (!all) {
        xc_mset_free(mset);
        return NG_NO_MEMORY;
    }
    for (size_t i = 0; i < xc_mset_size(mset); i++) {
        const char *story;
        size_t len;
        rc = xc_mset_value(mset, i, NG_SLOT_STORY, &story, &len);
        if (rc != XC_OK) {
            free(all);
            xc_mset_free(mset);
            return db_error(s, rc, error);
        }
        for (size_t j = 0; j < n; j++)
            if (strlen(limited[j].story) == len &&
                memcmp(limited[j].story, story, len) == 0)
                all[j]++;
    }
    for (size_t j = 0; j < n; j++)
        limited[j].last->more = all[j] > limited[j].shown
                                    ? all[j] - (unsigned)limited[j].shown
                                    : 0;
    free(all);
    xc_mset_free(mset);
    return NG_OK;
}

/* Moves the paragraphs of each story to follow its first (best) one,
 * keeping the order of stories and, within a story, of paragraphs; but a
 * paragraph that lacks some of a short query's words is not pulled above
 * another story's paragraph that has them all. */
static ng_status_t group_by_story(ng_results_t *results)
{
    size_t n = results->n_hits;
    ng_hit_t *sorted = malloc((n ? n : 1) * sizeof *sorted);
    char *taken = calloc(n ? n : 1, 1);
    if (!sorted || !taken) {
        free(sorted);
        free(taken);
        return NG_NO_MEMORY;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (taken[i])
            continue;
        for (size_t j = i; j < n; j++)
            if (!taken[j] &&
                results->hits[j].all_words == results->hits[i].all_words &&
                strcmp(results->hits[j].story, results->hits[i].story) == 0) {
                sorted[k++] = results->hits[j];
                taken[j] = 1;
            }
    }
    free(results->hits);
    free(taken);
    results->hits = sorted;
    return NG_OK;
}

/* Sets each hit's MORE: for the stories that a limit held back, how many of
 * their matching paragraphs are not shown. */
static ng_status_t count_held_back(ng_searcher_t *s, try_t *t,
                                   const ng_search_options_t *options,
                                   ng_results_t *results, char **error)
{
    limited_t *limited = calloc(results->n_hits + 1, sizeof *limited);
    size_t n = 0;
    if (!limited)
        return NG_NO_MEMORY;
    for (size_t i = 0; i < results->n_hits; i++) {
        const char *story = results->hits[i].story;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(results->hits[j].story, story) == 0;
        if (seen)
            continue;
        /* A story's paragraphs may stand in two places (group_by_story()):
         * count them all, and tell of the rest after the last. */
        size_t shown = 0, last = i;
        for (size_t j = i; j < results->n_hits; j++)
            if (strcmp(results->hits[j].story, story) == 0) {
                shown++;
                last = j;
            }
        if (options->stories ||
            (options->per_story && shown >= options->per_story))
            limited[n++] = (limited_t){ story, shown, &results->hits[last] };
    }
    ng_status_t st = n ? count_in_stories(s, t, limited, n, error) : NG_OK;
    free(limited);
    return st;
}

/* The text of paragraph NUMBER of STORY into *TEXT (caller frees), or NULL
 * when the story has no such paragraph. */
static ng_status_t paragraph_text(ng_searcher_t *s, const char *story,
                                  unsigned number, char **text, char **error)
{
    char value[NG_PARAGRAPH_VALUE_MAX];
    ng_terms_paragraph_value(number, value);
    *text = NULL;
    char *term = ng_terms_id_term(NG_PREFIX_STORY, story, "");
    xc_query_t *whole = term ? xc_query_new_term(term, strlen(term)) : NULL;
    xc_query_t *one = xc_query_value_range(NG_SLOT_PARAGRAPH, value, value);
    xc_query_t *q = whole && one ? xc_query_combine(XC_OP_FILTER, whole, one)
                                 : NULL;
    free(term);
    xc_query_free(whole);
    xc_query_free(one);
    if (!q)
        return NG_NO_MEMORY;
    xc_mset_t *mset = NULL;
    xc_status_t rc = xc_db_search(s->db, q, 0, 1, NULL, &mset);
    xc_query_free(q);
    if (rc != XC_OK)
        return db_error(s, rc, error);
    ng_status_t st = NG_OK;
    const char *data;
    size_t len;
    if (xc_mset_size(mset) > 0) {
        rc = xc_mset_data(mset, 0, &data, &len);
        ng_hit_t para = { 0 };
        st = rc != XC_OK ? db_error(s, rc, error)
                         : read_hit(&para, data, len, error);
        if (st == NG_OK) {
            *text = para.text;
            para.text = NULL;
        }
        free(para.story);
        free(para.path);
        free(para.title);
        free(para.date);
        free(para.source);
        free(para.text);
    }
    xc_mset_free(mset);
    return st;
}

/* Reads into *OUT (N of them) the paragraphs FROM to TO of STORY, up to the
 * first it does not have (a story's paragraphs are numbered 1 to its last
 * one without gaps). */
static ng_status_t read_context(ng_searcher_t *s, const char *story,
                                unsigned from, unsigned to,
                                ng_context_t **out, size_t *n, char **error)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (unsigned p = from; p >= 1 && p <= to; p++) {
        char *text = NULL;
        ng_status_t st = paragraph_text(s, story, p, &text, error);
        if (st != NG_OK || !text)
            return st;
        if (*n == cap) {
            cap = cap ? 2 * cap : 4;
            ng_context_t *grown = realloc(*out, cap * sizeof *grown);
            if (!grown) {
                free(text);
                return NG_NO_MEMORY;
            }
            *out = grown;
        }
        (*out)[*n].paragraph = p;
        (*out)[*n].text = text;
        (*n)++;
        if (p == UINT_MAX)
            break;
    }
    return NG_OK;
}

/* Gives each hit of RESULTS up to CONTEXT paragraphs on either side. */
static ng_status_t add_context(ng_searcher_t *s, unsigned context,
                               ng_results_t *results, char **error)
{
    for (size_t i = 0; i < results->n_hits; i++) {
        ng_hit_t *h = &results->hits[i];
        unsigned p = h->paragraph;
        unsigned first = p > context ? p - context : 1;
        unsigned last = UINT_MAX - p < context ? UINT_MAX : p + context;
        ng_status_t st = read_context(s, h->story, first, p - 1, &h->before,
                                      &h->n_before, error);
        if (st == NG_OK)
            st = read_context(s, h->story, p + 1, last, &h->after,
                              &h->n_after, error);
        if (st != NG_OK)
            return st;
    }
    return NG_OK;
}

/* Makes T's query: QUERY_TEXT parsed, with synonyms when asked for, or a
 * query for paragraphs like OPTIONS->like's. */
static ng_status_t make_query(ng_searcher_t *s, try_t *t,
                              const char *query_text,
                              const ng_search_options_t *options,
                              char **error)
{
    if (options->like)
        return ng_similar_query(s->db, options->like, &t->query, error);
    /* Synonyms widen a search of plain words.  Sorted by date, every word
     * must match as typed, and a synonym standing in for one would loosen
     * that; and ORed into a query with fields or excluded words, they
     * would match past its filters. */
    ng_widen_t synonyms = { NULL, NULL, 0 };
    if (options->synonyms && options->sort == NG_SORT_RELEVANCE &&
        ng_query_is_plain(query_text)) {
        ng_status_t st = ng_synonyms_expand(options->synonyms, s->db,
                                            s->stemmer, query_text,
                                            &synonyms);
        if (st != NG_OK)
            return with_db_message(s, st, error);
    }
    ng_status_t st = ng_query_parse(s->db, s->stemmer, query_text,
                                    options->sort != NG_SORT_RELEVANCE,
                                    &synonyms, &t->query, &t->match,
                                    &t->tiers, error);
    ng_widen_clear(&synonyms);
    return st;
}

/* A story of the first tier's hits and how many of its paragraphs the
 * hits show. */
typedef struct {
    const char *story;
    unsigned shown;
} shown_t;

static int shown_cmp(const void *a, const void *b)
{
    return strcmp(((const shown_t *)a)->story, ((const shown_t *)b)->story);
}

/*
 * Appends to RESULTS the hits of MSET (ALL_WORDS: of a query's first
 * tier), up to MAX in all.  With a LIMIT of paragraphs a story (MSET's
 * own, collapsed), leaves out those of a story that the hits already in
 * RESULTS, of the first tier, show LIMIT times with them.  With KEPT,
 * only counts into it the hits it would append.
 */
static ng_status_t add_hits(ng_searcher_t *s, try_t *t, xc_mset_t *mset,
                            int all_words, unsigned max, unsigned limit,
                            const ng_search_options_t *options,
                            ng_results_t *results, size_t *kept,
                            char **error)
{
    size_t n_shown = limit ? results->n_hits : 0, n_stories = 0;
    shown_t *shown = calloc(n_shown ? n_shown : 1, sizeof *shown);
    if (!shown)
        return NG_NO_MEMORY;
    for (size_t i = 0; i < n_shown; i++)
        shown[i] = (shown_t){ results->hits[i].story, 1 };
    qsort(shown, n_shown, sizeof *shown, shown_cmp);
    for (size_t i = 0; i < n_shown; i++) {
        if (n_stories && strcmp(shown[n_stories - 1].story,
                                shown[i].story) == 0)
            shown[n_stories - 1].shown++;
        else
            shown[n_stories++] = shown[i];
    }

    ng_status_t st = NG_OK;
    size_t n = results->n_hits;
    for (size_t i = 0; i < xc_mset_size(mset) && n < max && st == NG_OK;
         i++) {
        const char *data, *key;
        size_t len;
        xc_status_t rc = XC_OK;
        if (n_stories) {
            rc = xc_mset_value(mset, i, NG_SLOT_STORY, &key, &len);
            shown_t one = { rc == XC_OK ? strndup(key, len) : NULL, 0 };
            if (rc == XC_OK && !one.story) {
                st = NG_NO_MEMORY;
                break;
            }
            shown_t *seen = one.story ? bsearch(&one, shown, n_stories,
                                                sizeof *shown, shown_cmp)
                                      : NULL;
            free((char *)one.story);
            if (seen && seen->shown >= limit)
                continue;
            if (seen)
                seen->shown++;
        }
        if (rc == XC_OK && !kept)
            rc = xc_mset_data(mset, i, &data, &len);
        if (rc != XC_OK) {
            st = db_error(s, rc, error);
            break;
        }
        n++;
        if (kept)
            continue;
        ng_hit_t *hit = &results->hits[results->n_hits++];
        hit->score = xc_mset_weight(mset, i);
        hit->all_words = all_words;
        st = read_hit(hit, data, len, error);
        if (st == NG_OK && !options->plain)
            st = ng_highlight(s->stemmer, hit->text, strlen(hit->text), "",
                              t->terms, t->n_terms, &hit->spans,
                              &hit->n_spans);
        if (st == NG_OK && !options->plain)
            st = ng_highlight(s->stemmer, hit->title, strlen(hit->title),
                              NG_PREFIX_TITLE, t->terms, t->n_terms,
                              &hit->title_spans, &hit->n_title_spans);
    }
    free(shown);
    if (kept)
        *kept = n - results->n_hits;
    return st;
}

/*
 * Searches T's second tier for the hits that RESULTS, the first tier's,
 * lack to reach MAX, and appends them.  It asks for as many as are
 * missing, which lets the matcher skip more than asking for MAX would;
 * only where the stories of the first tier leave some of those out (SO's
 * per-story limit) does it ask again, for MAX.
 */
static ng_status_t add_second_tier(ng_searcher_t *s, try_t *t,
                                   const xc_search_options_t *so,
                                   unsigned max,
                                   const ng_search_options_t *options,
                                   ng_results_t *results, char **error)
{
    unsigned limit = so->collapse_slot >= 0 ? so->collapse_max : 0;
    unsigned want = max - (unsigned)results->n_hits;
    ng_status_t st = NG_OK;
    for (;;) {
        xc_mset_free(t->rest);
        t->rest = NULL;
        xc_status_t rc = xc_db_search(s->db, t->tiers.rest, 0, want, so,
                                      &t->rest);
        if (rc != XC_OK)
            return db_error(s, rc, error);
        size_t kept = 0;
        if (want < max && xc_mset_size(t->rest) == want)
            st = add_hits(s, t, t->rest, 0, max, limit, options, results,
                          &kept, error);
        if (st != NG_OK)
            return st;
        if (want == max || xc_mset_size(t->rest) < want ||
            results->n_hits + kept == max)
            break;
        want = max;
    }
    size_t n = results->n_hits + xc_mset_size(t->rest);
    ng_hit_t *grown = realloc(results->hits, (n ? n : 1) * sizeof *grown);
    if (!grown)
        return NG_NO_MEMORY;
    memset(grown + results->n_hits, 0,
           (n - results->n_hits) * sizeof *grown);
    results->hits = grown;
    return add_hits(s, t, t->rest, 0, max, limit, options, results, NULL,
                    error);
}

/* One try at the whole search on S's open database.  Returns
 * NG_INDEX_MODIFIED or NG_INDEX_CORRUPT when the caller should reopen and
 * try again. */
static ng_status_t search_once(ng_searcher_t *s, try_t *t,
                               const char *query_text,
                               const ng_search_options_t *options,
                               ng_results_t *results, char **error)
{
    ng_status_t st = make_query(s, t, query_text, options, error);
    if (st != NG_OK)
        return st;
    if (options->suggest && !options->like) {
        st = ng_suggest(s->db, s->stemmer, options->synonyms, query_text,
                        &results->suggestion);
        if (st != NG_OK)
            return with_db_message(s, st, error);
    }

    unsigned all_docs = 0;
    xc_status_t rc = xc_db_doc_count(s->db, &all_docs);
    if (rc != XC_OK)
        return db_error(s, rc, error);
    unsigned max = options->max_hits ? options->max_hits : all_docs;
    xc_search_options_t so;
    xc_search_options_init(&so);
    so.bm25_k1 = NG_SEARCH_BM25_K1;
    so.bm25_b = NG_SEARCH_BM25_B;
    so.check_at_least = options->count ? INT_MAX : (int)max;
    if (options->stories || options->per_story) {
        so.collapse_slot = NG_SLOT_STORY;
        so.collapse_max = options->stories ? 1 : options->per_story;
    }
    if (options->sort != NG_SORT_RELEVANCE) {
        so.sort_slot = NG_SLOT_DATE;
        so.sort_descending = options->sort == NG_SORT_NEWEST;
        /* Undated stories sort last either way: newest first, they have
         * the smallest value already; oldest first, they are given the
         * largest, which remote shards cannot do (cluster.h). */
        if (options->sort == NG_SORT_OLDEST && !s->cluster)
            so.sort_missing = "99999999";
    } else {
        /* Equal scores are ordered by story, not by document ids, which
         * differ between one index and a cluster; a story's paragraphs
         * have ascending ids in both, in the order of their numbers. */
        so.tie_slot = NG_SLOT_STORY;
    }
    /* A query with tiers searches the first, and the second only where
     * the first does not fill the page; when counting, only the count
     * matters. */
    int tiered = t->tiers.all && !options->count;
    rc = xc_db_search(s->db, tiered ? t->tiers.all : t->query, 0, max, &so,
                      &t->mset);
    if (rc != XC_OK)
        return db_error(s, rc, error);
    results->matches = xc_mset_matches_estimated(t->mset);

    t->n_terms = xc_query_term_count(t->query);
    t->terms = calloc(t->n_terms + 1, sizeof *t->terms);
    if (!t->terms)
        return NG_NO_MEMORY;
    for (size_t i = 0; i < t->n_terms; i++)
        t->terms[i] = xc_query_term(t->query, i);

    size_t room = xc_mset_size(t->mset);
    results->hits = calloc(room ? room : 1, sizeof *results->hits);
    if (!results->hits)
        return NG_NO_MEMORY;
    st = add_hits(s, t, t->mset, tiered, max, 0, options, results, NULL,
                  error);
    if (st == NG_OK && tiered && results->n_hits < max)
        st = add_second_tier(s, t, &so, max, options, results, error);
    if (st != NG_OK)
        return st;
    size_t n = results->n_hits;
    if (!options->stories && options->per_story != 1) {
        st = group_by_story(results);
        if (st != NG_OK)
            return st;
    }
    if (options->held_back) {
        st = count_held_back(s, t, options, results, error);
        if (st != NG_OK)
            return st;
    }
    if (options->context) {
        st = add_context(s, options->context, results, error);
        if (st != NG_OK)
            return st;
    }
    return n ? NG_OK : NG_NO_MATCH;
}

/*
 * After a search of a cluster failed with NG_SHARD_FAILED and the message
 * *ERROR: leaves the shard it names out, when partial answers are allowed
 * (then returns NG_INDEX_MODIFIED: reopen and try again), or replaces
 * *ERROR with a message naming it (then returns NG_SHARD_FAILED).  A
 * message that names no shard is retried, reopening finds the shard.
 */
static ng_status_t shard_failed(ng_searcher_t *s, char **error)
{
    size_t i = ng_cluster_shard_in(s->cluster, *error);
    if (i == s->cluster->n_shards)
        return NG_INDEX_MODIFIED;
    xc_status_t rc = s->last_rc == XC_TIMEOUT ? XC_TIMEOUT : XC_NETWORK;
    char *named = ng_cluster_shard_message(&s->cluster->shards[i], rc,
                                           s->config.timeout_ms, *error);
    if (!named)
        return NG_NO_MEMORY;
    free(*error);
    *error = NULL;
    if (s->config.allow_partial) {
        ng_status_t st = leave_out(s, i, named);
        return st == NG_OK ? NG_INDEX_MODIFIED : st;
    }
    *error = named;
    return NG_SHARD_FAILED;
}

/* Names in RESULTS the shards of S left out of the answer. */
static ng_status_t note_missing(const ng_searcher_t *s, ng_results_t *results)
{
    size_t n = s->cluster ? s->cluster->n_shards : 0;
    for (size_t i = 0; i < n; i++) {
        if (!s->left_out[i])
            continue;
        if (!results->missing &&
            !(results->missing = calloc(n, sizeof *results->missing)))
            return NG_NO_MEMORY;
        if (!(results->missing[results->n_missing] =
                  strdup(s->left_out[i])))
            return NG_NO_MEMORY;
        results->n_missing++;
    }
    return NG_OK;
}

ng_status_t ng_searcher_search(ng_searcher_t *searcher, const char *query,
                               const ng_search_options_t *options,
                               ng_results_t **out, char **error)
{
    ng_results_t *results = NULL;
    try_t t = { 0 };
    ng_status_t st = NG_OK;
    *error = NULL;
    *out = NULL;
    /* A searcher whose last reopening failed tries again first. */
    if (!searcher->db)
        st = NG_INDEX_MODIFIED;
    for (int tries = 0; tries < MAX_RETRIES; tries++) {
        if (tries > 0 || !searcher->db) {
            try_clear(&t);
            st = searcher_reload(searcher, st, error);
            if (st != NG_OK) {
                if (worth_retrying(st))
                    continue;
                break;
            }
        }
        ng_results_free(results);
        results = calloc(1, sizeof *results);
        if (!results) {
            st = NG_NO_MEMORY;
            break;
        }
        free(*error);
        *error = NULL;
        st = search_once(searcher, &t, query, options, results, error);
        if (st == NG_SHARD_FAILED && searcher->cluster)
            st = shard_failed(searcher, error);
        if (!worth_retrying(st))
            break;
    }
    try_clear(&t);
    if ((st == NG_OK || st == NG_NO_MATCH) &&
        note_missing(searcher, results) != NG_OK)
        st = NG_NO_MEMORY;
    if (st == NG_OK || st == NG_NO_MATCH) {
        *out = results;
    } else {
        ng_results_free(results);
        if (!*error)
            *error = strdup(ng_status_to_string(st));
    }
    return st;
}

ng_status_t ng_search_run(const char *db_path, const char *query,
                          const ng_search_options_t *options,
                          ng_results_t **out, char **error)
{
    ng_searcher_t *searcher = NULL;
    *out = NULL;
    ng_status_t st = ng_searcher_open(db_path, &searcher, error);
    if (st != NG_OK)
        return st;
    st = ng_searcher_search(searcher, query, options, out, error);
    ng_searcher_close(searcher);
    return st;
}
