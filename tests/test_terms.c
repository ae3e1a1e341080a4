/* Tests of the term builder: which terms a paragraph and a story's fields
 * produce, recorded by a sink without any index. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "stemmer.h"
#include "terms.h"

/* Every term the builder handed over, as "kind:term[@position]" lines. */
typedef struct {
    char buf[8192];
    size_t len;
} record_t;

static int rec(record_t *r, const char *kind, const char *term, size_t len,
               long position)
{
    int n = position >= 0
        ? snprintf(r->buf + r->len, sizeof r->buf - r->len, "%s:%.*s@%ld\n",
                   kind, (int)len, term, position)
        : snprintf(r->buf + r->len, sizeof r->buf - r->len, "%s:%.*s\n",
                   kind, (int)len, term);
    r->len += (size_t)n;
    return 0;
}

static int on_posting(void *ctx, const char *t, size_t len, unsigned pos)
{
    return rec(ctx, "pos", t, len, pos);
}

static int on_boolean(void *ctx, const char *t, size_t len)
{
    return rec(ctx, "bool", t, len, -1);
}

static const ng_term_sink_t sink = { on_posting, on_boolean };

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

/* Each word is its stem, at the word's position: the words themselves are
 * not terms. */
static void test_body_stems_at_positions(void **state)
{
    record_t r = { .len = 0 };
    const char *text = "Rare Earths, rare-earth tariffs";
    unsigned next = 0;
    assert_int_equal(ng_terms_index_text(*state, text, strlen(text), "", 0,
                                         &sink, &r, &next), NG_OK);
    r.buf[r.len] = '\0';
    assert_string_equal(r.buf,
                        "pos:Zrare@0\npos:Zearth@1\npos:Zrare@2\n"
                        "pos:Zearth@3\npos:Ztariff@4\n");
    assert_int_equal(next, 5);
}

static void test_title_prefix(void **state)
{
    record_t r = { .len = 0 };
    const char *text = "Tariffs Rise";
    assert_int_equal(ng_terms_index_text(*state, text, strlen(text),
                                         NG_PREFIX_TITLE, 10, &sink, &r, NULL),
                     NG_OK);
    r.buf[r.len] = '\0';
    assert_string_equal(r.buf, "pos:ZStariff@10\npos:ZSrise@11\n");
}

static void test_story_fields(void **state)
{
    (void)state;
    record_t r = { .len = 0 };
    assert_int_equal(ng_terms_story_fields("corpus/a", "2025-06-05",
                                           "https://www.Forbes.com/sites/x",
                                           &sink, &r), NG_OK);
    r.buf[r.len] = '\0';
    assert_string_equal(r.buf, "bool:XScorpus/a\nbool:D20250605\n"
                               "bool:M202506\nbool:Y2025\n"
                               "bool:Hforbes.com\n");
}

static void test_story_fields_without_date_or_url(void **state)
{
    (void)state;
    record_t r = { .len = 0 };
    assert_int_equal(ng_terms_story_fields("x", NULL, "Reuters", &sink, &r),
                     NG_OK);
    r.buf[r.len] = '\0';
    assert_string_equal(r.buf, "bool:XSx\n");
    r.len = 0;
    assert_int_equal(ng_terms_story_fields("x", "June 5", NULL, &sink, &r),
                     NG_OK);
    r.buf[r.len] = '\0';
    assert_string_equal(r.buf, "bool:XSx\n");
}

static void test_url_host(void **state)
{
    (void)state;
    struct { const char *url, *host; } cases[] = {
        { "https://www.forbes.com/sites/a/2025/06/05/x/", "forbes.com" },
        { "http://user:pw@News.Example.org:8080/path?q", "news.example.org" },
        { "https://www.", "www." },
        { "Reuters-21578", NULL },
        { "file:///tmp/x", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *host = ng_terms_url_host(cases[i].url);
        if (cases[i].host) {
            assert_non_null(host);
            assert_string_equal(host, cases[i].host);
        } else {
            assert_null(host);
        }
        free(host);
    }
}

/* A sink that fails on the first term makes the builder report it. */
static int refuse(void *ctx, const char *t, size_t len, unsigned pos)
{
    (void)ctx; (void)t; (void)len; (void)pos;
    return 1;
}

static void test_sink_failure_is_reported(void **state)
{
    ng_term_sink_t bad = { refuse, on_boolean };
    record_t r = { .len = 0 };
    assert_int_equal(ng_terms_index_text(*state, "word", 4, "", 0, &bad, &r,
                                         NULL), NG_NO_MEMORY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_stems_at_positions),
        cmocka_unit_test(test_title_prefix),
        cmocka_unit_test(test_story_fields),
        cmocka_unit_test(test_story_fields_without_date_or_url),
        cmocka_unit_test(test_url_host),
        cmocka_unit_test(test_sink_failure_is_reported),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
