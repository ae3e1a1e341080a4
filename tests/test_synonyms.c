/* Tests of synonym groups: loading files, and the extra query that finds
 * a query's words by their synonyms in a small real index. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "stemmer.h"
#include "synonyms.h"
#include "testutil.h"
#include "xapian-c.h"

#define SHIPPED NEWSGREP_SRCDIR "/data/synonyms.txt"

static const char *const stories[] = {
    "Trade\n\nNew tariffs on steel.\n\nImport duties were raised.\n\n"
    "A levy on imports.\n\nMarkets fell.\n",
    "Minerals\n\nRare-earth elements are mined in China.\n\n"
    "The earth is rare in places.\n\nREE supply is tight.\n",
    "Oil\n\nThe Organization of Petroleum Exporting Countries met.\n\n"
    "The price of oil rose.\n\nMembers of the group agreed.\n",
    NULL
};

typedef struct {
    char *dir;
    xc_db_t *db;
    ng_stemmer_t *stemmer;
    ng_synonyms_t *syn;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    char *error = NULL;
    assert_non_null(f);
    f->dir = tu_tempdir();
    char *path = tu_index_stories(f->dir, "index", stories);
    assert_int_equal(xc_db_open(path, XC_OPEN_READ, &f->db, NULL), XC_OK);
    free(path);
    assert_int_equal(ng_stemmer_new("english", &f->stemmer), NG_OK);
    f->syn = ng_synonyms_new();
    assert_non_null(f->syn);
    if (ng_synonyms_load(f->syn, SHIPPED, &error) != NG_OK)
        fail_msg("%s", error ? error : "cannot load the shipped list");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    ng_synonyms_free(f->syn);
    ng_stemmer_free(f->stemmer);
    xc_db_close(f->db);
    tu_remove_tree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* The words and phrases the synonyms of QUERY add. */
static ng_widen_t expand_parts(fixture_t *f, const char *query)
{
    ng_widen_t extra;
    ng_status_t st = ng_synonyms_expand(f->syn, f->db, f->stemmer, query,
                                        &extra);
    if (st != NG_OK)
        fail_msg("'%s': %s", query, ng_status_to_string(st));
    return extra;
}

/* The extra query for QUERY, its words ORed with its phrases, or NULL. */
static xc_query_t *expand(fixture_t *f, const char *query)
{
    ng_widen_t extra = expand_parts(f, query);
    xc_query_t *all = extra.words;
    extra.words = NULL;
    for (size_t i = 0; i < extra.n_phrases; i++) {
        xc_query_t *both = all ? xc_query_or(all, extra.phrases[i])
                               : xc_query_copy(extra.phrases[i]);
        if (!both)
            fail_msg("out of memory");
        xc_query_free(all);
        all = both;
    }
    ng_widen_clear(&extra);
    return all;
}

/* Searches for QUERY ORed with its synonyms and returns the paragraph
 * texts found, best first, joined by "|" (caller frees). */
static char *search(fixture_t *f, const char *query)
{
    xc_query_t *q = NULL;
    ng_widen_t extra = expand_parts(f, query);
    char *error = NULL;
    assert_int_equal(ng_query_parse(f->db, f->stemmer, query, 0, &extra, &q,
                                    NULL, NULL, &error), NG_OK);
    ng_widen_clear(&extra);
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(f->db, q, 0, 20, NULL, &m), XC_OK);
    char *out = calloc(1, 4096);
    assert_non_null(out);
    for (size_t i = 0; i < xc_mset_size(m); i++) {
        const char *data, *text;
        size_t len;
        assert_int_equal(xc_mset_data(m, i, &data, &len), XC_OK);
        text = strstr(data, "\"text\"");
        assert_non_null(text);
        text = strchr(text + 6, '"') + 1;
        if (i)
            strcat(out, "|");
        strncat(out, text, strcspn(text, "\""));
    }
    xc_mset_free(m);
    xc_query_free(q);
    return out;
}

