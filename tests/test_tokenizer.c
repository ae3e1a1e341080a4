#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "tokenizer.h"

#define MAX_TOKENS 64

/* A copy of one reported token. */
typedef struct {
    char text[NG_TOKEN_MAX_BYTES + 1];
    size_t len, start, end;
    unsigned position;
} token_copy_t;

/* What a tokenizer run reported.  The first MAX_TOKENS tokens are kept; all
 * are counted.  Returning STOP_VALUE after STOP_AT tokens tests stopping. */
typedef struct {
    token_copy_t tokens[MAX_TOKENS];
    size_t count;
    size_t stop_at;
    int stop_value;
} run_t;

/* The token callback: checks and copies TOKEN into the run_t at CTX.
 * Returns the run's stop value once it has STOP_AT tokens, else 0. */
static int collect(void *ctx, const ng_token_t *token)
{
    run_t *run = ctx;
    assert_non_null(token->text);
    assert_true(token->len > 0);
    assert_true(token->len <= NG_TOKEN_MAX_BYTES);
    assert_int_equal(strlen(token->text), token->len);
    assert_true(token->start < token->end);
    if (run->count < MAX_TOKENS) {
        token_copy_t *copy = &run->tokens[run->count];
        memcpy(copy->text, token->text, token->len + 1);
        copy->len = token->len;
        copy->start = token->start;
        copy->end = token->end;
        copy->position = token->position;
    }
    run->count++;
    if (run->stop_at && run->count == run->stop_at)
        return run->stop_value;
    return 0;
}

/* Tokenizes LEN bytes of TEXT from position 0 into a new run (caller frees)
 * and checks what every run must satisfy: offsets inside the input and in
 * order, positions consecutive. */
static run_t *tokenize(const char *text, size_t len)
{
    run_t *run = calloc(1, sizeof *run);
    unsigned next = 12345;
    assert_non_null(run);
    assert_int_equal(ng_tokenize(text, len, 0, collect, run, &next), 0);
    for (size_t i = 0; i < run->count && i < MAX_TOKENS; i++) {
        assert_true(run->tokens[i].end <= len);
        if (i > 0)
            assert_true(run->tokens[i].start >= run->tokens[i - 1].end);
    }
    return run;
}

/* Asserts that TEXT splits into the NULL-terminated WORDS at positions 0, 1,
 * 2, ... */
static void check_words(const char *text, const char *const *words)
{
    run_t *run = tokenize(text, strlen(text));
    size_t n = 0;
    while (words[n])
        n++;
    if (run->count != n) {
        for (size_t i = 0; i < run->count && i < MAX_TOKENS; i++)
            print_message("  got '%s'\n", run->tokens[i].text);
        fail_msg("'%s': %zu words, expected %zu", text, run->count, n);
    }
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(run->tokens[i].text, words[i]);
        assert_int_equal(run->tokens[i].position, i);
    }
    free(run);
}

#define CHECK_WORDS(text, ...) \
    check_words((text), (const char *const[]){ __VA_ARGS__, NULL })
#define CHECK_NO_WORDS(text) \
    check_words((text), (const char *const[]){ NULL })

/* Asserts that the token's offsets slice out exactly SLICE from TEXT. */
static void assert_slice(const char *text, const token_copy_t *token,
                         const char *slice)
{
    assert_int_equal(token->end - token->start, strlen(slice));
    assert_memory_equal(text + token->start, slice, strlen(slice));
}

static void test_plain_words(void **state)
{
    (void)state;
    CHECK_WORDS("Rare Earths", "rare", "earths");
    CHECK_WORDS("rare-earth", "rare", "earth");
    CHECK_WORDS("snake_case words", "snake_case", "words");
    CHECK_WORDS("  leading and trailing  ", "leading", "and", "trailing");
}

