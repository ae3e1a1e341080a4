/*
 * test_story.c: the plain-text story format as ng_story_parse() and
 * ng_story_read_file() read it (see indexer/story.h).
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "story.h"

/* 2021-03-04T10:00:00Z */
#define MTIME_2021_03_04 ((time_t)1614852000)

/* Parses LEN bytes of TEXT from a copy without a terminating NUL, so that
 * reading past the end shows up under a sanitizer, and fails the test unless
 * the story parses. */
static ng_story_t *parse_len(const char *text, size_t len, time_t mtime)
{
    char *copy = malloc(len ? len : 1);
    ng_story_t *story = NULL;
    char *error = NULL;
    ng_status_t status;

    assert_non_null(copy);
    memcpy(copy, text, len);
    status = ng_story_parse(copy, len, mtime, &story, &error);
    free(copy);
    if (status != NG_OK)
        fail_msg("parse failed: %s: %s", ng_status_to_string(status),
                 error ? error : "(no reason)");
    assert_null(error);
    assert_non_null(story);
    assert_non_null(story->title);
    return story;
}

static ng_story_t *parse(const char *text, time_t mtime)
{
    return parse_len(text, strlen(text), mtime);
}

static void assert_paragraphs(const ng_story_t *story, size_t n, ...)
{
    va_list ap;

    assert_int_equal(story->n_paragraphs, n);
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        assert_string_equal(story->paragraphs[i].text, want);
        assert_int_equal(story->paragraphs[i].len, strlen(want));
    }
    va_end(ap);
}

/* Checks that TEXT of LEN bytes is refused as having no headline. */
static void assert_no_headline(const char *text, size_t len)
{
    ng_story_t *story = (ng_story_t *)1;
    char *error = NULL;

    assert_int_equal(ng_story_parse(text, len, MTIME_2021_03_04, &story,
                                    &error), NG_BAD_INPUT);
    assert_null(story);
    assert_non_null(error);
    assert_string_equal(error, "no headline");
    free(error);

    /* A NULL ERROR is allowed. */
    assert_int_equal(ng_story_parse(text, len, MTIME_2021_03_04, &story,
                                    NULL), NG_BAD_INPUT);
    assert_null(story);
}

/* ------------------------------------------------------------ structure */

static void test_headline_and_paragraphs(void **state)
{
    (void)state;
    ng_story_t *s = parse("Markets rally\n\nStocks rose.\n\nBonds fell.\n",
                          (time_t)-1);
    assert_string_equal(s->title, "Markets rally");
    assert_null(s->date);
    assert_null(s->source);
    assert_int_equal(s->repaired, 0);
    assert_paragraphs(s, 2, "Stocks rose.", "Bonds fell.");
    ng_story_free(s);
}

static void test_headline_is_first_nonblank_line(void **state)
{
    (void)state;
    /* Leading blank lines are skipped, the headline is trimmed and its
     * white space collapsed, and the next line starts the body even without
     * a blank line between them. */
    ng_story_t *s = parse("\n  \n\t  Big   news \t today  \nThe body.\n",
                          (time_t)-1);
    assert_string_equal(s->title, "Big news today");
    assert_paragraphs(s, 1, "The body.");
    ng_story_free(s);
}

static void test_headline_only(void **state)
{
    (void)state;
    ng_story_t *s = parse("Just a headline\n\n\n", (time_t)-1);
    assert_string_equal(s->title, "Just a headline");
    assert_int_equal(s->n_paragraphs, 0);
    ng_story_free(s);

    s = parse("Just a headline", (time_t)-1);
    assert_string_equal(s->title, "Just a headline");
    assert_int_equal(s->n_paragraphs, 0);
    ng_story_free(s);

    /* With a Date and a Source line, still no paragraphs. */
    s = parse("Headline\n\nDate: 2025-06-05\n\nSource: https://example.com/x\n",
              (time_t)-1);
    assert_string_equal(s->title, "Headline");
    assert_string_equal(s->date, "2025-06-05");
    assert_string_equal(s->source, "https://example.com/x");
    assert_int_equal(s->n_paragraphs, 0);
    ng_story_free(s);
}

