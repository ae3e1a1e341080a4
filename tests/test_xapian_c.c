/*
 * test_xapian_c.c: the C binding to libxapian, against a real index in a
 * temporary folder.  Each test gets a fresh folder; most also get a small
 * index of four documents (see add_documents()), open for writing.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"
#include "xapian-c.h"

/* What a test works on; the teardown closes whatever is still open. */
typedef struct {
    char *dir;         /* the temporary folder */
    char *path;        /* the index, two levels below DIR */
    xc_db_t *writer;
    xc_db_t *reader;
    xc_db_t *other;
} fixture_t;

/* A stemmer good enough for the tests: strips one trailing "s". */
typedef struct {
    char stem[256];
    int calls;
} strip_s_t;

static const char *strip_s(void *ctx, const char *word, size_t len,
                           size_t *stem_len)
{
    strip_s_t *s = ctx;
    s->calls++;
    if (len >= sizeof s->stem)
        len = sizeof s->stem - 1;
    if (len > 1 && word[len - 1] == 's')
        len--;
    memcpy(s->stem, word, len);
    s->stem[len] = '\0';
    *stem_len = len;
    return s->stem;
}

/* A stemmer that always reports running out of memory. */
static const char *stem_fails(void *ctx, const char *word, size_t len,
                              size_t *stem_len)
{
    (void)ctx; (void)word; (void)len; (void)stem_len;
    return NULL;
}

static const char *const title_field[][2] = { { "title", "S" } };

/* Parse options as the search front end uses them: stemming with STEM,
 * AND by default, and the "title:" field. */
static xc_parse_options_t parse_options(strip_s_t *stem)
{
    xc_parse_options_t o = { strip_s, stem,  "Z",  1, title_field, 1,
                             NULL,    0,     NULL, 0 };
    return o;
}

/* One test document: positional terms, two values, data. */
typedef struct {
    const char *unique;        /* boolean "Q" term */
    const char *words[4];      /* posted at positions POS[i] */
    unsigned pos[4];
    const char *group;         /* value slot 0 */
    const char *label;         /* value slot 1 */
    const char *data;
} test_doc_t;

/* Builds D as a document; fails the test on any error. */
static xc_doc_t *make_doc(const test_doc_t *d)
{
    xc_doc_t *doc = xc_doc_new();
    assert_non_null(doc);
    assert_int_equal(xc_doc_add_boolean_term(doc, d->unique,
                                             strlen(d->unique)), XC_OK);
    for (size_t i = 0; i < 4 && d->words[i]; i++)
        assert_int_equal(xc_doc_add_posting(doc, d->words[i],
                                            strlen(d->words[i]), d->pos[i],
                                            1), XC_OK);
    assert_int_equal(xc_doc_set_value(doc, 0, d->group, strlen(d->group)),
                     XC_OK);
    assert_int_equal(xc_doc_set_value(doc, 1, d->label, strlen(d->label)),
                     XC_OK);
    assert_int_equal(xc_doc_set_data(doc, d->data, strlen(d->data)), XC_OK);
    return doc;
}

/*
 * The test index, as the indexer makes one: each word's stem at the word's
 * position.  doc1 is about tariffs and markets, doc2 has "rare earth" as a
 * phrase, doc3 has "rare" and "earth" apart, doc4 has "markets" in its
 * title ("ZS" prefix).  doc2 and doc3 share value slot 0.
 */
static const test_doc_t test_docs[] = {
    { "Qdoc1", { "Ztariff", "Zhit", "Zmarket", NULL }, { 1, 2, 3, 0 },
      "groupA", "one", "doc one: tariffs hit markets" },
    { "Qdoc2", { "Zrare", "Zearth", "Zexport", NULL }, { 1, 2, 3, 0 },
      "groupB", "two", "doc two: rare earth exports" },
    { "Qdoc3", { "Zrare", "Zmetal", "Zon", "Zearth" }, { 1, 2, 3, 4 },
      "groupB", "three", "doc three: rare metals on earth" },
    { "Qdoc4", { "ZSmarket", "ZSfall", NULL, NULL }, { 1, 2, 0, 0 },
      "groupC", "four", "doc four: title markets fall" },
};

static void add_documents(xc_db_t *db)
{
    for (size_t i = 0; i < sizeof test_docs / sizeof test_docs[0]; i++) {
        xc_doc_t *doc = make_doc(&test_docs[i]);
        assert_int_equal(xc_db_replace_doc(db, test_docs[i].unique, doc),
                         XC_OK);
        xc_doc_free(doc);
    }
}

static int setup_dir(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dir = tu_tempdir();
    f->path = tu_path_join(f->dir, "nested/folder/index");
    *state = f;
    return 0;
}

/* A fresh index, created with its parent folders, holding test_docs and
 * committed; the writer stays open. */
static int setup_index(void **state)
{
    if (setup_dir(state) != 0)
        return -1;
    fixture_t *f = *state;
    char *error = NULL;
    if (xc_db_open(f->path, XC_OPEN_CREATE_OR_OPEN, &f->writer, &error)
        != XC_OK) {
        fprintf(stderr, "cannot create '%s': %s\n", f->path,
                error ? error : "");
        free(error);
        return -1;
    }
    add_documents(f->writer);
    return xc_db_commit(f->writer) == XC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    xc_db_close(f->reader);
    xc_db_close(f->other);
    xc_db_close(f->writer);
    tu_remove_tree(f->dir);
    free(f->path);
    free(f->dir);
    free(f);
    return 0;
}

/* Parses TEXT with the test options, failing the test on error. */
static xc_query_t *parse(xc_db_t *db, const char *text, strip_s_t *stem)
{
    xc_parse_options_t o = parse_options(stem);
    xc_query_t *q = NULL;
    char *error = NULL;
    xc_status_t st = xc_query_parse(db, text, &o, &q, &error);
    if (st != XC_OK)
        fail_msg("cannot parse '%s': %s: %s", text, xc_status_to_string(st),
                 error ? error : "");
    assert_null(error);
    assert_non_null(q);
    return q;
}

/* Searches DB for TEXT and returns the data of the hits, joined by "|",
 * in rank order (caller frees). */