static void test_hyphen_gives_consecutive_positions(void **state)
{
    (void)state;
    const char *text = "rare-earth";
    run_t *run = tokenize(text, strlen(text));
    assert_int_equal(run->count, 2);
    assert_int_equal(run->tokens[0].position, 0);
    assert_int_equal(run->tokens[1].position, 1);
    assert_slice(text, &run->tokens[0], "rare");
    assert_slice(text, &run->tokens[1], "earth");
    free(run);
}

static void test_apostrophes(void **state)
{
    (void)state;
    CHECK_WORDS("China\u2019s", "china's");
    CHECK_WORDS("China's", "china's");
    CHECK_WORDS("China\u201bs", "china's");
    /* Only between two word characters. */
    CHECK_WORDS("the players\u2019 union", "the", "players", "union");
    CHECK_WORDS("'quoted'", "quoted");
    CHECK_WORDS("rock 'n' roll", "rock", "n", "roll");
    /* One infix character at a time. */
    CHECK_WORDS("a''b", "a", "b");
}

static void test_acronyms(void **state)
{
    (void)state;
    CHECK_WORDS("U.S.", "us");
    CHECK_WORDS("U.S.-China", "us", "china");
    CHECK_WORDS("U.S.A", "usa");
    CHECK_WORDS("the U.S. and the U.K.", "the", "us", "and", "the", "uk");
    /* A single capital is no acronym, nor is a run followed by a letter. */
    CHECK_WORDS("A. Smith", "a", "smith");
    CHECK_WORDS("U.S.x", "u", "s", "x");
    CHECK_WORDS("u.s.", "u", "s");

    const char *text = "in the U.S. today";
    run_t *run = tokenize(text, strlen(text));
    assert_int_equal(run->count, 4);
    assert_slice(text, &run->tokens[2], "U.S");
    free(run);
}

static void test_accents_and_case(void **state)
{
    (void)state;
    CHECK_WORDS("Caf\u00e9", "cafe");
    CHECK_WORDS("cafe", "cafe");
    CHECK_WORDS("CAF\u00c9", "cafe");
    CHECK_WORDS("Cafe\u0301", "cafe");
    CHECK_WORDS("Stra\u00dfe", "strasse");
    CHECK_WORDS("\uff21\uff22\uff23", "abc");
    CHECK_WORDS("\ufb01sh", "fish");
    CHECK_WORDS("na\u00efve r\u00e9sum\u00e9", "naive", "resume");

    /* The decomposed accent belongs to the word's bytes. */
    const char *text = "Cafe\u0301 noir";
    run_t *run = tokenize(text, strlen(text));
    assert_int_equal(run->count, 2);
    assert_slice(text, &run->tokens[0], "Cafe\u0301");
    free(run);
}

static void test_numbers(void **state)
{
    (void)state;
    CHECK_WORDS("90-minute", "90", "minute");
    CHECK_WORDS("3.5%", "3.5");
    CHECK_WORDS("1,000", "1,000");
    CHECK_WORDS("$1,000,000.50.", "1,000,000.50");
    CHECK_WORDS("2024-05-01", "2024", "05", "01");
    /* Full stops and commas stay only between digits. */
    CHECK_WORDS("end.Next", "end", "next");
    CHECK_WORDS("1,a", "1", "a");
    CHECK_WORDS("a1.2b", "a1.2b");
}

static void test_ampersand(void **state)
{
    (void)state;
    CHECK_WORDS("AT&T", "at&t");
    CHECK_WORDS("M&S", "m&s");
    CHECK_WORDS("R & D", "r", "d");
    CHECK_WORDS("&amp;", "amp");
}

static void test_suffixes(void **state)
{
    (void)state;
    CHECK_WORDS("C++ and C#", "c++", "and", "c#");
    CHECK_WORDS("C++.", "c++");
    CHECK_WORDS("Disney+", "disney+");
    CHECK_WORDS("fish+chips", "fish", "chips");
    CHECK_WORDS("C+++", "c+++");
    /* Four or more are not a suffix. */
    CHECK_WORDS("C++++", "c");
    CHECK_WORDS("+1 #2", "1", "2");

    const char *text = "learn C++ now";
    run_t *run = tokenize(text, strlen(text));
    assert_int_equal(run->count, 3);
    assert_slice(text, &run->tokens[1], "C++");
    free(run);
}

