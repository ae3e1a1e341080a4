/*
 * Tests of the query language on a small real index: operators, phrases,
 * prefixes, the title:, source: and date: fields, and the queries that are
 * refused with a message.  Each query goes through ng_query_parse() and a
 * search; what is checked is which stories come back.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "query.h"
#include "schema.h"
#include "stemmer.h"
#include "testutil.h"
#include "xapian-c.h"

/* Six stories, one a line; "id" is the story id the searches report. */
static const char stories[] =
    "{\"id\":\"a\",\"title\":\"Trade war looms\",\"date\":\"2025-06-05\","
    "\"source\":\"https://www.reuters.com/a\",\"text\":\"Tariffs on steel "
    "rise as the trade war deepens.\"}\n"
    "{\"id\":\"b\",\"title\":\"Markets calm\",\"date\":\"2025-06-30\","
    "\"source\":\"https://uk.reuters.com/b\",\"text\":\"Tariff talks stall "
    "in London; war is not expected.\"}\n"
    "{\"id\":\"c\",\"title\":\"Chip makers\",\"date\":\"2025-08-31\","
    "\"source\":\"https://www.forbes.com/c\",\"text\":\"Chip makers fear a "
    "trade war over tariffs on memory.\"}\n"
    "{\"id\":\"d\",\"title\":\"Weather\",\"date\":\"2025-07-15\","
    "\"source\":\"https://www.bbc.co.uk/d\",\"text\":\"Rain in the north, "
    "and the war of words over trade goes on.\"}\n"
    "{\"id\":\"e\",\"title\":\"Undated\","
    "\"source\":\"https://notreuters.com/e\",\"text\":\"Tariffs without a "
    "date in a trade war.\"}\n"
    "{\"id\":\"f\",\"title\":\"Last year\",\"date\":\"2024-12-31\","
    "\"text\":\"The of and: tariffs a year ago.\"}\n";

typedef struct {
    char *dir;
    xc_db_t *db;
    ng_stemmer_t *stemmer;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->dir = tu_tempdir();
    char *news = tu_path_join(f->dir, "news");
    char *db = tu_path_join(f->dir, "index");
    free(tu_write_file(news, "stories.jsonl", stories));
    ng_index_t *index = NULL;
    char *error = NULL;
    if (ng_index_open(db, "english", &index, &error) != NG_OK)
        fail_msg("cannot open the index: %s", error);
    ng_index_run_t run = { 0 };
    ng_index_counts_t counts = { 0 };
    char *paths[] = { news };
    if (ng_index_update(index, paths, 1, &run, &counts) != NG_OK)
        fail_msg("cannot index: %s", ng_index_error(index));
    ng_index_close(index);
    assert_int_equal(xc_db_open(db, XC_OPEN_READ, &f->db, NULL), XC_OK);
    assert_int_equal(ng_stemmer_new("english", &f->stemmer), NG_OK);
    free(news);
    free(db);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    xc_db_close(f->db);
    ng_stemmer_free(f->stemmer);
    tu_remove_tree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The stories that query Q matches, by id, sorted and joined with spaces
 * (caller frees). */
static char *stories_of(fixture_t *f, const xc_query_t *q)
{
    xc_search_options_t so;
    xc_search_options_init(&so);
    so.collapse_slot = NG_SLOT_STORY;
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(f->db, q, 0, 100, &so, &m), XC_OK);
    size_t n = xc_mset_size(m);
    const char *ids[100];
    for (size_t i = 0; i < n; i++) {
        size_t len;
        assert_int_equal(xc_mset_value(m, i, NG_SLOT_STORY, &ids[i], &len),
                         XC_OK);
    }
    qsort(ids, n, sizeof ids[0], by_name);
    char *out = calloc(1, 1024);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++) {
        /* Story ids are "<folder>/<file>#<id>" or the like: keep the
         * record's own id, after the last character that is not a letter. */
        const char *id = ids[i] + strlen(ids[i]);
        while (id > ids[i] && id[-1] >= 'a' && id[-1] <= 'z')
            id--;
        if (i)
            strcat(out, " ");
        strcat(out, id);
    }
    xc_mset_free(m);
    return out;
}

/* How many paragraphs query Q matches. */
static unsigned count_of(fixture_t *f, const xc_query_t *q)
{
    xc_search_options_t so;
    xc_search_options_init(&so);
    so.check_at_least = INT_MAX;
    so.unweighted = 1;
    xc_mset_t *m = NULL;
    assert_int_equal(xc_db_search(f->db, q, 0, 1, &so, &m), XC_OK);
    unsigned n = xc_mset_matches_estimated(m);
    xc_mset_free(m);
    return n;
}

/* The stories QUERY finds, its plain words joined with AND when
 * DEFAULT_AND is set, as stories_of() gives them; fails the test if QUERY
 * does not parse, if the query that ng_query_parse() gives for counting
 * matches other stories, or if its two tiers, where it has them, do not
 * share its paragraphs out between them, each to one. */