static char *search_data(xc_db_t *db, const char *text,
                         const xc_search_options_t *options)
{
    strip_s_t stem = { "", 0 };
    xc_query_t *q = parse(db, text, &stem);
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(db, q, 0, 10, options, &m), XC_OK);
    char *out = calloc(1, 1);
    assert_non_null(out);
    size_t used = 0;
    for (size_t i = 0; i < xc_mset_size(m); i++) {
        const char *data;
        size_t len;
        assert_int_equal(xc_mset_data(m, i, &data, &len), XC_OK);
        out = realloc(out, used + len + 2);
        assert_non_null(out);
        if (i > 0)
            out[used++] = '|';
        memcpy(out + used, data, len);
        used += len;
        out[used] = '\0';
    }
    xc_mset_free(m);
    xc_query_free(q);
    return out;
}

static void assert_search(xc_db_t *db, const char *text, const char *want)
{
    char *got = search_data(db, text, NULL);
    assert_string_equal(got, want);
    free(got);
}

/* ------------------------------------------------------------------ */

static void test_create_makes_parent_folders(void **state)
{
    fixture_t *f = *state;
    unsigned n = 0;
    assert_int_equal(xc_db_doc_count(f->writer, &n), XC_OK);
    assert_int_equal(n, 4);
    /* The index was created two folders below the temporary one; a reader
     * finds it there after the commit. */
    assert_int_equal(xc_db_open(f->path, XC_OPEN_READ, &f->reader, NULL),
                     XC_OK);
    assert_int_equal(xc_db_doc_count(f->reader, &n), XC_OK);
    assert_int_equal(n, 4);
    assert_string_equal(xc_db_error(f->reader), "");
}