static void test_offsets_cover_words(void **state)
{
    (void)state;
    const char *text = "\u00abAT&T\u00bb said: China\u2019s 3.5% rise, "
                       "CAF\u00c9\tU.S.-led C#\n\u00fcber";
    const char *slices[] = { "AT&T", "said", "China\u2019s", "3.5", "rise",
                             "CAF\u00c9", "U.S", "led", "C#",
                             "\u00fcber" };
    const char *words[] = { "at&t", "said", "china's", "3.5", "rise",
                            "cafe", "us", "led", "c#", "uber" };
    run_t *run = tokenize(text, strlen(text));
    assert_int_equal(run->count, 10);
    for (size_t i = 0; i < 10; i++) {
        assert_string_equal(run->tokens[i].text, words[i]);
        assert_slice(text, &run->tokens[i], slices[i]);
    }
    free(run);
}

static void test_first_and_next_position(void **state)
{
    (void)state;
    run_t run;
    unsigned next = 0;
    memset(&run, 0, sizeof run);
    assert_int_equal(ng_tokenize("one two three", 13, 100, collect, &run,
                                 &next),
                     0);
    assert_int_equal(run.count, 3);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(run.tokens[i].position, 100 + i);
    assert_int_equal(next, 103);

    /* NEXT_POSITION may be NULL. */
    memset(&run, 0, sizeof run);
    assert_int_equal(ng_tokenize("x", 1, 0, collect, &run, NULL), 0);
    assert_int_equal(run.count, 1);
}

static void test_stop_early(void **state)
{
    (void)state;
    run_t run;
    unsigned next = 0;
    memset(&run, 0, sizeof run);
    run.stop_at = 2;
    run.stop_value = 7;
    assert_int_equal(ng_tokenize("alpha beta gamma delta", 22, 5, collect,
                                 &run, &next),
                     7);
    assert_int_equal(run.count, 2);
    assert_string_equal(run.tokens[1].text, "beta");
    /* One past the last position used: beta's. */
    assert_int_equal(next, 7);
}

static void test_empty_and_punctuation(void **state)
{
    (void)state;
    run_t run;
    unsigned next = 0;
    memset(&run, 0, sizeof run);
    assert_int_equal(ng_tokenize("", 0, 3, collect, &run, &next), 0);
    assert_int_equal(run.count, 0);
    assert_int_equal(next, 3);
    assert_int_equal(ng_tokenize(NULL, 0, 0, collect, &run, &next), 0);
    assert_int_equal(run.count, 0);

    CHECK_NO_WORDS("!!! ... ---");
    CHECK_NO_WORDS("' & + # . , ; \u2019 \u2014 \u00a9 \u20ac");
    CHECK_NO_WORDS(" \t\r\n");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    CHECK_WORDS("ab\xff\xfe" "cd", "ab", "cd");
    /* Lone continuation bytes. */
    CHECK_WORDS("ab\x80\xbf" "cd", "ab", "cd");
    /* A sequence cut short, in the middle and at the end. */
    CHECK_WORDS("ab\xe2\x82" "cd", "ab", "cd");
    CHECK_WORDS("caf\xc3", "caf");
    CHECK_WORDS("ab\xf0\x9f\x98", "ab");
    /* Overlong forms and surrogates are invalid too. */
    CHECK_WORDS("a\xc0\xafz", "a", "z");
    CHECK_WORDS("a\xed\xa0\x80z", "a", "z");
    /* An invalid byte is no apostrophe. */
    CHECK_WORDS("a\xff'b", "a", "b");
    CHECK_NO_WORDS("\xff\xfe\xfd");

    /* Offsets still slice the valid bytes exactly. */
    const char *text = "\xff" "ab\xfe";
    run_t *run = tokenize(text, strlen(text));
    assert_int_equal(run->count, 1);
    assert_slice(text, &run->tokens[0], "ab");
    free(run);
}

