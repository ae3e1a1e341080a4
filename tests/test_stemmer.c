#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "stemmer.h"
#include "tokenizer.h"

/* Creates a stemmer for LANGUAGE, failing the test if that fails. */
static ng_stemmer_t *make(const char *language)
{
    ng_stemmer_t *stemmer = NULL;
    assert_int_equal(ng_stemmer_new(language, &stemmer), NG_OK);
    assert_non_null(stemmer);
    return stemmer;
}

/* Asserts that STEMMER stems the NUL-terminated WORD to STEM. */
static void check_stem(ng_stemmer_t *stemmer, const char *word,
                       const char *stem)
{
    size_t len = 99;
    const char *got = ng_stemmer_stem(stemmer, word, strlen(word), &len);
    assert_non_null(got);
    assert_string_equal(got, stem);
    assert_int_equal(len, strlen(stem));
}

static void test_english(void **state)
{
    (void)state;
    ng_stemmer_t *stemmer = make(NG_DEFAULT_LANGUAGE);
    assert_string_equal(ng_stemmer_language(stemmer), "english");
    check_stem(stemmer, "tariffs", "tariff");
    check_stem(stemmer, "earths", "earth");
    check_stem(stemmer, "china's", "china");
    check_stem(stemmer, "running", "run");
    check_stem(stemmer, "earth", "earth");
    /* The input need not be NUL-terminated: only LEN bytes count. */
    size_t len = 0;
    const char *got = ng_stemmer_stem(stemmer, "tariffsXYZ", 7, &len);
    assert_string_equal(got, "tariff");
    assert_int_equal(len, 6);
    ng_stemmer_free(stemmer);
}

static void test_empty_word(void **state)
{
    (void)state;
    ng_stemmer_t *stemmer = make("english");
    size_t len = 99;
    const char *got = ng_stemmer_stem(stemmer, "", 0, &len);
    assert_non_null(got);
    assert_string_equal(got, "");
    assert_int_equal(len, 0);
    /* STEM_LEN may be NULL. */
    assert_string_equal(ng_stemmer_stem(stemmer, "running", 7, NULL), "run");
    ng_stemmer_free(stemmer);
}