static void test_term_freq(void **state)
{
    fixture_t *f = *state;
    unsigned n = 99;
    assert_int_equal(xc_db_term_freq(f->writer, "Zrare", &n), XC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(xc_db_term_freq(f->writer, "Qdoc4", &n), XC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(xc_db_term_freq(f->writer, "Znowhere", &n), XC_OK);
    assert_int_equal(n, 0);
}

static void test_reader_sees_commits_after_reopen(void **state)
{
    fixture_t *f = *state;
    unsigned n = 0;
    assert_int_equal(xc_db_open(f->path, XC_OPEN_READ, &f->reader, NULL),
                     XC_OK);
    xc_doc_t *doc = xc_doc_new();
    assert_non_null(doc);
    assert_int_equal(xc_doc_add_posting(doc, "later", 5, 1, 1), XC_OK);
    assert_int_equal(xc_db_replace_doc(f->writer, NULL, doc), XC_OK);
    xc_doc_free(doc);
    assert_int_equal(xc_db_commit(f->writer), XC_OK);

    assert_int_equal(xc_db_doc_count(f->reader, &n), XC_OK);
    assert_int_equal(n, 4);
    assert_int_equal(xc_db_reopen(f->reader), XC_OK);
    assert_int_equal(xc_db_doc_count(f->reader, &n), XC_OK);
    assert_int_equal(n, 5);
}

static void test_metadata_round_trip(void **state)
{
    fixture_t *f = *state;
    char *value = NULL;
    assert_int_equal(xc_db_set_metadata(f->writer, "schema", "3"), XC_OK);
    assert_int_equal(xc_db_commit(f->writer), XC_OK);
    assert_int_equal(xc_db_open(f->path, XC_OPEN_READ, &f->reader, NULL),
                     XC_OK);
    assert_int_equal(xc_db_get_metadata(f->reader, "schema", &value), XC_OK);
    assert_string_equal(value, "3");
    free(value);
    assert_int_equal(xc_db_get_metadata(f->reader, "unset", &value), XC_OK);
    assert_string_equal(value, "");
    free(value);
    /* A reader cannot write, and says why. */
    assert_int_equal(xc_db_set_metadata(f->reader, "schema", "4"),
                     XC_INVALID);
    assert_string_not_equal(xc_db_error(f->reader), "");
}

static void test_replace_by_unique_term(void **state)
{
    fixture_t *f = *state;
    test_doc_t d = test_docs[0];
    d.data = "doc one, second edition";
    xc_doc_t *doc = make_doc(&d);
    assert_int_equal(xc_db_replace_doc(f->writer, "Qdoc1", doc), XC_OK);
    xc_doc_free(doc);
    assert_int_equal(xc_db_commit(f->writer), XC_OK);

    unsigned n = 0;
    assert_int_equal(xc_db_doc_count(f->writer, &n), XC_OK);
    assert_int_equal(n, 4);
    assert_int_equal(xc_db_term_freq(f->writer, "Qdoc1", &n), XC_OK);
    assert_int_equal(n, 1);
    assert_search(f->writer, "tariffs", "doc one, second edition");
}

static void test_delete_by_term(void **state)
{
    fixture_t *f = *state;
    unsigned n = 0;
    assert_int_equal(xc_db_delete_by_term(f->writer, "Qdoc3"), XC_OK);
    /* Deleting what is not there is not an error. */
    assert_int_equal(xc_db_delete_by_term(f->writer, "Qnothing"), XC_OK);
    assert_int_equal(xc_db_commit(f->writer), XC_OK);
    assert_int_equal(xc_db_doc_count(f->writer, &n), XC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(xc_db_term_freq(f->writer, "Qdoc3", &n), XC_OK);
    assert_int_equal(n, 0);
    assert_search(f->writer, "metals", "");
}

static void test_stemmed_query_finds_stem(void **state)
{
    fixture_t *f = *state;
    strip_s_t stem = { "", 0 };
    xc_query_t *q = parse(NULL, "tariffs", &stem);
    /* The callback did the stemming, and the query looks for the Z term. */
    assert_true(stem.calls > 0);
    assert_int_equal(xc_query_term_count(q), 1);
    assert_string_equal(xc_query_term(q, 0), "Ztariff");
    assert_null(xc_query_term(q, 1));
    xc_query_free(q);
    assert_search(f->writer, "tariffs", "doc one: tariffs hit markets");
    assert_search(f->writer, "tariff", "doc one: tariffs hit markets");
}

static void test_phrase_needs_adjacent_positions(void **state)
{
    fixture_t *f = *state;
    assert_search(f->writer, "\"rare earth\"", "doc two: rare earth exports");
    /* A phrase matches stems: inflected words stand for the same stems. */
    assert_search(f->writer, "\"rares earths\"",
                  "doc two: rare earth exports");
    /* Without quotes both documents match, and they tie on the words. */
    char *both = search_data(f->writer, "rare earth", NULL);
    assert_non_null(strstr(both, "doc two"));
    assert_non_null(strstr(both, "doc three"));
    free(both);
    /* Read without positions, a phrase is its words ANDed. */
    strip_s_t stem = { "", 0 };
    xc_parse_options_t o = parse_options(&stem);
    o.no_positions = 1;
    xc_query_t *q = NULL;
    assert_int_equal(xc_query_parse(f->writer, "\"rare earth\"", &o, &q, NULL),
                     XC_OK);
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(f->writer, q, 0, 10, NULL, &m), XC_OK);
    assert_int_equal(xc_mset_size(m), 2);
    xc_mset_free(m);
    xc_query_free(q);
}

static void test_field_prefix(void **state)
{
    fixture_t *f = *state;
    strip_s_t stem = { "", 0 };
    xc_query_t *q = parse(NULL, "title:markets", &stem);
    assert_int_equal(xc_query_term_count(q), 1);
    assert_string_equal(xc_query_term(q, 0), "ZSmarket");
    xc_query_free(q);
    assert_search(f->writer, "title:markets", "doc four: title markets fall");
    assert_search(f->writer, "markets", "doc one: tariffs hit markets");
}

static void test_query_terms_sorted_and_distinct(void **state)
{
    (void)state;
    strip_s_t stem = { "", 0 };
    xc_query_t *q = parse(NULL, "tariffs rare \"rare earths\" tariff",
                          &stem);
    /* The phrase's words are stemmed too. */
    const char *want[] = { "Zearth", "Zrare", "Ztariff" };
    assert_int_equal(xc_query_term_count(q), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(xc_query_term(q, i), want[i]);
    assert_false(xc_query_is_empty(q));
    char *description = xc_query_describe(q);
    assert_non_null(description);
    assert_non_null(strstr(description, "Ztariff"));
    free(description);
    xc_query_free(q);
}

static void test_or_combines_queries(void **state)
{
    fixture_t *f = *state;
    strip_s_t stem = { "", 0 };
    xc_query_t *a = parse(NULL, "tariffs", &stem);
    xc_query_t *b = parse(NULL, "\"rare earth\"", &stem);
    xc_query_t *both = xc_query_or(a, b);
    assert_non_null(both);
    /* The terms of both, sorted; A and B themselves are unchanged. */
    const char *want[] = { "Zearth", "Zrare", "Ztariff" };
    assert_int_equal(xc_query_term_count(both), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(xc_query_term(both, i), want[i]);
    assert_int_equal(xc_query_term_count(a), 1);
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(f->writer, both, 0, 10, NULL, &m), XC_OK);
    /* Doc one has "tariffs", doc two the phrase; doc three has the words
     * apart and matches neither. */
    assert_int_equal(xc_mset_size(m), 2);
    xc_mset_free(m);
    xc_query_free(both);
    xc_query_free(a);
    xc_query_free(b);
}

static void test_empty_query_matches_nothing(void **state)
{
    fixture_t *f = *state;
    strip_s_t stem = { "", 0 };
    xc_query_t *q = parse(f->writer, "", &stem);
    assert_true(xc_query_is_empty(q));
    assert_int_equal(xc_query_term_count(q), 0);
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(f->writer, q, 0, 10, NULL, &m), XC_OK);
    assert_int_equal(xc_mset_size(m), 0);
    xc_mset_free(m);
    xc_query_free(q);
}

static void test_wildcard_with_database(void **state)
{
    fixture_t *f = *state;
    assert_search(f->writer, "tari*", "doc one: tariffs hit markets");
}

/* The data of the hits of Q on DB, joined by "|", best first (caller
 * frees). */
static char *hits_of(xc_db_t *db, const xc_query_t *q)
{
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(db, q, 0, 10, NULL, &m), XC_OK);
    char *out = calloc(1, 1024);
    assert_non_null(out);
    for (size_t i = 0; i < xc_mset_size(m); i++) {
        const char *data;
        size_t len;
        assert_int_equal(xc_mset_data(m, i, &data, &len), XC_OK);
        if (i)
            strcat(out, "|");
        strncat(out, data, len);
    }
    xc_mset_free(m);
    return out;
}

/* hits_of() for a query made by hand, which it frees. */
static char *search_made(xc_db_t *db, xc_query_t *q)
{
    assert_non_null(q);
    char *out = hits_of(db, q);
    xc_query_free(q);
    return out;
}

static void assert_made(xc_db_t *db, xc_query_t *q, const char *want)
{
    char *got = search_made(db, q);
    assert_string_equal(got, want);
    free(got);
}

static void test_made_queries(void **state)
{
    fixture_t *f = *state;
    assert_made(f->writer, xc_query_new_term("Qdoc3", 5),
                "doc three: rare metals on earth");
    assert_made(f->writer, xc_query_new_term("Qnone", 5), "");
    xc_query_t *nothing = xc_query_match_nothing();
    assert_non_null(nothing);
    assert_true(xc_query_is_empty(nothing));
    assert_made(f->writer, nothing, "");
    /* Slot 1 holds "one", "two", "three", "four". */
    assert_made(f->writer, xc_query_value_range(1, "four", "one"),
                "doc one: tariffs hit markets|doc four: title markets fall");
    assert_made(f->writer, xc_query_value_range(1, "t", NULL),
                "doc two: rare earth exports|doc three: rare metals on earth");
    assert_made(f->writer, xc_query_value_range(1, NULL, "four"),
                "doc four: title markets fall");
    assert_made(f->writer, xc_query_value_range(1, "z", "a"), "");
    assert_null(xc_query_value_range(1, NULL, NULL));
}

/* A filter field "group:" on value slot 0: "none" lets nothing pass, "bad"
 * is refused, anything else is the value itself. */
static xc_status_t group_filter(void *ctx, const char *value, size_t len,
                                xc_query_t **out, char **error)
{
    int *calls = ctx;
    (*calls)++;
    assert_int_equal(strlen(value), len);
    if (strcmp(value, "bad") == 0) {
        *error = strdup("no such group 'bad'");
        return XC_QUERY_ERROR;
    }
    *out = strcmp(value, "none") == 0 ? xc_query_match_nothing()
                                      : xc_query_value_range(0, value, value);
    return *out ? XC_OK : XC_NO_MEMORY;
}

/* Parses TEXT with the "group:" filter; returns the status, the query in
 * *OUT and the message in *ERROR. */
static xc_status_t parse_filtered(xc_db_t *db, const char *text, int *calls,
                                  xc_query_t **out, char **error)
{
    strip_s_t stem = { "", 0 };
    xc_filter_field_t group = { "group", group_filter, calls };
    xc_parse_options_t o = parse_options(&stem);
    o.filters = &group;
    o.n_filters = 1;
    return xc_query_parse(db, text, &o, out, error);
}

/* Stores the weights of the N hits of Q on DB in WEIGHTS, in rank order. */
static void search_weights(xc_db_t *db, xc_query_t *q, double *weights,
                           size_t n)
{
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(db, q, 0, 10, NULL, &m), XC_OK);
    assert_int_equal(xc_mset_size(m), n);
    for (size_t i = 0; i < n; i++)
        weights[i] = xc_mset_weight(m, i);
    xc_mset_free(m);
}