static void test_nul_bytes(void **state)
{
    (void)state;
    const char text[] = "ab\0cd\0\0ef";
    run_t *run = tokenize(text, sizeof text - 1);
    assert_int_equal(run->count, 3);
    assert_string_equal(run->tokens[0].text, "ab");
    assert_string_equal(run->tokens[1].text, "cd");
    assert_string_equal(run->tokens[2].text, "ef");
    assert_int_equal(run->tokens[2].start, 7);
    assert_int_equal(run->tokens[2].end, 9);
    free(run);
}

static void test_long_words(void **state)
{
    (void)state;
    /* A word of exactly NG_TOKEN_MAX_BYTES is reported... */
    char text[NG_TOKEN_MAX_BYTES + 16];
    memset(text, 'x', NG_TOKEN_MAX_BYTES);
    strcpy(text + NG_TOKEN_MAX_BYTES, " y");
    run_t *run = tokenize(text, strlen(text));
    assert_int_equal(run->count, 2);
    assert_int_equal(run->tokens[0].len, NG_TOKEN_MAX_BYTES);
    free(run);

    /* ... one byte more is not, but takes its position. */
    memset(text, 'x', NG_TOKEN_MAX_BYTES + 1);
    strcpy(text + NG_TOKEN_MAX_BYTES + 1, " y");
    run = tokenize(text, strlen(text));
    assert_int_equal(run->count, 1);
    assert_string_equal(run->tokens[0].text, "y");
    assert_int_equal(run->tokens[0].position, 1);
    free(run);

    /* Normalisation decides the length: 40 "ß" are 80 bytes, as written
     * and as "ss". */
    char sharp[128] = "";
    for (int i = 0; i < 40; i++)
        strcat(sharp, "\u00df");
    run = tokenize(sharp, strlen(sharp));
    assert_int_equal(run->count, 0);
    free(run);

    size_t n = 10000;
    char *big = malloc(n + 16);
    assert_non_null(big);
    memset(big, 'q', n);
    strcpy(big + n, " next");
    unsigned next = 0;
    run_t *r = calloc(1, sizeof *r);
    assert_non_null(r);
    assert_int_equal(ng_tokenize(big, strlen(big), 0, collect, r, &next), 0);
    assert_int_equal(r->count, 1);
    assert_string_equal(r->tokens[0].text, "next");
    assert_int_equal(r->tokens[0].position, 1);
    assert_int_equal(r->tokens[0].start, n + 1);
    assert_int_equal(next, 2);
    free(r);
    free(big);
}

/* Fills a buffer of LEN bytes by repeating PATTERN, then tokenizes it. */
static run_t *tokenize_repeated(const char *pattern, size_t len)
{
    size_t plen = strlen(pattern);
    char *text = malloc(len);
    assert_non_null(text);
    for (size_t i = 0; i < len; i++)
        text[i] = pattern[i % plen];
    run_t *run = tokenize(text, len);
    free(text);
    return run;
}

static void test_huge_inputs(void **state)
{
    (void)state;
    const size_t five_mb = 5u << 20;
    /* One word of five million letters: nothing to report, and it must
     * not take quadratic time or unbounded memory. */
    run_t *run = tokenize_repeated("a", five_mb);
    assert_int_equal(run->count, 0);
    free(run);

    /* Capitals and full stops, a would-be acronym that fails only at the
     * very end, must not be rescanned from every capital. */
    size_t len = five_mb - 1;
    char *text = malloc(len + 1);
    assert_non_null(text);
    for (size_t i = 0; i < len; i++)
        text[i] = (i % 2) ? '.' : 'A';
    text[len - 1] = 'x';
    run = tokenize(text, len);
    /* So every capital is a word of its own, and so is the "x". */
    assert_int_equal(run->count, (len - 1) / 2 + 1);
    assert_string_equal(run->tokens[0].text, "a");
    assert_int_equal(run->tokens[1].position, 1);
    free(run);
    free(text);

    /* Digits and commas, combining marks, and apostrophes. */
    run = tokenize_repeated("1,", five_mb);
    assert_int_equal(run->count, 0);
    free(run);
    run = tokenize_repeated("\u0301", five_mb);
    assert_int_equal(run->count, 0);
    free(run);
    run = tokenize_repeated("a'", five_mb);
    assert_int_equal(run->count, 0);
    free(run);
}