static void test_iso_codes(void **state)
{
    (void)state;
    static const struct {
        const char *code, *name;
    } cases[] = {
        { "en", "english" }, { "eng", "english" }, { "EN", "english" },
        { "English", "english" }, { "fr", "french" }, { "fre", "french" },
        { "de", "german" }, { "es", "spanish" }, { "ru", "russian" },
        { "el", "greek" }, { "nl", "dutch" }, { "porter", "porter" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ng_stemmer_t *stemmer = make(cases[i].code);
        assert_string_equal(ng_stemmer_language(stemmer), cases[i].name);
        ng_stemmer_free(stemmer);
    }
    ng_stemmer_t *stemmer = make("en");
    check_stem(stemmer, "running", "run");
    ng_stemmer_free(stemmer);
}

/* Every code libstemmer itself accepts must resolve to the algorithm
 * libstemmer uses for it. */
static void test_codes_agree_with_libstemmer(void **state)
{
    (void)state;
    static const char *const codes[] = {
        "ar", "ara", "hy", "hye", "arm", "eu", "eus", "baq", "ca", "cat",
        "da", "dan", "nl", "nld", "dut", "en", "eng", "fi", "fin", "fr",
        "fra", "fre", "de", "deu", "ger", "el", "ell", "gre", "hi", "hin",
        "hu", "hun", "id", "ind", "ga", "gle", "it", "ita", "lt", "lit",
        "ne", "nep", "no", "nor", "pt", "por", "ro", "ron", "rum", "ru",
        "rus", "sr", "srp", "es", "spa", "esl", "sv", "swe", "ta", "tam",
        "tr", "tur", "yi", "yid",
    };
    static const char *const probes[] = {
        "nationalities", "running", "maisons", "häuser", "ciudades",
        "\u0433\u043e\u0440\u043e\u0434\u0430",
        "\u03c0\u03bf\u03bb\u03b5\u03b9\u03c2",
        "\u0627\u0644\u0645\u062f\u0646",
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        struct sb_stemmer *sb = sb_stemmer_new(codes[i], "UTF_8");
        if (!sb)
            continue;
        ng_stemmer_t *ours = make(codes[i]);
        ng_stemmer_t *named = make(ng_stemmer_language(ours));
        for (size_t j = 0; j < sizeof probes / sizeof probes[0]; j++) {
            const char *want = (const char *)sb_stemmer_stem(
                sb, (const sb_symbol *)probes[j], (int)strlen(probes[j]));
            assert_non_null(want);
            check_stem(ours, probes[j], want);
            check_stem(named, probes[j], want);
        }
        ng_stemmer_free(named);
        ng_stemmer_free(ours);
        sb_stemmer_delete(sb);
    }
}

static void test_unknown_language(void **state)
{
    (void)state;
    ng_stemmer_t *stemmer = NULL;
    assert_int_equal(ng_stemmer_new("klingon", &stemmer),
                     NG_UNKNOWN_LANGUAGE);
    assert_null(stemmer);
    assert_int_equal(ng_stemmer_new("", &stemmer), NG_UNKNOWN_LANGUAGE);
    assert_int_equal(ng_stemmer_new("xx", &stemmer), NG_UNKNOWN_LANGUAGE);
    assert_int_equal(ng_stemmer_new("english-but-much-longer-than-any-name",
                                     &stemmer),
                     NG_UNKNOWN_LANGUAGE);
    assert_int_equal(ng_stemmer_new(NULL, &stemmer), NG_BAD_ARGUMENT);
    assert_int_equal(ng_stemmer_new("english", NULL), NG_BAD_ARGUMENT);
    ng_stemmer_free(NULL);
}

static void test_french_utf8(void **state)
{
    (void)state;
    ng_stemmer_t *stemmer = make("french");
    check_stem(stemmer, "continuellement", "continuel");
    /* A word with non-ASCII letters stems to valid UTF-8. */
    check_stem(stemmer, "\u00e9l\u00e9gantes", "\u00e9leg");
    check_stem(stemmer, "r\u00e9publiques", "r\u00e9publ");
    ng_stemmer_free(stemmer);
}

static void test_list(void **state)
{
    (void)state;
    const char **list = ng_stemmer_list();
    int english = 0, count = 0;
    assert_non_null(list);
    for (const char **p = list; *p; p++) {
        count++;
        if (strcmp(*p, "english") == 0)
            english = 1;
        /* Every listed name makes a stemmer that reports that name. */
        ng_stemmer_t *stemmer = make(*p);
        assert_string_equal(ng_stemmer_language(stemmer), *p);
        ng_stemmer_free(stemmer);
    }
    assert_true(english);
    assert_true(count > 10);
}

static void test_result_is_borrowed_until_next_call(void **state)
{
    (void)state;
    ng_stemmer_t *a = make("english"), *b = make("english");
    const char *first = ng_stemmer_stem(a, "running", 7, NULL);
    const char *other = ng_stemmer_stem(b, "tariffs", 7, NULL);
    /* Stemmers do not share their results. */
    assert_string_equal(first, "run");
    assert_string_equal(other, "tariff");
    ng_stemmer_free(a);
    ng_stemmer_free(b);
}

typedef struct {
    struct sb_stemmer *plain;   /* libstemmer itself, remembering nothing */
    ng_stemmer_t *stemmers[3];  /* remembering 1, the default, 8192 */
    size_t words;
} remembered_t;

static int check_remembered(void *ctx, const ng_token_t *token)
{
    remembered_t *r = ctx;
    const char *want = (const char *)sb_stemmer_stem(
        r->plain, (const sb_symbol *)token->text, (int)token->len);
    assert_non_null(want);
    for (size_t i = 0; i < 3; i++) {
        size_t len = 0;
        const char *got = ng_stemmer_stem(r->stemmers[i], token->text,
                                          token->len, &len);
        assert_non_null(got);
        if (strcmp(got, want) != 0 || len != strlen(want))
            fail_msg("'%s' gave '%s', not '%s'", token->text, got, want);
    }
    r->words++;
    return 0;
}

/* Tokenizes every story of the shipped corpus with FN and CTX; returns
 * how many there were. */
static size_t each_story(ng_token_fn fn, void *ctx)
{
    const char *corpus = getenv("NEWSGREP_TEST_CORPUS");
    DIR *dir = corpus ? opendir(corpus) : NULL;
    assert_non_null(dir);
    size_t stories = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".txt") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", corpus, e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        char buf[1 << 16];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        assert_int_equal(ng_tokenize(buf, len, 0, fn, ctx, NULL), 0);
        stories++;
    }
    closedir(dir);
    return stories;
}