static void test_filter_field(void **state)
{
    fixture_t *f = *state;
    int calls = 0;
    xc_query_t *q = NULL;
    char *error = NULL;
    assert_int_equal(parse_filtered(f->writer, "group:groupB", &calls, &q,
                                    &error), XC_OK);
    assert_int_equal(calls, 1);
    assert_made(f->writer, q,
                "doc two: rare earth exports|doc three: rare metals on earth");

    /* Filtering adds no weight: "rare" has the same weights with it. */
    double plain[2], filtered[2];
    q = parse(f->writer, "rare", &(strip_s_t){ "", 0 });
    search_weights(f->writer, q, plain, 2);
    xc_query_free(q);
    assert_int_equal(parse_filtered(f->writer, "rare group:groupB", &calls,
                                    &q, &error), XC_OK);
    search_weights(f->writer, q, filtered, 2);
    xc_query_free(q);
    assert_true(plain[0] == filtered[0] && plain[1] == filtered[1]);

    /* Two values of one field: either passes. */
    assert_int_equal(parse_filtered(f->writer, "group:groupA group:groupC",
                                    &calls, &q, &error), XC_OK);
    assert_made(f->writer, q,
                "doc one: tariffs hit markets|doc four: title markets fall");
    /* Nothing passes: no hits, not an error. */
    assert_int_equal(parse_filtered(f->writer, "markets group:none", &calls,
                                    &q, &error), XC_OK);
    assert_made(f->writer, q, "");
    /* A refused value is a query error with the callback's message. */
    assert_int_equal(parse_filtered(f->writer, "markets group:bad", &calls,
                                    &q, &error), XC_QUERY_ERROR);
    assert_null(q);
    assert_non_null(error);
    assert_string_equal(error, "no such group 'bad'");
    free(error);
    error = NULL;
    /* A filter field without a callback is refused. */
    strip_s_t stem = { "", 0 };
    xc_filter_field_t broken = { "group", NULL, NULL };
    xc_parse_options_t o = parse_options(&stem);
    o.filters = &broken;
    o.n_filters = 1;
    assert_int_equal(xc_query_parse(NULL, "x", &o, &q, &error), XC_INVALID);
    free(error);
}

static void test_or_by_default_when_asked(void **state)
{
    fixture_t *f = *state;
    strip_s_t stem = { "", 0 };
    xc_parse_options_t o = parse_options(&stem);
    xc_query_t *q = NULL;
    xc_mset_t *m = NULL;
    o.default_and = 0;
    assert_int_equal(xc_query_parse(f->writer, "tariffs metals", &o, &q,
                                    NULL), XC_OK);
    assert_int_equal(xc_db_search(f->writer, q, 0, 10, NULL, &m), XC_OK);
    assert_int_equal(xc_mset_size(m), 2);
    xc_mset_free(m);
    xc_query_free(q);
    /* ANDed, no document has both. */
    assert_search(f->writer, "tariffs metals", "");
}

static void test_collapse_by_value(void **state)
{
    fixture_t *f = *state;
    xc_search_options_t o;
    xc_search_options_init(&o);
    strip_s_t stem = { "", 0 };
    xc_query_t *q = parse(f->writer, "rare", &stem);
    xc_mset_t *m = NULL;

    o.check_at_least = 100;
    assert_int_equal(xc_db_search(f->writer, q, 0, 10, &o, &m), XC_OK);
    assert_int_equal(xc_mset_size(m), 2);
    assert_int_equal(xc_mset_matches_estimated(m), 2);
    assert_int_equal(xc_mset_collapse_count(m, 0), 0);
    xc_mset_free(m);

    /* doc2 and doc3 share "groupB" in slot 0: one hit stands for both. */
    o.collapse_slot = 0;
    o.collapse_max = 1;
    assert_int_equal(xc_db_search(f->writer, q, 0, 10, &o, &m), XC_OK);
    assert_int_equal(xc_mset_size(m), 1);
    assert_int_equal(xc_mset_collapse_count(m, 0), 1);
    const char *group;
    size_t len;
    assert_int_equal(xc_mset_value(m, 0, 0, &group, &len), XC_OK);
    assert_int_equal(len, 6);
    assert_memory_equal(group, "groupB", 6);
    xc_mset_free(m);
    xc_query_free(q);
}