static void test_blank_and_whitespace_lines(void **state)
{
    (void)state;
    ng_story_t *s = parse("H\n\n\n  \t \n\nOne\n \n\t\n\n\nTwo\n   \nThree\n\n\n",
                          (time_t)-1);
    assert_paragraphs(s, 3, "One", "Two", "Three");
    ng_story_free(s);
}

static void test_hard_wrapped_paragraph(void **state)
{
    (void)state;
    ng_story_t *s = parse("H\n\nThis is   a\n   hard-wrapped\t\tparagraph \n"
                          "of text.\n\n  Next  one.  \n", (time_t)-1);
    assert_paragraphs(s, 2, "This is a hard-wrapped paragraph of text.",
                      "Next one.");
    assert_int_equal(s->repaired, 0);
    ng_story_free(s);
}

static void test_unicode_white_space(void **state)
{
    (void)state;
    /* No-break and em spaces are white space: a line of them is blank, and
     * runs of them collapse to one space. */
    ng_story_t *s = parse("H\n\nA\xC2\xA0\xC2\xA0" "B\n\xC2\xA0\n"
                          "\xE2\x80\x83" "C\xE2\x80\x83\n", (time_t)-1);
    assert_paragraphs(s, 2, "A B", "C");
    assert_int_equal(s->repaired, 0);
    ng_story_free(s);
}

static void test_empty_and_blank_input(void **state)
{
    (void)state;
    assert_no_headline("", 0);
    assert_no_headline("\n\n\n", 3);
    assert_no_headline("  \t \r\n \n\t\n", 9);
    assert_no_headline("\xEF\xBB\xBF\n", 4);
    /* NUL bytes become spaces, so a file of them is blank too. */
    assert_no_headline("\0\0\n\0", 4);
}

/* ------------------------------------------------------------ the date */

static void test_date_line(void **state)
{
    (void)state;
    /* The Date line wins over the mtime. */
    ng_story_t *s = parse("H\n\nDate: 2025-06-05\n\nBody\n", MTIME_2021_03_04);
    assert_string_equal(s->date, "2025-06-05");
    assert_paragraphs(s, 1, "Body");
    ng_story_free(s);

    /* Right after the headline, any case, no space, a leap day. */
    s = parse("H\ndate:2024-02-29  \nBody\n", (time_t)-1);
    assert_string_equal(s->date, "2024-02-29");
    assert_paragraphs(s, 1, "Body");
    ng_story_free(s);

    /* The Date line wins over a date in the source URL. */
    s = parse("H\n\nDATE: 2020-01-31\n\nBody\n\n"
              "Source: https://example.com/2025/06/05/story\n", (time_t)-1);
    assert_string_equal(s->date, "2020-01-31");
    ng_story_free(s);
}

static void test_date_line_invalid(void **state)
{
    (void)state;
    /* A Date line that names no real date is an ordinary paragraph, and the
     * date comes from elsewhere (here, nowhere). */
    ng_story_t *s = parse("H\n\nDate: 2025-13-45\n\nBody\n", (time_t)-1);
    assert_null(s->date);
    assert_paragraphs(s, 2, "Date: 2025-13-45", "Body");
    ng_story_free(s);

    s = parse("H\n\nDate: 2023-02-29\n\nBody\n", MTIME_2021_03_04);
    assert_string_equal(s->date, "2021-03-04");
    assert_paragraphs(s, 2, "Date: 2023-02-29", "Body");
    ng_story_free(s);

    s = parse("H\n\nDate: 2025-06-05 at noon\n", (time_t)-1);
    assert_null(s->date);
    assert_paragraphs(s, 1, "Date: 2025-06-05 at noon");
    ng_story_free(s);

    s = parse("H\n\nDate: 2025-6-5\n", (time_t)-1);
    assert_null(s->date);
    assert_paragraphs(s, 1, "Date: 2025-6-5");
    ng_story_free(s);
}

