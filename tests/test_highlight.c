/* Tests of the highlighter: which words of a text a query's terms mark. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "highlight.h"
#include "stemmer.h"

static int setup(void **state)
{
    ng_stemmer_t *s = NULL;
    assert_int_equal(ng_stemmer_new("english", &s), NG_OK);
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    ng_stemmer_free(*state);
    return 0;
}

/* The marked words of TEXT, as "[word]" joined by spaces, into OUT. */
static void marked(ng_stemmer_t *stemmer, const char *text, const char *prefix,
                   const char *const *terms, size_t n_terms, char *out,
                   size_t cap)
{
    ng_span_t *spans = NULL;
    size_t n = 0;
    assert_int_equal(ng_highlight(stemmer, text, strlen(text), prefix, terms,
                                  n_terms, &spans, &n), NG_OK);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s[%.*s]", i ? " " : "",
                 (int)(spans[i].end - spans[i].start), text + spans[i].start);
        if (i)
            assert_true(spans[i].start >= spans[i - 1].end);
    }
    free(spans);
}

static void test_stems_mark_word_forms(void **state)
{
    /* Sorted, as the binding hands them over. */
    const char *terms[] = { "Zearth", "Zrare", "Ztariff" };
    char out[256];
    marked(*state, "Rare Earths and rare-earth minerals; a tariff, tariffs.",
           "", terms, 3, out, sizeof out);
    assert_string_equal(out, "[Rare] [Earths] [rare] [earth] [tariff] [tariffs]");
}

static void test_phrase_stems_mark_every_form(void **state)
{
    /* A phrase query holds stems too, so "China" marks "China’s". */
    const char *terms[] = { "Zchina", "Zus" };
    char out[256];
    marked(*state, "China’s ties with the U.S. and China", "", terms, 2, out,
           sizeof out);
    assert_string_equal(out, "[China’s] [U.S] [China]");
}

static void test_accents_and_case(void **state)
{
    const char *terms[] = { "Zcafe" };
    char out[256];
    marked(*state, "CAFÉ, Café and cafe", "", terms, 1, out, sizeof out);
    assert_string_equal(out, "[CAFÉ] [Café] [cafe]");
}

static void test_title_prefix_only_marks_title_terms(void **state)
{
    const char *terms[] = { "ZStrade", "Zvisa" };
    char out[256];
    marked(*state, "Trade and visas", "S", terms, 2, out, sizeof out);
    assert_string_equal(out, "[Trade]");
    marked(*state, "Trade and visas", "", terms, 2, out, sizeof out);
    assert_string_equal(out, "[visas]");
}

static void test_nothing_to_mark(void **state)
{
    ng_span_t *spans = (ng_span_t *)1;
    size_t n = 99;
    const char *terms[] = { "Zoil" };
    assert_int_equal(ng_highlight(*state, "", 0, "", terms, 1, &spans, &n),
                     NG_OK);
    assert_int_equal(n, 0);
    assert_null(spans);
    assert_int_equal(ng_highlight(*state, "no match here", 13, "", NULL, 0,
                                  &spans, &n), NG_OK);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stems_mark_word_forms),
        cmocka_unit_test(test_phrase_stems_mark_every_form),
        cmocka_unit_test(test_accents_and_case),
        cmocka_unit_test(test_title_prefix_only_marks_title_terms),
        cmocka_unit_test(test_nothing_to_mark),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