static void test_mset_strings_stay_valid_together(void **state)
{
    fixture_t *f = *state;
    strip_s_t stem = { "", 0 };
    xc_query_t *q = parse(f->writer, "rare", &stem);
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(f->writer, q, 0, 10, NULL, &m), XC_OK);
    assert_int_equal(xc_mset_size(m), 2);

    const char *data[2], *label[2], *group[2];
    size_t data_len[2], label_len[2], group_len[2];
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(xc_mset_data(m, i, &data[i], &data_len[i]), XC_OK);
        assert_int_equal(xc_mset_value(m, i, 1, &label[i], &label_len[i]),
                         XC_OK);
        assert_int_equal(xc_mset_value(m, i, 0, &group[i], &group_len[i]),
                         XC_OK);
    }
    /* All six borrowed strings are still intact and belong to their hit. */
    for (size_t i = 0; i < 2; i++) {
        unsigned docid = xc_mset_docid(m, i);
        const test_doc_t *d = &test_docs[docid - 1];
        assert_true(xc_mset_weight(m, i) > 0);
        assert_int_equal(data_len[i], strlen(d->data));
        assert_memory_equal(data[i], d->data, data_len[i]);
        assert_int_equal(label_len[i], strlen(d->label));
        assert_memory_equal(label[i], d->label, label_len[i]);
        assert_string_equal(group[i], "groupB");
    }
    assert_int_not_equal(xc_mset_docid(m, 0), xc_mset_docid(m, 1));
    /* Asking again hands out the same bytes. */
    const char *again;
    size_t len;
    assert_int_equal(xc_mset_data(m, 0, &again, &len), XC_OK);
    assert_ptr_equal(again, data[0]);
    assert_int_equal(xc_mset_value(m, 1, 1, &again, &len), XC_OK);
    assert_ptr_equal(again, label[1]);
    /* An index past the end is refused with a message. */
    assert_int_equal(xc_mset_data(m, 2, &again, &len), XC_INVALID);
    assert_string_not_equal(xc_db_error(f->writer), "");
    xc_mset_free(m);
    xc_query_free(q);
}

/* Ties ordered by a slot, each hit's value in that slot comes from the
 * match itself; it must be the document's, as in every other slot. */
static void test_values_of_the_tie_slot_are_the_documents(void **state)
{
    fixture_t *f = *state;
    strip_s_t stem = { "", 0 };
    xc_query_t *q = parse(f->writer, "rare OR tariffs OR metals", &stem);
    for (int tie = -1; tie <= 1; tie++) {
        xc_search_options_t o;
        xc_search_options_init(&o);
        o.tie_slot = tie;
        xc_mset_t *m = NULL;
        assert_int_equal(xc_db_search(f->writer, q, 0, 10, &o, &m), XC_OK);
        assert_int_equal(xc_mset_size(m), 3);
        for (size_t i = 0; i < xc_mset_size(m); i++) {
            const test_doc_t *d = &test_docs[xc_mset_docid(m, i) - 1];
            const char *group, *label;
            size_t group_len, label_len;
            assert_int_equal(xc_mset_value(m, i, 0, &group, &group_len),
                             XC_OK);
            assert_int_equal(xc_mset_value(m, i, 1, &label, &label_len),
                             XC_OK);
            assert_int_equal(group_len, strlen(d->group));
            assert_memory_equal(group, d->group, group_len);
            assert_int_equal(label_len, strlen(d->label));
            assert_memory_equal(label, d->label, label_len);
        }
        xc_mset_free(m);
    }
    xc_query_free(q);
}