static void test_date_line_only_after_headline(void **state)
{
    (void)state;
    ng_story_t *s = parse("H\n\nBody\n\nDate: 2025-06-05\n", (time_t)-1);
    assert_null(s->date);
    assert_paragraphs(s, 2, "Body", "Date: 2025-06-05");
    ng_story_free(s);
}

static void test_date_from_url(void **state)
{
    (void)state;
    ng_story_t *s = parse("H\n\nBody\n\nSource: https://example.com/news/"
                          "2025/06/05/trade-talks/\n", MTIME_2021_03_04);
    assert_string_equal(s->date, "2025-06-05");
    ng_story_free(s);

    s = parse("H\n\nBody\n\nSource: https://example.com/2025-06-05/talks\n",
              MTIME_2021_03_04);
    assert_string_equal(s->date, "2025-06-05");
    ng_story_free(s);

    /* Not a real date: the mtime is used. */
    s = parse("H\n\nBody\n\nSource: https://example.com/2025/13/05/talks\n",
              MTIME_2021_03_04);
    assert_string_equal(s->date, "2021-03-04");
    ng_story_free(s);

    /* The separators must agree. */
    s = parse("H\n\nBody\n\nSource: https://example.com/2025/06-05/talks\n",
              (time_t)-1);
    assert_null(s->date);
    ng_story_free(s);

    /* The date must fill the path segment. */
    s = parse("H\n\nSource: https://example.com/2025/06/0512/talks\n",
              (time_t)-1);
    assert_null(s->date);
    ng_story_free(s);

    /* A later real date is found after an earlier false one. */
    s = parse("H\n\nSource: https://example.com/1234/99/99/2019/12/31/x\n",
              (time_t)-1);
    assert_string_equal(s->date, "2019-12-31");
    ng_story_free(s);
}

static void test_date_from_mtime(void **state)
{
    (void)state;
    ng_story_t *s = parse("H\n\nBody\n", MTIME_2021_03_04);
    assert_string_equal(s->date, "2021-03-04");
    ng_story_free(s);

    s = parse("H\n\nBody\n\nSource: https://example.com/story\n",
              MTIME_2021_03_04);
    assert_string_equal(s->date, "2021-03-04");
    ng_story_free(s);
}

static void test_date_from_mtime_is_utc(void **state)
{
    (void)state;
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;
    ng_story_t *s;

    /* 2021-03-04T23:30Z is already 2021-03-05 at UTC+14. */
    setenv("TZ", "XXX-14", 1);
    tzset();
    s = parse("H\n", (time_t)1614900600);
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
    assert_string_equal(s->date, "2021-03-04");
    ng_story_free(s);
}

static void test_date_unknown(void **state)
{
    (void)state;
    ng_story_t *s = parse("H\n\nBody\n\nSource: https://example.com/story\n",
                          (time_t)-1);
    assert_null(s->date);
    ng_story_free(s);
}

/* ------------------------------------------------------------ the source */

static void test_source_own_paragraph(void **state)
{
    (void)state;
    ng_story_t *s = parse("H\n\nBody one.\n\nBody two.\n\n"
                          "Source: https://example.com/a?b=c#d\n", (time_t)-1);
    assert_string_equal(s->source, "https://example.com/a?b=c#d");
    assert_paragraphs(s, 2, "Body one.", "Body two.");
    ng_story_free(s);
}

static void test_source_last_line_of_paragraph(void **state)
{
    (void)state;
    ng_story_t *s = parse("H\n\nBody one.\n\nBody two,\nwrapped.\n"
                          "Source: https://example.com/a", (time_t)-1);
    assert_string_equal(s->source, "https://example.com/a");
    assert_paragraphs(s, 2, "Body one.", "Body two, wrapped.");
    ng_story_free(s);
}