static void check_search(fixture_t *f, const char *query, const char *want)
{
    char *got = search(f, query);
    if (strcmp(got, want) != 0)
        fail_msg("'%s' found '%s', expected '%s'", query, got, want);
    free(got);
}

static void test_shipped_list_loads(void **state)
{
    fixture_t *f = *state;
    assert_true(ng_synonyms_count(f->syn) >= 30);
}

static void test_synonyms_are_found_below_the_word(void **state)
{
    fixture_t *f = *state;
    /* "tariffs" finds "duties" and "levy" through their stems, after the
     * paragraph that has the word typed. */
    check_search(f, "tariffs", "New tariffs on steel.|"
                 "Import duties were raised.|A levy on imports.");
    check_search(f, "levies", "A levy on imports.|New tariffs on steel.|"
                 "Import duties were raised.");
    /* A word without synonyms gives no extra query. */
    assert_null(expand(f, "markets"));
}

/* How many paragraphs the extra query for QUERY finds, checking that the
 * first is FIRST. */
static size_t expansion_hits(fixture_t *f, const char *query,
                             const char *first)
{
    xc_query_t *extra = expand(f, query);
    assert_non_null(extra);
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(f->db, extra, 0, 20, NULL, &m), XC_OK);
    size_t n = xc_mset_size(m);
    if (n > 0) {
        const char *data;
        size_t len;
        assert_int_equal(xc_mset_data(m, 0, &data, &len), XC_OK);
        if (!strstr(data, first))
            fail_msg("'%s' found first '%s', expected '%s'", query, data,
                     first);
    }
    xc_mset_free(m);
    xc_query_free(extra);
    return n;
}

/* Non-zero if QUERY has TERM. */
static int has_term(const xc_query_t *query, const char *term)
{
    int found = 0;
    for (size_t i = 0; query && i < xc_query_term_count(query); i++)
        found |= strcmp(xc_query_term(query, i), term) == 0;
    return found;
}

/* Non-zero if the extra query for QUERY has TERM. */
static int expansion_has(fixture_t *f, const char *query, const char *term)
{
    xc_query_t *extra = expand(f, query);
    int found = has_term(extra, term);
    xc_query_free(extra);
    return found;
}

static void test_several_words_are_one_member(void **state)
{
    fixture_t *f = *state;
    /* "rare earths" is the member "rare earth": "REE" is found, "the
     * earth is rare" is not (a plain OR search finds it through the words
     * typed).  The phrase itself finds "Rare-earth" through its stems. */
    char *got = search(f, "\"rare earths\"");
    assert_string_equal(got, "Rare-earth elements are mined in China.");
    free(got);
    assert_int_equal(expansion_hits(f, "rare earths", "REE supply is tight."),
                     1);
    /* "rare-earth elements" and "rare earth metals" hold "rare earth",
     * which the query has: they would find nothing more, and are not
     * added.  From "REE", "rare earth" is added, and they hold it. */
    assert_false(expansion_has(f, "rare earths", "Zelement"));
    assert_int_equal(expansion_hits(f, "REE",
                                    "Rare-earth elements are mined in "
                                    "China."), 1);
    assert_false(expansion_has(f, "REE", "Zelement"));
    assert_false(expansion_has(f, "REE", "Zmetal"));
    assert_true(expansion_has(f, "REE", "Zearth"));
    /* Words apart are not the member. */
    assert_null(expand(f, "rare, earth"));
    assert_null(expand(f, "earth rare"));
}

static void test_common_words_of_a_member_are_gaps(void **state)
{
    fixture_t *f = *state;
    /* "of" and "the" are in more than a tenth of the paragraphs: the
     * member "Organization of the Petroleum Exporting Countries" is its
     * other words, in order, within six words (test_xapian_c checks the
     * order).  News writes it without "the" too. */
    assert_int_equal(expansion_hits(f, "OPEC", "The Organization of "
                                    "Petroleum Exporting Countries met."),
                     1);
    assert_true(expansion_has(f, "OPEC", "Zpetroleum"));
    assert_false(expansion_has(f, "OPEC", "Zof"));
    assert_false(expansion_has(f, "OPEC", "Zthe"));
}