static void test_bm25_parameters_reach_the_weighting(void **state)
{
    fixture_t *f = *state;
    xc_search_options_t o;
    xc_search_options_init(&o);
    strip_s_t stem = { "", 0 };
    xc_query_t *q = parse(f->writer, "rare", &stem);
    xc_mset_t *m = NULL;

    /* By default the shorter doc2 outranks doc3 for a word both have once. */
    assert_int_equal(xc_db_search(f->writer, q, 0, 10, &o, &m), XC_OK);
    assert_int_equal(xc_mset_size(m), 2);
    assert_int_equal(xc_mset_docid(m, 0), 2);
    assert_true(xc_mset_weight(m, 0) > xc_mset_weight(m, 1));
    xc_mset_free(m);

    /* With k1 = 0 BM25 ignores wdf and length: the two weights tie. */
    o.bm25_k1 = 0;
    assert_int_equal(xc_db_search(f->writer, q, 0, 10, &o, &m), XC_OK);
    assert_int_equal(xc_mset_size(m), 2);
    assert_float_equal(xc_mset_weight(m, 0), xc_mset_weight(m, 1), 1e-6);
    xc_mset_free(m);

    /* Unweighted, the same documents match, weighing nothing, in the
     * order of their ids. */
    xc_search_options_init(&o);
    o.unweighted = 1;
    assert_int_equal(xc_db_search(f->writer, q, 0, 10, &o, &m), XC_OK);
    assert_int_equal(xc_mset_size(m), 2);
    assert_int_equal(xc_mset_docid(m, 0), 2);
    assert_int_equal(xc_mset_docid(m, 1), 3);
    assert_float_equal(xc_mset_weight(m, 0), 0, 1e-12);
    assert_float_equal(xc_mset_weight(m, 1), 0, 1e-12);
    xc_mset_free(m);
    xc_query_free(q);
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */

static void test_missing_index_is_not_found(void **state)
{
    fixture_t *f = *state;
    xc_db_t *db = NULL;
    char *error = NULL;
    assert_int_equal(xc_db_open(f->path, XC_OPEN_READ, &db, &error),
                     XC_NOT_FOUND);
    assert_null(db);
    assert_non_null(error);
    assert_string_not_equal(error, "");
    free(error);
    error = NULL;
    assert_int_equal(xc_db_open(f->path, XC_OPEN_WRITE, &db, &error),
                     XC_NOT_FOUND);
    assert_null(db);
    assert_non_null(error);
    assert_string_not_equal(error, "");
    free(error);
}

static void test_second_writer_is_locked(void **state)
{
    fixture_t *f = *state;
    char *error = NULL;
    assert_int_equal(xc_db_open(f->path, XC_OPEN_CREATE_OR_OPEN, &f->other,
                                &error), XC_LOCKED);
    assert_null(f->other);
    assert_non_null(error);
    assert_non_null(strstr(error, "lock"));
    free(error);
    /* A reader is not locked out, and the lock goes with the writer. */
    assert_int_equal(xc_db_open(f->path, XC_OPEN_READ, &f->reader, NULL),
                     XC_OK);
    xc_db_close(f->writer);
    f->writer = NULL;
    assert_int_equal(xc_db_open(f->path, XC_OPEN_WRITE, &f->other, NULL),
                     XC_OK);
}

static void test_bad_query_is_query_error(void **state)
{
    fixture_t *f = *state;
    strip_s_t stem = { "", 0 };
    xc_parse_options_t o = parse_options(&stem);
    /* QueryParser 1.4 forgives unbalanced brackets and quotes, but not a
     * boolean operator without its right-hand side. */
    const char *bad[] = { "AND", "tariffs AND", "rare OR OR", "NOT" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        xc_query_t *q = NULL;
        char *error = NULL;
        assert_int_equal(xc_query_parse(f->writer, bad[i], &o, &q, &error),
                         XC_QUERY_ERROR);
        assert_null(q);
        assert_non_null(error);
        assert_non_null(strstr(error, "Syntax"));
        assert_string_equal(xc_db_error(f->writer), error);
        free(error);
    }
}

static void test_bad_parse_options_are_invalid(void **state)
{
    (void)state;
    strip_s_t stem = { "", 0 };
    xc_parse_options_t o = parse_options(&stem);
    xc_query_t *q = NULL;
    char *error = NULL;
    static const char *const no_prefix[][2] = { { "title", NULL } };
    o.fields = no_prefix;
    assert_int_equal(xc_query_parse(NULL, "tariffs", &o, &q, &error),
                     XC_INVALID);
    assert_null(q);
    assert_non_null(error);
    free(error);
    assert_int_equal(xc_query_parse(NULL, NULL, &o, &q, NULL), XC_INVALID);
}

/* Another stem prefix is put before every stem, a field's prefix after
 * it. */
static void test_stem_prefix_is_honoured(void **state)
{
    (void)state;
    strip_s_t stem = { "", 0 };
    xc_parse_options_t o = parse_options(&stem);
    xc_query_t *q = NULL;
    o.stem_prefix = "X";
    assert_int_equal(xc_query_parse(NULL, "tariffs title:\"markets fall\"",
                                    &o, &q, NULL), XC_OK);
    const char *want[] = { "XSfall", "XSmarket", "Xtariff" };
    assert_int_equal(xc_query_term_count(q), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(xc_query_term(q, i), want[i]);
    xc_query_free(q);
}

static void test_stemmer_out_of_memory(void **state)
{
    (void)state;
    xc_parse_options_t o = { stem_fails, NULL, NULL, 0, NULL, 0, NULL, 0, NULL,
                             0 };
    xc_query_t *q = NULL;
    char *error = NULL;
    assert_int_equal(xc_query_parse(NULL, "tariffs", &o, &q, &error),
                     XC_NO_MEMORY);
    assert_null(q);
    free(error);
    /* Without a stemmer the word is looked up as it is. */
    o.stem = NULL;
    assert_int_equal(xc_query_parse(NULL, "tariffs", &o, &q, NULL), XC_OK);
    assert_int_equal(xc_query_term_count(q), 1);
    assert_string_equal(xc_query_term(q, 0), "tariffs");
    xc_query_free(q);
}

static void test_commit_on_reader_is_invalid(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(xc_db_open(f->path, XC_OPEN_READ, &f->reader, NULL),
                     XC_OK);
    assert_int_equal(xc_db_commit(f->reader), XC_INVALID);
    assert_string_not_equal(xc_db_error(f->reader), "");
    xc_doc_t *doc = xc_doc_new();
    assert_non_null(doc);
    assert_int_equal(xc_db_replace_doc(f->reader, NULL, doc), XC_INVALID);
    assert_int_equal(xc_db_delete_by_term(f->reader, "Qdoc1"), XC_INVALID);
    xc_doc_free(doc);
}

static void test_garbage_version_file_is_corrupt(void **state)
{
    fixture_t *f = *state;
    xc_db_close(f->writer);
    f->writer = NULL;
    char *dir = tu_path_join(f->dir, "nested/folder");
    free(tu_write_file(dir, "index/iamglass", "garbage\n"));
    free(dir);
    char *error = NULL;
    /* Xapian 1.4.22 reports DatabaseCorruptError here. */
    assert_int_equal(xc_db_open(f->path, XC_OPEN_READ, &f->reader, &error),
                     XC_CORRUPT);
    assert_null(f->reader);
    assert_non_null(error);
    assert_string_not_equal(error, "");
    free(error);
}

static void test_folder_without_index_is_not_found(void **state)
{
    fixture_t *f = *state;
    free(tu_write_file(f->dir, "bogus/notes.txt", "not an index\n"));
    char *path = tu_path_join(f->dir, "bogus");
    xc_db_t *db = NULL;
    char *error = NULL;
    assert_int_equal(xc_db_open(path, XC_OPEN_READ, &db, &error),
                     XC_NOT_FOUND);
    assert_null(db);
    assert_non_null(error);
    free(error);
    free(path);
}

static void test_stub_files(void **state)
{
    fixture_t *f = *state;
    char *content;
    unsigned n = 0;
    char *error = NULL;

    /* "auto PATH" opens the index it names. */
    assert_true(asprintf(&content, "auto %s\n", f->path) > 0);
    char *stub = tu_write_file(f->dir, "auto.stub", content);
    free(content);
    assert_int_equal(xc_db_open(stub, XC_OPEN_READ, &f->reader, NULL),
                     XC_OK);
    assert_int_equal(xc_db_doc_count(f->reader, &n), XC_OK);
    assert_int_equal(n, 4);
    free(stub);

    /* Nothing listens on port 1: refused at once, a network error. */
    stub = tu_write_file(f->dir, "remote.stub", "remote 127.0.0.1:1\n");
    assert_int_equal(xc_db_open(stub, XC_OPEN_READ, &f->other, &error),
                     XC_NETWORK);
    assert_null(f->other);
    assert_non_null(error);
    assert_string_not_equal(error, "");
    free(error);
    free(stub);
}

/* Collects the terms xc_db_term_list() reports, "term:freq" joined by
 * spaces, stopping after LIMIT of them when LIMIT is not 0. */
typedef struct {
    char text[1024];
    size_t seen, limit;
} term_walk_t;

static int collect_term(void *ctx, const char *term, size_t len,
                        unsigned freq)
{
    term_walk_t *w = ctx;
    size_t used = strlen(w->text);
    assert_int_equal(strlen(term), len);
    snprintf(w->text + used, sizeof w->text - used, "%s%s:%u",
             used ? " " : "", term, freq);
    w->seen++;
    return w->limit && w->seen == w->limit;
}

static void test_term_list(void **state)
{
    fixture_t *f = *state;
    term_walk_t w = { "", 0, 0 };
    /* Terms with the prefix, in byte order, with their document counts. */
    assert_int_equal(xc_db_term_list(f->writer, "Zm", collect_term, &w),
                     XC_OK);
    assert_string_equal(w.text, "Zmarket:1 Zmetal:1");
    memset(&w, 0, sizeof w);
    assert_int_equal(xc_db_term_list(f->writer, "Zr", collect_term, &w),
                     XC_OK);
    assert_string_equal(w.text, "Zrare:2");
    /* The callback stops the walk. */
    memset(&w, 0, sizeof w);
    w.limit = 2;
    assert_int_equal(xc_db_term_list(f->writer, "", collect_term, &w),
                     XC_OK);
    assert_int_equal(w.seen, 2);
    assert_string_equal(w.text, "Qdoc1:1 Qdoc2:1");
    memset(&w, 0, sizeof w);
    assert_int_equal(xc_db_term_list(f->writer, "nothing", collect_term, &w),
                     XC_OK);
    assert_int_equal(w.seen, 0);
    assert_int_equal(xc_db_term_list(f->writer, NULL, collect_term, &w),
                     XC_INVALID);
    assert_string_not_equal(xc_db_error(f->writer), "");
}


static void test_queries_built_from_terms(void **state)
{
    fixture_t *f = *state;
    xc_query_t *term = xc_query_new_term("Zmetal", 6);
    assert_non_null(term);
    assert_int_equal(xc_query_term_count(term), 1);
    assert_string_equal(xc_query_term(term, 0), "Zmetal");
    char *got = hits_of(f->writer, term);
    assert_string_equal(got, "doc three: rare metals on earth");
    free(got);

    /* A phrase needs its words side by side, in order. */
    const char *rare_earth[] = { "Zrare", "Zearth" };
    const char *earth_rare[] = { "Zearth", "Zrare" };
    xc_query_t *phrase = xc_query_new_phrase(rare_earth, 2, 0);
    assert_non_null(phrase);
    assert_int_equal(xc_query_term_count(phrase), 2);
    assert_string_equal(xc_query_term(phrase, 0), "Zearth");
    got = hits_of(f->writer, phrase);
    assert_string_equal(got, "doc two: rare earth exports");
    free(got);
    xc_query_t *reversed = xc_query_new_phrase(earth_rare, 2, 0);
    got = hits_of(f->writer, reversed);
    assert_string_equal(got, "");
    free(got);
    assert_null(xc_query_new_phrase(rare_earth, 0, 0));
    assert_null(xc_query_new_phrase(rare_earth, 2, 1));

    /* Within a window, other words may come between, in order still:
     * "rare metals on earth" spans four positions. */
    xc_query_t *four = xc_query_new_phrase(rare_earth, 2, 4);
    assert_non_null(four);
    got = hits_of(f->writer, four);
    assert_string_equal(got, "doc two: rare earth exports|"
                             "doc three: rare metals on earth");
    free(got);
    xc_query_free(four);
    xc_query_t *three = xc_query_new_phrase(rare_earth, 2, 3);
    got = hits_of(f->writer, three);
    assert_string_equal(got, "doc two: rare earth exports");
    free(got);
    xc_query_free(three);
    xc_query_t *backwards = xc_query_new_phrase(earth_rare, 2, 4);
    got = hits_of(f->writer, backwards);
    assert_string_equal(got, "");
    free(got);
    xc_query_free(backwards);

    /* ORed with "rare", the phrase lifts the paragraph that has it. */
    xc_query_t *rare = xc_query_new_term("Zrare", 5);
    xc_query_t *both = xc_query_or(rare, phrase);
    got = hits_of(f->writer, both);
    assert_string_equal(got, "doc two: rare earth exports|"
                             "doc three: rare metals on earth");
    free(got);
    xc_query_free(both);
    xc_query_t *weak = xc_query_scale(term, 0.0);
    assert_non_null(weak);
    assert_int_equal(xc_query_term_count(weak), 1);
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(f->writer, weak, 0, 10, NULL, &m), XC_OK);
    assert_int_equal(xc_mset_size(m), 1);
    assert_true(xc_mset_weight(m, 0) == 0.0);
    xc_mset_free(m);
    xc_query_t *half = xc_query_scale(term, 0.5);
    xc_mset_t *full_m = NULL, *half_m = NULL;
    assert_int_equal(xc_db_search(f->writer, term, 0, 10, NULL, &full_m),
                     XC_OK);
    assert_int_equal(xc_db_search(f->writer, half, 0, 10, NULL, &half_m),
                     XC_OK);
    double full_w = xc_mset_weight(full_m, 0);
    double half_w = xc_mset_weight(half_m, 0);
    assert_true(full_w > 0);
    assert_true(half_w > 0.49 * full_w && half_w < 0.51 * full_w);
    xc_mset_free(full_m);
    xc_mset_free(half_m);
    assert_null(xc_query_scale(term, -1.0));
    xc_query_free(half);
    xc_query_free(weak);
    xc_query_free(rare);
    xc_query_free(reversed);
    xc_query_free(phrase);
    xc_query_free(term);
}

/* What xc_db_expand() hands out: "term term...", best first. */
typedef struct {
    char text[256];
    double last;      /* the weight of the last term seen */
    int descending;   /* every term weighed no more than the one before */
} expand_walk_t;

static int collect_expanded(void *ctx, const char *term, size_t len,
                            double weight)
{
    expand_walk_t *w = ctx;
    assert_int_equal(strlen(term), len);
    assert_true(weight > 0);
    if (w->text[0] && weight > w->last)
        w->descending = 0;
    w->last = weight;
    if (w->text[0])
        strcat(w->text, " ");
    strcat(w->text, term);
    return 0;
}

/* The document id of the document with the unique term UNIQUE. */
static unsigned docid_of(xc_db_t *db, const char *unique)
{
    xc_query_t *q = xc_query_new_term(unique, strlen(unique));
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(db, q, 0, 1, NULL, &m), XC_OK);
    assert_int_equal(xc_mset_size(m), 1);
    unsigned id = xc_mset_docid(m, 0);
    xc_mset_free(m);
    xc_query_free(q);
    return id;
}

