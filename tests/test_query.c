/* Tests of the query front end: normalising what a user typed and parsing
 * it into the terms the index holds. */
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
#include "xapian-c.h"

static void check_normalized(const char *typed, const char *expected)
{
    char *got = ng_query_normalize(typed);
    assert_non_null(got);
    if (strcmp(got, expected) != 0)
        fail_msg("'%s' normalised to '%s', expected '%s'", typed, got,
                 expected);
    free(got);
}

static void test_normalize(void **state)
{
    (void)state;
    check_normalized("Rare Earth", "rare earth");
    check_normalized("Café", "cafe");
    check_normalized("China’s", "china's");
    check_normalized("U.S. tariffs", "us. tariffs");
    check_normalized("\"Trade War\" AND China NOT japan",
                     "\"trade war\" AND china NOT japan");
    check_normalized("title:Tariffs -Japan +visa", "title:tariffs -japan +visa");
    check_normalized("and or not", "and or not");
    check_normalized("!!! ...", "!!! ...");
    check_normalized("", "");
    check_normalized("ＡＢＣ ﬁnance", "abc finance");
    /* Every operator character stays where the QueryParser needs it. */
    check_normalized("-\"Trade War\" +Steel (Rare OR Earth) Tariff* A NEAR B",
                     "-\"trade war\" +steel (rare OR earth) tariff* a NEAR b");
    check_normalized("Title:\"Trade War\" -title:(X)",
                     "title:\"trade war\" -title:(x)");
    /* Filter values reach their filters as typed. */
    check_normalized("Source:BBC.co.uk date:2025-06..2025-08 Chips",
                     "source:BBC.co.uk date:2025-06..2025-08 chips");
    check_normalized("(source:\"U.S. News\") -Date:2025",
                     "(source:\"U.S. News\") -date:2025");
    check_normalized("xsource:BBC.co.uk", "xsource:bbc.co.uk");
}

/* The sorted terms of the parsed QUERY, joined with spaces. */
static char *terms_of(const char *query)
{
    ng_stemmer_t *stemmer = NULL;
    assert_int_equal(ng_stemmer_new("english", &stemmer), NG_OK);
    xc_query_t *q = NULL;
    char *error = NULL;
    ng_status_t st = ng_query_parse(NULL, stemmer, query, 0, NULL, &q, NULL,
                                    NULL, &error);
    if (st != NG_OK)
        fail_msg("'%s' did not parse: %s", query, error ? error : "?");
    char *out = calloc(1, 4096);
    assert_non_null(out);
    for (size_t i = 0; i < xc_query_term_count(q); i++) {
        if (i)
            strcat(out, " ");
        strcat(out, xc_query_term(q, i));
    }
    xc_query_free(q);
    ng_stemmer_free(stemmer);
    return out;
}

static void check_terms(const char *query, const char *expected)
{
    char *got = terms_of(query);
    if (strcmp(got, expected) != 0)
        fail_msg("query '%s' gave terms '%s', expected '%s'", query, got,
                 expected);
    free(got);
}

static void test_words_become_index_terms(void **state)
{
    (void)state;
    /* Every query is also read against the headline (S prefix). */
    check_terms("tariffs", "ZStariff Ztariff");
    /* Plain words also ask for the phrase, of the same stems. */
    check_terms("Rare Earths", "ZSearth ZSrare Zearth Zrare");
    check_terms("China’s", "ZSchina Zchina");
    check_terms("U.S.", "ZSus Zus");
    check_terms("CAFÉ", "ZScafe Zcafe");
    /* Words joined by a hyphen are a phrase: stems too. */
    check_terms("90-minute", "Z90 ZS90 ZSminut Zminut");
    check_terms("rare-earth", "ZSearth ZSrare Zearth Zrare");
    check_terms("\"Rare Earths\"", "ZSearth ZSrare Zearth Zrare");
    check_terms("title:Tariffs", "ZStariff");
}