/* The stems a stemmer remembers are the ones libstemmer gives, however
 * many words share a place in its memory (with one place, every other
 * word), and words too long to remember are stemmed all the same. */
static void test_remembered_stems_are_right(void **state)
{
    (void)state;
    remembered_t r = { sb_stemmer_new("english", "UTF_8"),
                       { make("english"), make("english"),
                         make("english") }, 0 };
    assert_non_null(r.plain);
    ng_stemmer_set_cache(r.stemmers[0], 1);
    ng_stemmer_set_cache(r.stemmers[2], 8192);
    const char *odd = "nationalisations internationalisations "
                      "nationalisations running runs running ran";
    for (int round = 0; round < 2; round++)
        assert_int_equal(ng_tokenize(odd, strlen(odd), 0, check_remembered,
                                     &r, NULL), 0);
    for (int round = 0; round < 2; round++)
        assert_true(each_story(check_remembered, &r) >= 10);
    assert_true(r.words > 2000);
    for (size_t i = 0; i < 3; i++)
        ng_stemmer_free(r.stemmers[i]);
    sb_stemmer_delete(r.plain);
}

typedef struct {
    ng_stemmer_t *stemmers[2];
    size_t words;
} first_byte_t;

static int check_first_byte(void *ctx, const ng_token_t *token)
{
    first_byte_t *fb = ctx;
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        const char *stem = ng_stemmer_stem(fb->stemmers[i], token->text,
                                           token->len, &len);
        assert_non_null(stem);
        if (len == 0 || stem[0] != token->text[0])
            fail_msg("%s stems '%s' to '%s'",
                     ng_stemmer_language(fb->stemmers[i]), token->text, stem);
    }
    fb->words++;
    return 0;
}

/* What ng_stemmer_keeps_first_byte() promises, checked on Porter2's
 * exceptions and on every word of the shipped stories; and the languages
 * that break it are not said to keep it. */
static void test_keeps_first_byte(void **state)
{
    (void)state;
    first_byte_t fb = { { make("english"), make("porter") }, 0 };
    assert_true(ng_stemmer_keeps_first_byte(fb.stemmers[0]));
    assert_true(ng_stemmer_keeps_first_byte(fb.stemmers[1]));
    const char *odd = "skis skies dying lying tying idly gently ugly early "
                      "only singly sky news howe atlas cosmos bias andes "
                      "yelling youths 1990s y's o'neill generously";
    assert_int_equal(ng_tokenize(odd, strlen(odd), 0, check_first_byte, &fb,
                                 NULL), 0);
    assert_true(each_story(check_first_byte, &fb) >= 10);
    assert_true(fb.words > 1000);
    ng_stemmer_free(fb.stemmers[0]);
    ng_stemmer_free(fb.stemmers[1]);

    /* German turns "ä" into "a", Indonesian removes prefixes. */
    ng_stemmer_t *german = make("german"), *indonesian = make("indonesian");
    assert_false(ng_stemmer_keeps_first_byte(german));
    assert_false(ng_stemmer_keeps_first_byte(indonesian));
    check_stem(german, "ärger", "arg");
    check_stem(indonesian, "menulis", "ulis");
    ng_stemmer_free(german);
    ng_stemmer_free(indonesian);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english),
        cmocka_unit_test(test_empty_word),
        cmocka_unit_test(test_iso_codes),
        cmocka_unit_test(test_codes_agree_with_libstemmer),
        cmocka_unit_test(test_unknown_language),
        cmocka_unit_test(test_french_utf8),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_result_is_borrowed_until_next_call),
        cmocka_unit_test(test_remembered_stems_are_right),
        cmocka_unit_test(test_keeps_first_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
