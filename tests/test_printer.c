/* Tests of the printers: what a person and a program see for a hit. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "printer.h"

/* Runs a printer into a string. */
static char *print_text(const ng_hit_t *hit, int color, const char *cwd)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    ng_print_options_t po = { color, cwd, 0 };
    assert_int_equal(ng_print_hit(f, hit, &po), NG_OK);
    fclose(f);
    return buf;
}

static char *print_json(const ng_hit_t *hit, size_t rank)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(ng_print_hit_json(f, hit, rank, NULL), NG_OK);
    fclose(f);
    return buf;
}

static ng_span_t text_spans[] = { { 4, 8 }, { 9, 15 } };
static ng_span_t title_spans[] = { { 0, 4 } };

static ng_hit_t sample_hit(void)
{
    ng_hit_t hit = {
        .story = "corpus/xi-call",
        .path = "/home/reader/news/corpus/xi-call.txt",
        .title = "Rare earths talks",
        .date = "2025-06-05",
        .source = "https://www.forbes.com/sites/x/2025/06/05/y/",
        .text = "The rare earths deal",
        .paragraph = 4,
        .score = 3.25,
        .spans = text_spans,
        .n_spans = 2,
        .title_spans = title_spans,
        .n_title_spans = 1,
    };
    return hit;
}

static void test_text_without_color(void **state)
{
    (void)state;
    ng_hit_t hit = sample_hit();
    char *out = print_text(&hit, 0, "/home/reader/news");
    assert_string_equal(out, "Rare earths talks\n"
                             "2025-06-05  forbes.com  corpus/xi-call.txt:4\n"
                             "  The rare earths deal\n\n");
    free(out);
}

static void test_text_with_color_marks_matches(void **state)
{
    (void)state;
    ng_hit_t hit = sample_hit();
    char *out = print_text(&hit, 1, NULL);
    assert_non_null(strstr(out, "\033[1;31mrare\033[0m \033[1;31mearths\033[0m"));
    assert_non_null(strstr(out, "\033[1;31mRare\033[0m"));
    /* Outside the cwd the path stays absolute. */
    assert_non_null(strstr(out, "/home/reader/news/corpus/xi-call.txt"));
    free(out);
}

static void test_text_unknown_date_and_source(void **state)
{
    (void)state;
    ng_hit_t hit = sample_hit();
    hit.date = NULL;
    hit.source = NULL;
    char *out = print_text(&hit, 0, "/elsewhere");
    assert_non_null(strstr(out, "(no date)  /home/reader/news/corpus/xi-call.txt:4\n"));
    free(out);
}

static void test_display_path(void **state)
{
    (void)state;
    struct { const char *path, *cwd, *shown; } cases[] = {
        { "/a/b/c.txt", "/a", "b/c.txt" },
        { "/a/b/c.txt", "/a/", "b/c.txt" },
        { "/ab/c.txt", "/a", "/ab/c.txt" },
        { "/a/b/c.txt", "/", "a/b/c.txt" },
        { "/a/b/c.txt", NULL, "/a/b/c.txt" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *shown = ng_print_display_path(cases[i].path, cases[i].cwd);
        assert_string_equal(shown, cases[i].shown);
        free(shown);
    }
}

static void test_json_fields(void **state)
{
    (void)state;
    ng_hit_t hit = sample_hit();
    char *out = print_json(&hit, 3);
    size_t len = strlen(out);
    assert_true(len > 0 && out[len - 1] == '\n');
    assert_null(memchr(out, '\n', len - 1));
    json_object *obj = json_tokener_parse(out);
    assert_non_null(obj);
    json_object *v;
    assert_true(json_object_object_get_ex(obj, "story", &v));
    assert_string_equal(json_object_get_string(v), "corpus/xi-call");
    assert_true(json_object_object_get_ex(obj, "date", &v));
    assert_string_equal(json_object_get_string(v), "2025-06-05");
    assert_true(json_object_object_get_ex(obj, "paragraph", &v));
    assert_int_equal(json_object_get_int(v), 4);
    assert_true(json_object_object_get_ex(obj, "rank", &v));
    assert_int_equal(json_object_get_int(v), 3);
    assert_true(json_object_object_get_ex(obj, "score", &v));
    assert_true(json_object_get_double(v) > 3.2 &&
                json_object_get_double(v) < 3.3);
    assert_true(json_object_object_get_ex(obj, "matches", &v));
    assert_int_equal(json_object_array_length(v), 2);
    assert_int_equal(json_object_get_int(json_object_array_get_idx(
                         json_object_array_get_idx(v, 1), 0)), 9);
    assert_true(json_object_object_get_ex(obj, "source", &v));
    assert_string_equal(json_object_get_string(v), hit.source);
    json_object_put(obj);
    free(out);
}

static void test_json_escapes_any_text(void **state)
{
    (void)state;
    ng_hit_t hit = sample_hit();
    hit.text = "quote \" backslash \\ tab \t newline \n bell \a esc \033 "
               "slash / curly ’ nul-free";
    hit.title = "\"Title\"\\";
    hit.date = NULL;
    hit.source = NULL;
    hit.n_spans = 0;
    char *out = print_json(&hit, 1);
    json_object *obj = json_tokener_parse(out);
    assert_non_null(obj);
    json_object *v;
    assert_true(json_object_object_get_ex(obj, "text", &v));
    assert_string_equal(json_object_get_string(v), hit.text);
    assert_true(json_object_object_get_ex(obj, "date", &v));
    assert_null(v);
    /* One line: the newline in the text is escaped. */
    assert_null(memchr(out, '\n', strlen(out) - 1));
    json_object_put(obj);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_without_color),
        cmocka_unit_test(test_text_with_color_marks_matches),
        cmocka_unit_test(test_text_unknown_date_and_source),
        cmocka_unit_test(test_display_path),
        cmocka_unit_test(test_json_fields),
        cmocka_unit_test(test_json_escapes_any_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