static void test_some_words_are_not_expanded(void **state)
{
    fixture_t *f = *state;
    const char *queries[] = { "\"tariffs\"", "-tariffs", "steel NOT tariffs",
                              "steel NOT (markets OR tariffs)",
                              "title:tariffs", "tariff*", "" };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        xc_query_t *extra = expand(f, queries[i]);
        if (extra)
            fail_msg("'%s' was expanded", queries[i]);
    }
    /* After the negated group, words are plain again. */
    xc_query_t *extra = expand(f, "NOT (markets) tariffs");
    assert_non_null(extra);
    xc_query_free(extra);
}

/* Stores in W[did] the weight QUERY gives each paragraph of DB (0 where it
 * does not match), for the N_DOCS - 1 paragraphs. */
static void weights_of(xc_db_t *db, const xc_query_t *query, double *w,
                       unsigned n_docs)
{
    xc_mset_t *m = NULL;
    memset(w, 0, n_docs * sizeof *w);
    assert_int_equal(xc_db_search(db, query, 0, n_docs, NULL, &m), XC_OK);
    for (size_t i = 0; i < xc_mset_size(m); i++) {
        unsigned did = xc_mset_docid(m, i);
        assert_true(did > 0 && did < n_docs);
        w[did] = xc_mset_weight(m, i);
    }
    xc_mset_free(m);
}

static void test_tiers_weigh_synonyms_as_the_query_does(void **state)
{
    fixture_t *f = *state;
    static const char *const steel[] = {
        "Steel\n\nA tariff on steel and an import tax on cars.\n\n"
        "Steel tariffs rose, with a levy.\n\nAn import tax on steel.\n\n"
        "Tariffs alone.\n\nA levy on imports.\n\nTax and import rules "
        "for steel tariffs.\n",
        NULL
    };
    char *path = tu_index_stories(f->dir, "steel", steel);
    xc_db_t *db = NULL;
    assert_int_equal(xc_db_open(path, XC_OPEN_READ, &db, NULL), XC_OK);
    free(path);

    /* The one-word members are terms, the longer ones phrases. */
    ng_widen_t extra;
    assert_int_equal(ng_synonyms_expand(f->syn, db, f->stemmer,
                                        "steel tariffs", &extra), NG_OK);
    assert_true(has_term(extra.words, "Zlevi"));
    assert_false(has_term(extra.words, "Zimport"));
    int import_tax = 0;
    for (size_t i = 0; i < extra.n_phrases; i++) {
        assert_false(has_term(extra.phrases[i], "Zlevi"));
        import_tax |= has_term(extra.phrases[i], "Zimport") &&
                      has_term(extra.phrases[i], "Ztax");
    }
    assert_true(import_tax);

    /* Each paragraph the query finds is in one tier, weighed there as the
     * whole query weighs it: the first tier counts the synonyms' words and
     * phrases where the paragraph has them, and only there. */
    xc_query_t *q = NULL;
    ng_tiers_t tiers;
    char *error = NULL;
    assert_int_equal(ng_query_parse(db, f->stemmer, "steel tariffs", 0,
                                    &extra, &q, NULL, &tiers, &error),
                     NG_OK);
    ng_widen_clear(&extra);
    assert_non_null(tiers.all);
    assert_non_null(tiers.rest);
    enum { N = 8 };
    double whole[N], all[N], rest[N];
    weights_of(db, q, whole, N);
    weights_of(db, tiers.all, all, N);
    weights_of(db, tiers.rest, rest, N);
    /* Paragraphs 1, 2 and 6 have both words; 3 has the phrase and steel,
     * 4 tariffs, 5 the levy; 6 has "import" and "tax" apart. */
    const int first[N] = { 0, 1, 1, 0, 0, 0, 1, 0 };
    for (unsigned did = 1; did < 7; did++) {
        assert_true(whole[did] > 0);
        double tier = first[did] ? all[did] : rest[did];
        double other = first[did] ? rest[did] : all[did];
        if (tier < whole[did] - 1e-9 || tier > whole[did] + 1e-9 ||
            other != 0)
            fail_msg("paragraph %u: %g in the query, %g in its tier, %g in "
                     "the other", did, whole[did], tier, other);
    }
    /* The phrase adds to the first paragraph, not to the sixth. */
    xc_query_t *words = NULL;
    assert_int_equal(ng_query_parse(db, f->stemmer, "steel tariffs", 0, NULL,
                                    &words, NULL, NULL, &error), NG_OK);
    double plain[N];
    weights_of(db, words, plain, N);
    assert_true(whole[1] > plain[1]);
    assert_true(whole[6] - plain[6] < 1e-9);
    xc_query_free(words);
    xc_query_free(q);
    xc_query_free(tiers.all);
    xc_query_free(tiers.rest);
    xc_db_close(db);
}