static char *found_with(fixture_t *f, const char *query, int default_and)
{
    xc_query_t *q = NULL, *match = NULL;
    ng_tiers_t tiers;
    char *error = NULL;
    ng_status_t st = ng_query_parse(f->db, f->stemmer, query, default_and,
                                    NULL, &q, &match, &tiers, &error);
    if (st != NG_OK)
        fail_msg("'%s' gave '%s': %s", query, ng_status_to_string(st),
                 error ? error : "");
    char *out = stories_of(f, q);
    char *matched = stories_of(f, match);
    if (strcmp(out, matched) != 0)
        fail_msg("'%s' found '%s', but its match query '%s'", query, out,
                 matched);
    if (tiers.all) {
        xc_query_t *both = xc_query_or(tiers.all, tiers.rest);
        assert_non_null(both);
        unsigned all = count_of(f, tiers.all), rest = count_of(f, tiers.rest);
        unsigned whole = count_of(f, q), either = count_of(f, both);
        if (all + rest != whole || either != whole)
            fail_msg("'%s' matches %u paragraphs; its tiers %u and %u, "
                     "%u in either", query, whole, all, rest, either);
        xc_query_free(both);
    }
    free(matched);
    xc_query_free(tiers.all);
    xc_query_free(tiers.rest);
    xc_query_free(match);
    xc_query_free(q);
    return out;
}

static char *found(fixture_t *f, const char *query)
{
    return found_with(f, query, 1);
}

static void check_found(fixture_t *f, const char *query, const char *want)
{
    char *got = found(f, query);
    if (strcmp(got, want) != 0)
        fail_msg("'%s' found '%s', expected '%s'", query, got, want);
    free(got);
}

/* QUERY is refused with NG_QUERY_ERROR and a message holding NEEDLE. */
static void check_refused(fixture_t *f, const char *query, const char *needle)
{
    xc_query_t *q = NULL;
    char *error = NULL;
    ng_status_t st = ng_query_parse(f->db, f->stemmer, query, 1, NULL, &q,
                                    NULL, NULL, &error);
    if (st != NG_QUERY_ERROR)
        fail_msg("'%s' gave '%s', expected a query error", query,
                 ng_status_to_string(st));
    assert_null(q);
    assert_non_null(error);
    if (!strstr(error, needle) || strchr(error, '\n'))
        fail_msg("'%s': message '%s' does not say '%s' on one line", query,
                 error, needle);
    free(error);
}

static void test_operators(void **state)
{
    fixture_t *f = *state;
    check_found(f, "tariffs", "a b c e f");
    check_found(f, "tariffs AND steel", "a");
    check_found(f, "steel OR memory", "a c");
    check_found(f, "tariffs NOT trade", "b f");
    check_found(f, "tariffs -trade", "b f");
    check_found(f, "+steel tariffs", "a");
    check_found(f, "(steel OR memory) AND trade", "a c");
    check_found(f, "war AND NOT (trade OR tariffs)", "");
    check_found(f, "war NOT (steel OR memory)", "b d e");
    check_found(f, "\"trade war\"", "a c e");
    check_found(f, "\"Trade War\"", "a c e");
    check_found(f, "war -\"trade war\"", "b d");
    check_found(f, "tariffs -\"trade war\"", "b f");
    check_found(f, "words NEAR trade", "d");
    check_found(f, "words NEAR/3 trade", "d");
    check_found(f, "north NEAR/3 goes", "");
    check_found(f, "tariff*", "a b c e f");
    check_found(f, "Tariff*", "a b c e f");
    check_found(f, "mem*", "c");
    /* Operators are capitals; in lower case they are words, and there is
     * no list of stop words. */
    check_found(f, "steel or memory", "");
    check_found(f, "of and", "d f");
    check_found(f, "the of and", "d f");
    check_found(f, "\"The of and\"", "f");
}

/* Plain words joined with OR, as a search gives them, with the headline's
 * reading and the phrase added for ranking: found_with() checks each time
 * that those additions match nothing more, and that the two tiers share
 * the paragraphs out. */