static void test_bad_query_is_an_error(void **state)
{
    (void)state;
    ng_stemmer_t *stemmer = NULL;
    assert_int_equal(ng_stemmer_new("english", &stemmer), NG_OK);
    xc_query_t *q = NULL;
    char *error = NULL;
    /* An unknown field prefix is just a word; a lone operator is read as a
     * word too, so a failing query is hard to type.  What must hold is that
     * nothing crashes and a failure comes with a message. */
    const char *queries[] = { "AND", "(", ")", "\"", "title:", "NOT", "-",
                              "+", "a NEAR", "((((", "\"unclosed phrase" };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        ng_status_t st = ng_query_parse(NULL, stemmer, queries[i], 0, NULL,
                                        &q, NULL, NULL, &error);
        if (st == NG_OK) {
            xc_query_free(q);
        } else {
            assert_int_equal(st, NG_QUERY_ERROR);
            assert_non_null(error);
            assert_true(strlen(error) > 0);
            free(error);
        }
        q = NULL;
        error = NULL;
    }
    /* An operator without its operand, between words, is an error with a
     * message; first or last, an operator is taken as the word it is
     * ("VERY TOUGH, AND"). */
    assert_int_equal(ng_query_parse(NULL, stemmer, "rare AND AND earth", 0,
                                    NULL, &q, NULL, NULL, &error),
                     NG_QUERY_ERROR);
    assert_non_null(error);
    assert_non_null(strstr(error, "AND"));
    free(error);
    error = NULL;
    assert_int_equal(ng_query_parse(NULL, stemmer, "tough AND", 0, NULL, &q,
                                    NULL, NULL, &error), NG_OK);
    assert_int_equal(xc_query_term_count(q) > 0, 1);
    xc_query_free(q);
    ng_stemmer_free(stemmer);
}

/* A query of two to four plain words, combined with OR, has two tiers,
 * which between them hold its terms; any other query has none. */
static void test_tiers(void **state)
{
    (void)state;
    ng_stemmer_t *stemmer = NULL;
    assert_int_equal(ng_stemmer_new("english", &stemmer), NG_OK);
    static const struct {
        const char *query;
        int default_and;
        int tiers;
    } cases[] = {
        { "rare earth", 0, 1 },
        { "japan semiconductor tariffs", 0, 1 },
        { "rare earth export controls", 0, 1 },
        { "rare earth export controls now", 0, 0 },
        { "tariffs", 0, 0 },
        { "rare earth", 1, 0 },
        { "\"rare earth\"", 0, 0 },
        { "rare -earth", 0, 0 },
        { "title:rare earth", 0, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        xc_query_t *q = NULL;
        ng_tiers_t tiers;
        char *error = NULL;
        assert_int_equal(ng_query_parse(NULL, stemmer, cases[i].query,
                                        cases[i].default_and, NULL, &q, NULL,
                                        &tiers, &error),
                         NG_OK);
        if (!tiers.all != !cases[i].tiers || !tiers.rest != !cases[i].tiers)
            fail_msg("'%s': tiers %s", cases[i].query,
                     tiers.all ? "given" : "not given");
        for (size_t t = 0; tiers.all && t < xc_query_term_count(q); t++) {
            const char *term = xc_query_term(q, t);
            int found = 0;
            for (size_t k = 0; k < xc_query_term_count(tiers.all); k++)
                found |= strcmp(term, xc_query_term(tiers.all, k)) == 0;
            for (size_t k = 0; k < xc_query_term_count(tiers.rest); k++)
                found |= strcmp(term, xc_query_term(tiers.rest, k)) == 0;
            if (!found)
                fail_msg("'%s': %s is in neither tier", cases[i].query, term);
        }
        xc_query_free(tiers.all);
        xc_query_free(tiers.rest);
        xc_query_free(q);
    }
    ng_stemmer_free(stemmer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_words_become_index_terms),
        cmocka_unit_test(test_bad_query_is_an_error),
        cmocka_unit_test(test_tiers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