static void test_members_the_index_lacks_are_left_out(void **state)
{
    fixture_t *f = *state;
    /* The index has no "microchip" or "semiconductor". */
    assert_null(expand(f, "chips"));
    ng_widen_t extra;
    assert_int_equal(ng_synonyms_expand(f->syn, NULL, f->stemmer, "chips",
                                        &extra), NG_OK);
    assert_non_null(extra.words);
    ng_widen_clear(&extra);
}

/* Loads CONTENT as a file into F's table; returns the status and the
 * message in *ERROR. */
static ng_status_t load_text(fixture_t *f, const char *content, char **error)
{
    char *path = tu_write_file(f->dir, "user.txt", content);
    ng_status_t st = ng_synonyms_load(f->syn, path, error);
    free(path);
    return st;
}

static void test_bad_line_names_file_and_line(void **state)
{
    fixture_t *f = *state;
    size_t before = ng_synonyms_count(f->syn);
    const char *bad[] = {
        "# mine\n\nsteel, iron\nquota\n",
        "# mine\n\nsteel, iron\nquota, , limit\n",
        "# mine\n\nsteel, iron\nquota, Quota\n",
        "# mine\n\nsteel, iron\n!\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *error = NULL;
        assert_int_equal(load_text(f, bad[i], &error), NG_BAD_INPUT);
        assert_non_null(error);
        if (!strstr(error, "user.txt' line 4: "))
            fail_msg("message '%s' names no file and line", error);
        free(error);
        /* Nothing of the file is taken. */
        assert_int_equal(ng_synonyms_count(f->syn), before);
    }
    char *error = NULL;
    assert_int_equal(ng_synonyms_load(f->syn, "/nonexistent/syn.txt",
                                      &error), NG_IO_ERROR);
    assert_non_null(strstr(error, "cannot open '/nonexistent/syn.txt'"));
    free(error);
}

static void test_user_file_extends_and_cancels(void **state)
{
    fixture_t *f = *state;
    char *error = NULL;
    size_t before = ng_synonyms_count(f->syn);
    assert_int_equal(load_text(f, "markets, bourses  # C# is a word\n"
                                  "! levy\n"
                                  "tariff, levy\n", &error), NG_OK);
    assert_null(error);
    assert_int_equal(ng_synonyms_count(f->syn), before + 1);
    /* "markets" now has a synonym, and "tariffs" only "levy". */
    check_search(f, "tariffs", "New tariffs on steel.|A levy on imports.");
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_shipped_list_loads),
        T(test_synonyms_are_found_below_the_word),
        T(test_several_words_are_one_member),
        T(test_common_words_of_a_member_are_gaps),
        T(test_some_words_are_not_expanded),
        T(test_tiers_weigh_synonyms_as_the_query_does),
        T(test_members_the_index_lacks_are_left_out),
        T(test_bad_line_names_file_and_line),
        T(test_user_file_extends_and_cancels),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