static void test_scripts(void **state)
{
    (void)state;
    CHECK_WORDS("\u0391\u0398\u0397\u039d\u0391", "\u03b1\u03b8\u03b7\u03bd\u03b1");
    CHECK_WORDS("\u0391\u0398\u0389\u039d\u0391", "\u03b1\u03b8\u03b7\u03bd\u03b1");
    CHECK_WORDS("\u041c\u041e\u0421\u041a\u0412\u0410 \u0438 \u041a\u0438\u0435\u0432",
                "\u043c\u043e\u0441\u043a\u0432\u0430", "\u0438",
                "\u043a\u0438\u0435\u0432");
    CHECK_WORDS("\u5317\u4eac\u3001\u4e0a\u6d77", "\u5317\u4eac",
                "\u4e0a\u6d77");
    CHECK_WORDS("\u0645\u0635\u0631 \u0661\u0662.\u0665",
                "\u0645\u0635\u0631", "\u0661\u0662.\u0665");
}

static void test_whitespace(void **state)
{
    (void)state;
    CHECK_WORDS("one\ttwo\nthree\r\nfour\u00a0five\u2003six", "one", "two",
                "three", "four", "five", "six");
}

static void test_marks_and_emoji(void **state)
{
    (void)state;
    /* A combining mark does not start a word of its own. */
    const char *text = "I \u2764\ufe0f NY";
    run_t *run = tokenize(text, strlen(text));
    assert_int_equal(run->count, 2);
    assert_string_equal(run->tokens[0].text, "i");
    assert_string_equal(run->tokens[1].text, "ny");
    assert_int_equal(run->tokens[1].position, 1);
    free(run);

    CHECK_WORDS("\u0301abc", "abc");
    CHECK_WORDS("x \u0301\u0308 y", "x", "y");
    /* Marks do not hide what surrounds them. */
    CHECK_WORDS("l\u2019\u0301a", "l'a");
    CHECK_WORDS("C\u0327++", "c++");
}

static void test_zero_width(void **state)
{
    (void)state;
    /* Zero-width characters vanish inside a word and separate otherwise. */
    CHECK_WORDS("don\u200bt", "dont");
    CHECK_WORDS("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
                "\u0645\u06cc\u062e\u0648\u0627\u0647\u0645");
    CHECK_WORDS("a\u200b b", "a", "b");
}

static void test_compatibility_forms(void **state)
{
    (void)state;
    CHECK_WORDS("\u00bd", "1\u20442");
    CHECK_WORDS("x\u00b2", "x2");
    /* "(1)": what is not a word character in the normalised form goes,
     * and one word of the input stays one word. */
    CHECK_WORDS("\u2474", "1");
    CHECK_WORDS("\u2488", "1");
    CHECK_WORDS("\ufdfa",
                "\u0635\u0644\u0649\u0627\u0644\u0644\u0647\u0639\u0644"
                "\u064a\u0647\u0648\u0633\u0644\u0645");
    const char *text = "see \u2474 here";
    run_t *run = tokenize(text, strlen(text));
    assert_int_equal(run->count, 3);
    assert_slice(text, &run->tokens[1], "\u2474");
    assert_int_equal(run->tokens[2].position, 2);
    free(run);
}