static void test_source_case_and_space(void **state)
{
    (void)state;
    ng_story_t *s = parse("H\n\nBody\n\n  SOURCE:   https://example.com/a  \n"
                          "\n \n", (time_t)-1);
    assert_string_equal(s->source, "https://example.com/a");
    assert_paragraphs(s, 1, "Body");
    ng_story_free(s);

    s = parse("H\n\nBody\nsource:https://example.com/b", (time_t)-1);
    assert_string_equal(s->source, "https://example.com/b");
    assert_paragraphs(s, 1, "Body");
    ng_story_free(s);
}

static void test_no_source(void **state)
{
    (void)state;
    ng_story_t *s = parse("H\n\nBody\n", (time_t)-1);
    assert_null(s->source);
    ng_story_free(s);

    /* Only the last line can be the Source line. */
    s = parse("H\n\nSource: https://example.com/a\n\nBody\n", (time_t)-1);
    assert_null(s->source);
    assert_paragraphs(s, 2, "Source: https://example.com/a", "Body");
    ng_story_free(s);

    /* A label with nothing after it is text. */
    s = parse("H\n\nBody\n\nSource:  \n", (time_t)-1);
    assert_null(s->source);
    assert_paragraphs(s, 2, "Body", "Source:");
    ng_story_free(s);

    /* The headline is never the Source line. */
    s = parse("Source: https://example.com/a\n", (time_t)-1);
    assert_string_equal(s->title, "Source: https://example.com/a");
    assert_null(s->source);
    ng_story_free(s);
}

/* ------------------------------------------------------------ encodings */

static void test_crlf(void **state)
{
    (void)state;
    ng_story_t *s = parse("Headline\r\n\r\nDate: 2025-06-05\r\n\r\n"
                          "line one\r\nline two\r\n\r\n \r\n"
                          "Source: https://example.com/x\r\n", (time_t)-1);
    assert_string_equal(s->title, "Headline");
    assert_string_equal(s->date, "2025-06-05");
    assert_string_equal(s->source, "https://example.com/x");
    assert_paragraphs(s, 1, "line one line two");
    assert_int_equal(s->repaired, 0);
    ng_story_free(s);

    /* A lone CR ends a line too. */
    s = parse("Headline\r\rOne\rstill one\r\rTwo\r", (time_t)-1);
    assert_string_equal(s->title, "Headline");
    assert_paragraphs(s, 2, "One still one", "Two");
    assert_int_equal(s->repaired, 0);
    ng_story_free(s);
}

static void test_bom(void **state)
{
    (void)state;
    ng_story_t *s = parse("\xEF\xBB\xBFHeadline\n\nBody\n", (time_t)-1);
    assert_string_equal(s->title, "Headline");
    assert_paragraphs(s, 1, "Body");
    assert_int_equal(s->repaired, 0);
    ng_story_free(s);
}

static void test_latin1(void **state)
{
    (void)state;
    ng_story_t *s = parse("caf\xE9\n\nLe caf\xE9 co\xFBte 3\x80.\n"
                          "\x93Quoted\x94 \x81 end\n", (time_t)-1);
    assert_string_equal(s->title, "caf\xC3\xA9");
    assert_paragraphs(s, 1, "Le caf\xC3\xA9 co\xC3\xBBte 3\xE2\x82\xAC. "
                      "\xE2\x80\x9CQuoted\xE2\x80\x9D \xEF\xBF\xBD end");
    assert_int_equal(s->repaired, 1);
    ng_story_free(s);
}

static void test_mostly_utf8_with_bad_byte(void **state)
{
    (void)state;
    ng_story_t *s = parse("Caf\xC3\xA9 \xE2\x80\x9Cnews\xE2\x80\x9D\n\n"
                          "na\xEFve r\xC3\xA9sum\xC3\xA9\n", (time_t)-1);
    assert_string_equal(s->title, "Caf\xC3\xA9 \xE2\x80\x9Cnews\xE2\x80\x9D");
    assert_paragraphs(s, 1, "na\xEF\xBF\xBDve r\xC3\xA9sum\xC3\xA9");
    assert_int_equal(s->repaired, 1);
    ng_story_free(s);
}