static void test_expand_finds_telling_terms(void **state)
{
    fixture_t *f = *state;
    unsigned two = docid_of(f->writer, "Qdoc2");
    /* doc2's stems, its own word first: "rare" and "earth" are in doc3
     * too.  Words of other documents and other prefixes are left out. */
    expand_walk_t w = { "", 0, 1 };
    assert_int_equal(xc_db_expand(f->writer, &two, 1, "Z", 10,
                                  collect_expanded, &w), XC_OK);
    assert_true(w.descending);
    assert_int_equal(strncmp(w.text, "Zexport ", 8), 0);
    assert_non_null(strstr(w.text, "Zrare"));
    assert_non_null(strstr(w.text, "Zearth"));
    assert_null(strstr(w.text, "Zmetal"));
    assert_null(strstr(w.text, "Qdoc"));
    /* At most MAX_TERMS. */
    memset(&w, 0, sizeof w);
    assert_int_equal(xc_db_expand(f->writer, &two, 1, "Z", 1,
                                  collect_expanded, &w), XC_OK);
    assert_string_equal(w.text, "Zexport");
    /* "Z" is not "ZS": doc4 has only headline stems. */
    unsigned four = docid_of(f->writer, "Qdoc4");
    memset(&w, 0, sizeof w);
    assert_int_equal(xc_db_expand(f->writer, &four, 1, "Z", 10,
                                  collect_expanded, &w), XC_OK);
    assert_string_equal(w.text, "");
    assert_int_equal(xc_db_expand(f->writer, &four, 1, "ZS", 10,
                                  collect_expanded, &w), XC_OK);
    assert_non_null(strstr(w.text, "ZSmarket"));
    assert_non_null(strstr(w.text, "ZSfall"));
    /* Several examples: what they share counts. */
    unsigned both[2] = { two, docid_of(f->writer, "Qdoc3") };
    memset(&w, 0, sizeof w);
    assert_int_equal(xc_db_expand(f->writer, both, 2, "Z", 2,
                                  collect_expanded, &w), XC_OK);
    assert_non_null(strstr(w.text, "Zrare"));
    assert_non_null(strstr(w.text, "Zearth"));
    assert_int_equal(xc_db_expand(f->writer, both, 0, "Z", 2,
                                  collect_expanded, &w), XC_INVALID);
    assert_string_not_equal(xc_db_error(f->writer), "");
}

