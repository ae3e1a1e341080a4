/* Tests of "did you mean": spelling suggestions from a small real index. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "testutil.h"
#include "xapian-c.h"

/* "tariff" is in three paragraphs, "tariffs" in one. */
static const char *const stories[] = {
    "Rare earth news\n\nRare earth exports rose.\n\n"
    "Earth metals are rarer than gold.\n\nChina puts tariffs on rare earth.\n",
    "Tariff talks\n\nThe tariff was raised.\n\nA new tariff on steel.\n\n"
    "Tariff talks resume in Geneva.\n",
    "Markets\n\nMarkets fell in Tokyo.\n\nThe yen rose.\n",
    "Talks\n\nThe government met the president.\n\nIt was over.\n\n"
    "Over and over, the governments met.\n",
    NULL
};

/* Two more paragraphs with "tariffs": now the more frequent form. */
static const char *const more_tariffs[] = {
    "Tariffs again\n\nNew tariffs on chips.\n\nTariffs hit exports.\n\n"
    "Tariffs and quotas.\n",
    NULL
};

typedef struct {
    char *dir;
    xc_db_t *db;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = tu_tempdir();
    char *path = tu_index_stories(f->dir, "index", stories);
    assert_int_equal(xc_db_open(path, XC_OPEN_READ, &f->db, NULL), XC_OK);
    free(path);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    xc_db_close(f->db);
    tu_remove_tree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Fails unless QUERY's suggestion on DB, with the synonyms SYN (or
 * NULL), is WANT (NULL: none). */
static void check_with(xc_db_t *db, const ng_synonyms_t *syn,
                       const char *query, const char *want)
{
    char *got = (char *)"unset";
    ng_stemmer_t *stemmer = NULL;
    assert_int_equal(ng_stemmer_new("english", &stemmer), NG_OK);
    ng_status_t st = ng_suggest(db, stemmer, syn, query, &got);
    ng_stemmer_free(stemmer);
    if (st != NG_OK)
        fail_msg("'%s': %s", query, ng_status_to_string(st));
    if (!want && got)
        fail_msg("'%s' suggested '%s', expected nothing", query, got);
    if (want && (!got || strcmp(got, want) != 0))
        fail_msg("'%s' suggested '%s', expected '%s'", query,
                 got ? got : "nothing", want);
    free(got);
}

/* Fails unless QUERY's suggestion on DB is WANT (NULL: none). */
static void check_suggestion(xc_db_t *db, const char *query, const char *want)
{
    check_with(db, NULL, query, want);
}

static void test_misspelled_word_is_corrected(void **state)
{
    fixture_t *f = *state;
    check_suggestion(f->db, "rare erth", "rare earth");
    check_suggestion(f->db, "Rare Erth", "Rare Earth");
    check_suggestion(f->db, "RARE ERTH", "RARE EARTH");
    check_suggestion(f->db, "rare-erth  exprts!", "rare-earth  exports!");
    /* A transposition is one edit, so a short word is corrected too. */
    check_suggestion(f->db, "yne", "yen");
    /* A wrong first letter is found when nothing closer is. */
    check_suggestion(f->db, "qarkets", "markets");
    /* The index holds stems ("govern", "presid"): the word shown is the
     * form in the paragraphs nearest what was typed, and a short common
     * stem ("over") is not taken for the start of a long word. */
    check_suggestion(f->db, "goverment", "government");
    check_suggestion(f->db, "governmnets", "governments");
    check_suggestion(f->db, "presidnet", "president");
}

static void test_correct_query_gives_nothing(void **state)
{
    fixture_t *f = *state;
    check_suggestion(f->db, "rare earth", NULL);
    check_suggestion(f->db, "tariffs on steel", NULL);
    /* "rarer" is in the index, one edit from the commoner "rare": a word
     * the index has is not taken for a misspelling of another. */
    check_suggestion(f->db, "rarer", NULL);
    check_suggestion(f->db, "", NULL);
    /* Nothing is near enough. */
    check_suggestion(f->db, "zzyzx", NULL);
    check_suggestion(f->db, "quux", NULL);
}

static void test_most_frequent_neighbour_wins(void **state)
{
    fixture_t *f = *state;
    /* "tariff" and "tariffs" are both one edit away; the index has
     * "tariff" in more paragraphs, until more stories say "tariffs". */
    check_suggestion(f->db, "tarifs", "tariff");
    char *path = tu_index_stories(f->dir, "more", more_tariffs);
    char *stub_text;
    assert_true(asprintf(&stub_text, "auto %s/index\nauto %s\n", f->dir,
                         path) > 0);
    char *stub = tu_write_file(f->dir, "both.stub", stub_text);
    xc_db_t *both = NULL;
    assert_int_equal(xc_db_open(stub, XC_OPEN_READ, &both, NULL), XC_OK);
    /* The two indexes, read as one through the stub, have "tariffs" in
     * four paragraphs: their word lists are merged. */
    check_suggestion(both, "tarifs", "tariffs");
    /* "quotas" is only in the second index. */
    check_suggestion(both, "quotsa", "quotas");
    check_suggestion(f->db, "quotsa", NULL);
    xc_db_close(both);
    free(stub);
    free(stub_text);
    free(path);
}

static void test_syntax_is_kept(void **state)
{
    fixture_t *f = *state;
    check_suggestion(f->db, "rare AND erth", "rare AND earth");
    check_suggestion(f->db, "erth NOT tokyo", "earth NOT tokyo");
    check_suggestion(f->db, "\"rare erth\" -tokio",
                     "\"rare earth\" -tokyo");
    check_suggestion(f->db, "(yne OR erth) NEAR markets",
                     "(yen OR earth) NEAR markets");
    /* Field names and values, wildcards, numbers and single letters are
     * left as typed. */
    check_suggestion(f->db, "title:erth", NULL);
    check_suggestion(f->db, "source:tokio.com", NULL);
    check_suggestion(f->db, "erth*", NULL);
    check_suggestion(f->db, "2025 x", NULL);
    check_suggestion(f->db, "title:erth exprts", "title:erth exports");
}

/* A word that the synonym list names is spelled as meant, though the
 * index lacks it and has a word one letter away: "REE" for "rare earth"
 * is not "REP".  Here "yne" is listed, and "yen" is in the index. */
static void test_listed_synonym_is_not_corrected(void **state)
{
    fixture_t *f = *state;
    ng_synonyms_t *syn = ng_synonyms_new();
    assert_non_null(syn);
    char *path = tu_write_file(f->dir, "synonyms.txt",
                               "yne, Japanese currency\nfed, Federal Reserve\n");
    char *error = NULL;
    assert_int_equal(ng_synonyms_load(syn, path, &error), NG_OK);
    free(path);
    check_suggestion(f->db, "yne rose", "yen rose");
    check_with(f->db, syn, "yne rose", NULL);
    check_with(f->db, syn, "Yne rse", "Yne rose");
    check_with(f->db, syn, "rare erth", "rare earth");
    ng_synonyms_free(syn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_misspelled_word_is_corrected,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_correct_query_gives_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_most_frequent_neighbour_wins,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_is_kept, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_listed_synonym_is_not_corrected,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