static void test_plain_words(void **state)
{
    fixture_t *f = *state;
    static const char *const cases[][2] = {
        { "trade war", "a b c d e" },
        { "tariffs steel", "a b c e f" },
        { "chip makers", "c" },
        { "rain north words", "d" },
        { "tariff war memory", "a b c d e f" },
        /* The headline adds weight to what the paragraph matches. */
        { "markets", "" },
        { "markets tariff", "a b c e f" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = found_with(f, cases[i][0], 0);
        if (strcmp(got, cases[i][1]) != 0)
            fail_msg("'%s' found '%s', expected '%s'", cases[i][0], got,
                     cases[i][1]);
        free(got);
    }
}

static void test_title_field(void **state)
{
    fixture_t *f = *state;
    check_found(f, "title:war", "a");
    check_found(f, "title:\"trade war\"", "a");
    check_found(f, "Title:\"Trade War\"", "a");
    check_found(f, "title:mark*", "b");
    check_found(f, "title:chip makers", "c");
    check_found(f, "war -title:war", "b c d e");
}

static void test_source_field(void **state)
{
    fixture_t *f = *state;
    check_found(f, "source:reuters", "a b");
    check_found(f, "source:reuters.com", "a b");
    check_found(f, "source:uk.reuters.com", "b");
    check_found(f, "source:Reuters tariffs", "a b");
    check_found(f, "source:forbes.com", "c");
    check_found(f, "source:www.forbes.com", "c");
    check_found(f, "source:https://www.forbes.com/x", "c");
    check_found(f, "source:bbc.co.uk", "d");
    check_found(f, "source:co.uk", "d");
    check_found(f, "source:notreuters.com", "e");
    check_found(f, "source:reuters source:bbc.co.uk", "a b d");
    check_found(f, "tariffs -source:reuters", "c e f");
    /* Part of a label is not a match, and no match is no hits. */
    check_found(f, "source:reut", "");
    check_found(f, "source:nowhere.example tariffs", "");
    check_found(f, "trade war source:reuters", "a");
}

static void test_date_field(void **state)
{
    fixture_t *f = *state;
    check_found(f, "date:2025-06-01..2025-06-30", "a b");
    check_found(f, "date:2025-06-01..", "a b c d");
    check_found(f, "date:..2025-06-30", "a b f");
    check_found(f, "date:2025-06-05", "a");
    check_found(f, "date:2025-06", "a b");
    check_found(f, "date:2025", "a b c d");
    check_found(f, "date:2024", "f");
    check_found(f, "date:2025-06..2025-08", "a b c d");
    check_found(f, "date:2025-07..2025", "c d");
    check_found(f, "date:2024..2024-12-31", "f");
    check_found(f, "date:2025-02-28..2025-03", "");
    check_found(f, "tariffs date:2025-06", "a b");
    check_found(f, "tariffs -date:2025", "e f");
    check_found(f, "date:2024 date:2025-08", "c f");
    check_found(f, "source:reuters date:2025-06-30", "b");
    /* Stories without a date never pass a date filter: "e" is undated. */
    check_found(f, "tariffs date:..9999", "a b c f");
}

static void test_bad_dates_are_refused(void **state)
{
    fixture_t *f = *state;
    check_refused(f, "date:2025-02-30", "'2025-02-30'");
    check_refused(f, "date:2025-13", "'2025-13'");
    check_refused(f, "date:2025-06-01..2025-13-01", "'2025-13-01'");
    check_refused(f, "date:June", "'June'");
    check_refused(f, "tariffs date:2025/06/01", "'2025/06/01'");
    check_refused(f, "date:..", "date:..");
    check_refused(f, "date:2025-06-30..2025-06-01", "ends before it starts");
    check_refused(f, "date:2024-02-30", "'2024-02-30'");
    /* 2024 is a leap year, 2100 not. */
    check_found(f, "date:2024-02-29", "");
    check_refused(f, "date:2100-02-29", "'2100-02-29'");
}

static void test_misread_queries_are_refused(void **state)
{
    fixture_t *f = *state;
    check_refused(f, "(trade war", "unmatched '(' at '(trade war'");
    check_refused(f, "trade AND (war OR (steel)", "unmatched '(' at '(war");
    check_refused(f, "trade war)", "unmatched ')' at ')'");
    check_refused(f, "\"trade war", "unmatched '\"' at '\"trade war'");
    check_refused(f, "tariffs \"trade", "unmatched '\"'");
    check_refused(f, "title:\"trade war", "unmatched '\"'");
    check_refused(f, "-tariffs", "only leaves words out");
    check_refused(f, "-\"trade war\"", "only leaves words out");
    check_refused(f, "-trade -war", "only leaves words out");
    check_refused(f, "-(trade war)", "only leaves words out");
    check_refused(f, "trade NEAR \"war of\"", "'NEAR'");
    check_refused(f, "\"trade war\" NEAR steel", "'NEAR'");
    check_refused(f, "trade NEAR -war", "'NEAR'");
    check_refused(f, "-steel OR trade", "'OR'");
    check_refused(f, "trade AND AND war", "AND");
    /* A field without a value is the word itself, as with title:. */
    check_found(f, "source:", "");
    /* Parentheses and quotes inside a phrase or a value are fine. */
    check_found(f, "\"trade (war\"", "a c e");
    check_found(f, "(trade)", "a c d e");
    /* An operator first or last is a word; "near" typed as a word too. */
    check_found(f, "tariffs AND", "f");
    check_found(f, "war NEAR words near", "");
}

static void test_punctuation_only_is_refused(void **state)
{
    fixture_t *f = *state;
    const char *queries[] = { "!!!", "--", "\"\"", "()", "", "  ", "-", "+",
                              "\"", "(", "…" };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
        check_refused(f, queries[i], "no words to search for");
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_operators),
        T(test_plain_words),
        T(test_title_field),
        T(test_source_field),
        T(test_date_field),
        T(test_bad_dates_are_refused),
        T(test_misread_queries_are_refused),
        T(test_punctuation_only_is_refused),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