static void test_status_strings(void **state)
{
    (void)state;
    /* Every status has its own short lowercase description. */
    for (int a = XC_OK; a <= XC_ERROR; a++) {
        const char *s = xc_status_to_string((xc_status_t)a);
        assert_non_null(s);
        assert_true(s[0] >= 'a' && s[0] <= 'z');
        for (int b = XC_OK; b < a; b++)
            assert_string_not_equal(s,
                                    xc_status_to_string((xc_status_t)b));
    }
    assert_non_null(strchr(xc_version(), '.'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define WITH_INDEX(t) cmocka_unit_test_setup_teardown(t, setup_index, teardown)
#define WITH_DIR(t) cmocka_unit_test_setup_teardown(t, setup_dir, teardown)
        WITH_INDEX(test_create_makes_parent_folders),
        WITH_INDEX(test_term_freq),
        WITH_INDEX(test_reader_sees_commits_after_reopen),
        WITH_INDEX(test_metadata_round_trip),
        WITH_INDEX(test_replace_by_unique_term),
        WITH_INDEX(test_delete_by_term),
        WITH_INDEX(test_stemmed_query_finds_stem),
        WITH_INDEX(test_phrase_needs_adjacent_positions),
        WITH_INDEX(test_field_prefix),
        WITH_DIR(test_query_terms_sorted_and_distinct),
        WITH_INDEX(test_or_combines_queries),
        WITH_INDEX(test_empty_query_matches_nothing),
        WITH_INDEX(test_wildcard_with_database),
        WITH_INDEX(test_or_by_default_when_asked),
        WITH_INDEX(test_made_queries),
        WITH_INDEX(test_filter_field),
        WITH_INDEX(test_collapse_by_value),
        WITH_INDEX(test_mset_strings_stay_valid_together),
        WITH_INDEX(test_values_of_the_tie_slot_are_the_documents),
        WITH_INDEX(test_bm25_parameters_reach_the_weighting),
        WITH_DIR(test_missing_index_is_not_found),
        WITH_INDEX(test_second_writer_is_locked),
        WITH_INDEX(test_bad_query_is_query_error),
        WITH_DIR(test_bad_parse_options_are_invalid),
        WITH_DIR(test_stem_prefix_is_honoured),
        WITH_DIR(test_stemmer_out_of_memory),
        WITH_INDEX(test_commit_on_reader_is_invalid),
        WITH_INDEX(test_garbage_version_file_is_corrupt),
        WITH_DIR(test_folder_without_index_is_not_found),
        WITH_INDEX(test_stub_files),
        WITH_DIR(test_status_strings),
        WITH_INDEX(test_term_list),
        WITH_INDEX(test_queries_built_from_terms),
        WITH_INDEX(test_expand_finds_telling_terms),
#undef WITH_INDEX
#undef WITH_DIR
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