static void test_each_invalid_byte_replaced(void **state)
{
    (void)state;
    /* An overlong "/", a UTF-16 surrogate and a sequence cut short by the end
     * of the text: one U+FFFD per byte. */
    ng_story_t *s = parse("\xE2\x80\x9CH\xE2\x80\x9D \xC3\xA9\xC3\xA9\xC3\xA9"
                          "\xC3\xA9\xC3\xA9\xC3\xA9\n\n"
                          "a\xC0\xAF" "b \xED\xA0\x80 c\xE2\x80", (time_t)-1);
    assert_paragraphs(s, 1, "a\xEF\xBF\xBD\xEF\xBF\xBD" "b "
                      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
                      "c\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_int_equal(s->repaired, 1);
    ng_story_free(s);
}

static void test_nul_and_control_characters(void **state)
{
    (void)state;
    static const char text[] = "Head\0line\n\nA\0B\x01" "C\x7F" "D\xC2\x85"
                               "E\tF\x1B\n";
    ng_story_t *s = parse_len(text, sizeof text - 1, (time_t)-1);
    assert_string_equal(s->title, "Head line");
    assert_paragraphs(s, 1, "A B C D E F");
    assert_int_equal(s->repaired, 1);
    ng_story_free(s);
}

/* ------------------------------------------------------------ files */

/* A fresh temporary folder (caller frees the path). */
static char *make_tempdir(void)
{
    const char *base = getenv("TMPDIR");
    size_t size;
    char *path;

    if (!base || !*base)
        base = "/tmp";
    size = strlen(base) + sizeof "/test_story.XXXXXX";
    path = malloc(size);
    assert_non_null(path);
    snprintf(path, size, "%s/test_story.XXXXXX", base);
    if (!mkdtemp(path))
        fail_msg("cannot create a temporary folder: %s", strerror(errno));
    return path;
}

/* DIR/NAME in a new string (caller frees). */
static char *join(const char *dir, const char *name)
{
    size_t size = strlen(dir) + strlen(name) + 2;
    char *path = malloc(size);
    assert_non_null(path);
    snprintf(path, size, "%s/%s", dir, name);
    return path;
}

static void test_read_file(void **state)
{
    (void)state;
    char *dir = make_tempdir(), *path = join(dir, "story.txt"), *error = NULL;
    static const char text[] = "Headline\n\nBody one.\n\nBody two.\n";
    struct timespec times[2] = { { MTIME_2021_03_04, 0 },
                                 { MTIME_2021_03_04, 0 } };
    ng_story_t *story = NULL;
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, sizeof text - 1, f), sizeof text - 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);

    assert_int_equal(ng_story_read_file(path, &story, &error), NG_OK);
    assert_null(error);
    assert_string_equal(story->title, "Headline");
    assert_string_equal(story->date, "2021-03-04");
    assert_paragraphs(story, 2, "Body one.", "Body two.");
    ng_story_free(story);

    unlink(path);
    rmdir(dir);
    free(path);
    free(dir);
}

static void test_read_file_empty(void **state)
{
    (void)state;
    char *dir = make_tempdir(), *path = join(dir, "empty.txt"), *error = NULL;
    ng_story_t *story = NULL;
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(ng_story_read_file(path, &story, &error), NG_BAD_INPUT);
    assert_null(story);
    assert_string_equal(error, "no headline");
    free(error);

    unlink(path);
    rmdir(dir);
    free(path);
    free(dir);
}

static void test_read_file_missing(void **state)
{
    (void)state;
    char *dir = make_tempdir(), *path = join(dir, "missing.txt"), *error = NULL;
    char want[128];
    ng_story_t *story = (ng_story_t *)1;

    snprintf(want, sizeof want, "cannot open: %s", strerror(ENOENT));
    assert_int_equal(ng_story_read_file(path, &story, &error), NG_IO_ERROR);
    assert_null(story);
    assert_non_null(error);
    assert_string_equal(error, want);
    free(error);

    /* A NULL ERROR is allowed. */
    assert_int_equal(ng_story_read_file(path, &story, NULL), NG_IO_ERROR);

    rmdir(dir);
    free(path);
    free(dir);
}