static void test_normalize(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "Caf\u00e9", "cafe" },
        { "CAF\u00c9", "cafe" },
        { "Cafe\u0301", "cafe" },
        { "Stra\u00dfe", "strasse" },
        { "\uff21\uff22\uff23", "abc" },
        { "\ufb01", "fi" },
        { "China\u2019s", "china's" },
        { "\u0391\u0398\u0397\u039d\u0391", "\u03b1\u03b8\u03b7\u03bd\u03b1" },
        { "AT&T", "at&t" },
        { "", "" },
        { "ab\xff" "cd", "abcd" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *n = ng_normalize(cases[i].in, strlen(cases[i].in));
        assert_non_null(n);
        assert_string_equal(n, cases[i].out);
        free(n);
    }

    /* Only LEN bytes are read. */
    char *n = ng_normalize("ABCDEF", 3);
    assert_non_null(n);
    assert_string_equal(n, "abc");
    free(n);

    /* The same as utf8proc's own normalisation of the whole string. */
    const char *mixed = "\u00c9l\u00e8ve \uff33\uff34\uff32\uff21\u00dfE "
                        "\u2460 \u00bd \ufdfa \u0130stanbul \u1e9e "
                        "\u03a3\u039f\u03a6\u039f\u03a3";
    utf8proc_uint8_t *expected = NULL;
    utf8proc_ssize_t len = utf8proc_map(
        (const utf8proc_uint8_t *)mixed, 0, &expected,
        (utf8proc_option_t)(UTF8PROC_NULLTERM | UTF8PROC_COMPAT |
                            UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                            UTF8PROC_CASEFOLD | UTF8PROC_STABLE));
    assert_true(len > 0);
    n = ng_normalize(mixed, strlen(mixed));
    assert_non_null(n);
    assert_string_equal(n, (const char *)expected);
    free(n);
    free(expected);
}

/* Every word reported is what ng_normalize() makes of its slice. */
static void test_words_are_normalized_slices(void **state)
{
    (void)state;
    const char *text =
        "The QUICK Brown fox J\u00fcmps over the LAZY d\u00f6g; "
        "Zw\u00f6lf Boxk\u00e4mpfer jagen Viktor quer \u00fcber den "
        "gro\u00dfen Sylter Deich.  \u00c9tienne's C\u0152UR "
        "a 1,234.5 F\u00eaTE! \u039e\u03b5\u03c3\u03ba\u03b5\u03c0\u03ac"
        "\u03b6\u03c9 \u03c4\u1f74\u03bd \u03a8\u03a5\u03a7\u039f\u03a6"
        "\u0398\u039f\u03a1\u0391, \u0421\u044a\u0435\u0448\u044c "
        "\u0436\u0435 \u0435\u0449\u0451 \u042d\u0422\u0418\u0425 "
        "\uff26\uff55\uff4c\uff4c\uff57\uff49\uff44\uff54\uff48 "
        "o\ufb03ce AT&T's";
    run_t *run = tokenize(text, strlen(text));
    assert_true(run->count > 30);
    assert_true(run->count <= MAX_TOKENS);
    for (size_t i = 0; i < run->count; i++) {
        const token_copy_t *t = &run->tokens[i];
        char *n = ng_normalize(text + t->start, t->end - t->start);
        assert_non_null(n);
        assert_string_equal(n, t->text);
        assert_int_equal(t->position, i);
        free(n);
    }
    free(run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_words),
        cmocka_unit_test(test_hyphen_gives_consecutive_positions),
        cmocka_unit_test(test_apostrophes),
        cmocka_unit_test(test_acronyms),
        cmocka_unit_test(test_accents_and_case),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_ampersand),
        cmocka_unit_test(test_suffixes),
        cmocka_unit_test(test_offsets_cover_words),
        cmocka_unit_test(test_first_and_next_position),
        cmocka_unit_test(test_stop_early),
        cmocka_unit_test(test_empty_and_punctuation),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_long_words),
        cmocka_unit_test(test_huge_inputs),
        cmocka_unit_test(test_scripts),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_marks_and_emoji),
        cmocka_unit_test(test_zero_width),
        cmocka_unit_test(test_compatibility_forms),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_words_are_normalized_slices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