static void test_read_file_folder(void **state)
{
    (void)state;
    char *dir = make_tempdir(), *error = NULL;
    ng_story_t *story = (ng_story_t *)1;

    assert_int_equal(ng_story_read_file(dir, &story, &error), NG_IO_ERROR);
    assert_null(story);
    assert_string_equal(error, "not a regular file");
    free(error);

    rmdir(dir);
    free(dir);
}

static void test_read_file_fifo(void **state)
{
    (void)state;
    /* A FIFO without a writer must be refused, not waited on. */
    char *dir = make_tempdir(), *path = join(dir, "fifo"), *error = NULL;
    ng_story_t *story = (ng_story_t *)1;

    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(ng_story_read_file(path, &story, &error), NG_IO_ERROR);
    assert_null(story);
    assert_string_equal(error, "not a regular file");
    free(error);

    unlink(path);
    rmdir(dir);
    free(path);
    free(dir);
}

/* ------------------------------------------------------------ the corpus */

static void test_corpus_founding_story(void **state)
{
    (void)state;
    const char *corpus = getenv("NEWSGREP_TEST_CORPUS");
    ng_story_t *story = NULL;
    char *path, *error = NULL;

    if (!corpus || !*corpus) {
        skip();
        return;
    }
    path = join(corpus, "2025-06-05-trump-xi-call.txt");
    if (ng_story_read_file(path, &story, &error) != NG_OK)
        fail_msg("cannot read '%s': %s", path, error ? error : "?");
    free(path);

    assert_string_equal(story->title,
        "Trump Says He Spoke To Xi For 90 Minutes Thursday In Trade-Focused "
        "Call\xE2\x80\x93Though Outcome Is Unclear");
    /* No Date line: the date comes from the source URL. */
    assert_string_equal(story->date, "2025-06-05");
    assert_string_equal(story->source,
        "https://www.forbes.com/sites/saradorn/2025/06/05/"
        "trump-and-xi-jinping-hold-highly-anticipated-call-china-says/");
    /* "Topline", its paragraph, "Key Facts" and seven paragraphs. */
    assert_int_equal(story->n_paragraphs, 10);
    assert_string_equal(story->paragraphs[0].text, "Topline");
    assert_string_equal(story->paragraphs[2].text, "Key Facts");
    assert_string_equal(story->paragraphs[9].text,
                        "This is a developing story and will be udpated.");
    assert_int_equal(story->repaired, 0);
    ng_story_free(story);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headline_and_paragraphs),
        cmocka_unit_test(test_headline_is_first_nonblank_line),
        cmocka_unit_test(test_headline_only),
        cmocka_unit_test(test_blank_and_whitespace_lines),
        cmocka_unit_test(test_hard_wrapped_paragraph),
        cmocka_unit_test(test_unicode_white_space),
        cmocka_unit_test(test_empty_and_blank_input),
        cmocka_unit_test(test_date_line),
        cmocka_unit_test(test_date_line_invalid),
        cmocka_unit_test(test_date_line_only_after_headline),
        cmocka_unit_test(test_date_from_url),
        cmocka_unit_test(test_date_from_mtime),
        cmocka_unit_test(test_date_from_mtime_is_utc),
        cmocka_unit_test(test_date_unknown),
        cmocka_unit_test(test_source_own_paragraph),
        cmocka_unit_test(test_source_last_line_of_paragraph),
        cmocka_unit_test(test_source_case_and_space),
        cmocka_unit_test(test_no_source),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_latin1),
        cmocka_unit_test(test_mostly_utf8_with_bad_byte),
        cmocka_unit_test(test_each_invalid_byte_replaced),
        cmocka_unit_test(test_nul_and_control_characters),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_read_file_empty),
        cmocka_unit_test(test_read_file_missing),
        cmocka_unit_test(test_read_file_folder),
        cmocka_unit_test(test_read_file_fifo),
        cmocka_unit_test(test_corpus_founding_story),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
