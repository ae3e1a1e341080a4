/*
 * test_formats.c: the story formats ng_formats_read() reads (plain text,
 * HTML pages, RSS and Atom feeds, JSON Lines, gzip of each) and the passages
 * it splits long paragraphs into (see indexer/formats.h).
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>
#include <zlib.h>

#include "formats.h"
#include "story.h"

/* 2021-03-04T10:00:00Z */
#define MTIME_2021_03_04 ((time_t)1614852000)

#define MAX_GOT 256

/* What one ng_formats_read() handed out. */
typedef struct {
    size_t n;
    char *ids[MAX_GOT];              /* NULL for a one-story file */
    ng_story_t *stories[MAX_GOT];
    size_t n_warnings;
    char *warnings[MAX_GOT];
    size_t stop_after;               /* stop after this many; 0: never */
} got_t;

static int collect(void *ctx, const char *id, ng_story_t *story)
{
    got_t *got = ctx;

    if (got->n >= MAX_GOT) {
        ng_story_free(story);
        fail_msg("too many stories");
    }
    got->ids[got->n] = id ? strdup(id) : NULL;
    got->stories[got->n] = story;
    got->n++;
    return got->stop_after && got->n >= got->stop_after;
}

static void collect_warning(void *ctx, const char *message)
{
    got_t *got = ctx;
    if (got->n_warnings < MAX_GOT)
        got->warnings[got->n_warnings++] = strdup(message);
}

static void got_free(got_t *got)
{
    for (size_t i = 0; i < got->n; i++) {
        free(got->ids[i]);
        ng_story_free(got->stories[i]);
    }
    for (size_t i = 0; i < got->n_warnings; i++)
        free(got->warnings[i]);
    memset(got, 0, sizeof *got);
}

/* Reads LEN bytes of DATA from a copy without a terminating NUL (so that
 * reading past the end shows up under a sanitizer) into GOT; returns the
 * status and stores the error (caller frees) in *ERROR when not NULL. */
static ng_status_t read_into(const char *data, size_t len, time_t mtime,
                             got_t *got, char **error)
{
    char *copy = malloc(len ? len : 1), *why = NULL;
    ng_status_t st;

    assert_non_null(copy);
    memcpy(copy, data, len);
    st = ng_formats_read(copy, len, mtime, collect, got, collect_warning, got,
                         &why);
    free(copy);
    if (st == NG_BAD_INPUT)
        assert_non_null(why);
    else
        assert_null(why);
    if (error)
        *error = why;
    else
        free(why);
    return st;
}

/* Reads DATA and fails the test unless it reads. */
static void read_ok(const char *data, size_t len, got_t *got)
{
    char *error = NULL;
    ng_status_t st = read_into(data, len, MTIME_2021_03_04, got, &error);
    if (st != NG_OK)
        fail_msg("read failed: %s: %s", ng_status_to_string(st),
                 error ? error : "(no reason)");
}

/* Reads DATA and fails the test unless it is refused as NG_BAD_INPUT with a
 * reason holding REASON. */
static void read_bad(const char *data, size_t len, const char *reason)
{
    got_t got = { 0 };
    char *error = NULL;
    ng_status_t st = read_into(data, len, MTIME_2021_03_04, &got, &error);

    assert_int_equal(st, NG_BAD_INPUT);
    assert_int_equal(got.n, 0);
    assert_non_null(error);
    if (!strstr(error, reason))
        fail_msg("error '%s' does not hold '%s'", error, reason);
    free(error);
    got_free(&got);
}

static void assert_paragraphs(const ng_story_t *story, size_t n, ...)
{
    va_list ap;

    if (story->n_paragraphs != n) {
        for (size_t i = 0; i < story->n_paragraphs; i++)
            print_message("paragraph %zu: '%s'\n", i + 1,
                          story->paragraphs[i].text);
    }
    assert_int_equal(story->n_paragraphs, n);
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        assert_string_equal(story->paragraphs[i].text, want);
        assert_int_equal(story->paragraphs[i].len, strlen(want));
    }
    va_end(ap);
}

/* Whether any headline or paragraph of GOT holds NEEDLE. */
static int got_holds(const got_t *got, const char *needle)
{
    for (size_t i = 0; i < got->n; i++) {
        const ng_story_t *s = got->stories[i];
        if (strstr(s->title, needle))
            return 1;
        for (size_t j = 0; j < s->n_paragraphs; j++)
            if (strstr(s->paragraphs[j].text, needle))
                return 1;
    }
    return 0;
}

/* Whether some warning of GOT holds NEEDLE. */
static int warned(const got_t *got, const char *needle)
{
    for (size_t i = 0; i < got->n_warnings; i++)
        if (strstr(got->warnings[i], needle))
            return 1;
    return 0;
}

static void assert_warned(const got_t *got, const char *needle)
{
    if (!warned(got, needle)) {
        for (size_t i = 0; i < got->n_warnings; i++)
            print_message("warning: %s\n", got->warnings[i]);
        fail_msg("no warning holds '%s'", needle);
    }
}

/* Every story handed out keeps formats.h's promises. */
static void assert_well_formed(const got_t *got)
{
    for (size_t i = 0; i < got->n; i++) {
        const ng_story_t *s = got->stories[i];
        assert_non_null(s->title);
        assert_true(s->title[0] != '\0');
        assert_true(strlen(s->title) <= NG_TITLE_MAX_BYTES);
        if (s->date)
            assert_int_equal(strlen(s->date), 10);
        for (size_t j = 0; j < s->n_paragraphs; j++) {
            const ng_paragraph_t *p = &s->paragraphs[j];
            assert_true(p->len > 0);
            assert_true(p->len <= NG_PASSAGE_MAX_BYTES);
            assert_int_equal(strlen(p->text), p->len);
            for (size_t k = 0; k < p->len;) {
                utf8proc_int32_t cp;
                utf8proc_ssize_t got_len = utf8proc_iterate(
                    (const utf8proc_uint8_t *)p->text + k,
                    (utf8proc_ssize_t)(p->len - k), &cp);
                assert_true(got_len > 0);
                assert_true(cp >= 0x20 && cp != 0x7F);
                k += (size_t)got_len;
            }
        }
    }
}

/* A gzip stream of LEN bytes of DATA (caller frees; *OUT_LEN bytes). */
static char *gzip(const char *data, size_t len, size_t *out_len)
{
    z_stream zs;
    size_t cap = len + len / 100 + 256;
    char *out = malloc(cap);

    assert_non_null(out);
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    zs.next_out = (unsigned char *)out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *out_len = cap - zs.avail_out;
    deflateEnd(&zs);
    return out;
}

/* ---------------------------------------------------------------------- */
/* Sample documents                                                         */

static const char html_page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\"><head>\n"
    "<meta charset=\"utf-8\">\n"
    "<title>Page title | Daily Planet</title>\n"
    "<meta property=\"og:title\" "
    "content=\"Tariffs rise &amp; markets fall\">\n"
    "<meta property=\"og:site_name\" content=\"Daily Planet\">\n"
    "<meta property=\"article:published_time\" "
    "content=\"2025-06-05T14:00:00Z\">\n"
    "<meta name=\"date\" content=\"2001-01-01\">\n"
    "<link rel=\"canonical\" href=\"https://example.com/news/tariffs\">\n"
    "<meta property=\"og:url\" content=\"https://example.com/og\">\n"
    "<style>p { color: red; } .secretstyle {}</style>\n"
    "<script>var secretscript = \"do not index\";</script>\n"
    "</head><body>\n"
    "<header><nav><a href=\"/\">Home navigation link</a></nav></header>\n"
    "<article>\n"
    "<h1>Tariffs rise</h1>\n"
    "<p>The caf&eacute; owner&#8217;s prices rose &amp; fell.</p>\n"
    "<p>Second   paragraph\n spans lines.<script>secretinline()</script></p>\n"
    "<div class=\"share-buttons\"><p>Share this on social media</p></div>\n"
    "<figure><img src=\"x.jpg\"><figcaption>Caption text</figcaption>"
    "</figure>\n"
    "<noscript><p>Enable scripts</p></noscript>\n"
    "</article>\n"
    "<aside><p>Related: another story</p></aside>\n"
    "<footer><p>Copyright footer text</p></footer>\n"
    "</body></html>\n";

static const char rss_feed[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<rss version=\"2.0\" "
    "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
    "xmlns:media=\"http://search.yahoo.com/mrss/\">\n"
    "<channel><title>Feed title</title><link>https://example.com/</link>\n"
    "<item>\n"
    " <title>First item</title>\n"
    " <link>https://example.com/first</link>\n"
    " <guid isPermaLink=\"false\">guid-1</guid>\n"
    " <pubDate>Thu, 05 Jun 2025 14:00:00 GMT</pubDate>\n"
    " <media:content url=\"https://example.com/a.jpg\">"
    "<media:title>Picture title</media:title></media:content>\n"
    " <description>&lt;p&gt;Hello &lt;b&gt;bold&lt;/b&gt; world.&lt;/p&gt;"
    "&lt;p&gt;Second para&lt;br&gt;&lt;br&gt;Third para&lt;/p&gt;"
    "&lt;script&gt;badscript()&lt;/script&gt;</description>\n"
    "</item>\n"
    "<item>\n"
    " <title>Second item</title>\n"
    " <link>https://example.com/second</link>\n"
    " <guid>guid-2</guid>\n"
    " <dc:date>2025-06-06T08:00:00+02:00</dc:date>\n"
    " <description><![CDATA[<p>CDATA text &amp; more</p>]]></description>\n"
    "</item>\n"
    "</channel></rss>\n";

static const char atom_feed[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<!-- a comment before the root -->\n"
    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
    " <title>Atom feed</title><updated>2025-06-01T00:00:00Z</updated>\n"
    " <entry>\n"
    "  <title type=\"html\">Atom &amp;amp; entry</title>\n"
    "  <link rel=\"self\" href=\"https://example.com/self\"/>\n"
    "  <link rel=\"alternate\" type=\"text/html\" "
    "href=\"https://example.com/atom-entry\"/>\n"
    "  <id>urn:uuid:1234</id>\n"
    "  <updated>2025-06-07T10:00:00Z</updated>\n"
    "  <content type=\"html\">&lt;p&gt;Atom content one.&lt;/p&gt;"
    "&lt;p&gt;Atom content two.&lt;/p&gt;</content>\n"
    " </entry>\n"
    " <entry>\n"
    "  <title>Xhtml entry</title><id>urn:2</id>\n"
    "  <published>2025-06-08</published>"
    "<updated>2025-06-09T00:00:00Z</updated>\n"
    "  <link href=\"https://example.com/x\"/>\n"
    "  <content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
    "<p>X one.</p><p>X <b>two</b>.</p></div></content>\n"
    " </entry>\n"
    " <entry><title>Text entry</title><id>urn:3</id>"
    "<updated>2025-06-10T00:00:00Z</updated>\n"
    "  <summary>Plain one.\n\nPlain two &lt;not a tag&gt;.</summary>\n"
    " </entry>\n"
    "</feed>\n";

static const char jsonl_file[] =
    "{\"id\": \"a1\", \"title\": \"First\", \"date\": \"2025-06-05\", "
    "\"source\": \"https://example.com/a1\", "
    "\"text\": \"Para one.\\n\\nPara two.\"}\n"
    "{\"id\": \"a2\", \"text\": \"broken\n"
    "{\"id\": 42, \"text\": \"Numeric id story. More text.\"}\n"
    "{\"id\": \"a4\", \"title\": \"No text\"}\n"
    "\n"
    "{\"id\": \"a5\", \"url\": \"https://example.com/2025/06/09/x\", "
    "\"text\": \"Line one\\nstill one.\\n \\n\\nPara B.\"}\n"
    "{\"id\": \"a1\", \"text\": \"duplicate\"}\n";

static const char text_story[] =
    "Headline of the story\n"
    "Date: 2024-01-02\n"
    "\n"
    "First paragraph\nwith two lines.\n"
    "\n"
    "Second paragraph.\n"
    "Source: https://example.com/story\n";

/* ---------------------------------------------------------------------- */
/* Detection                                                                */

static void test_detect(void **state)
{
    (void)state;
    static const struct {
        const char *data;
        ng_format_t format;
    } cases[] = {
        { "Headline\n\nText.\n", NG_FORMAT_TEXT },
        { "<3 love letters\n\nText.\n", NG_FORMAT_TEXT },
        { "{not json at all}\nmore\n", NG_FORMAT_TEXT },
        { "  \n<!DOCTYPE html><html><body><p>x</p></body></html>",
          NG_FORMAT_HTML },
        { "\xEF\xBB\xBF<html><p>x</p></html>", NG_FORMAT_HTML },
        { "<p>A fragment</p>", NG_FORMAT_HTML },
        { "Junk before\n<!doctype html><html></html>", NG_FORMAT_HTML },
        { "<?xml version=\"1.0\"?>\n<!-- c -->\n<rss version=\"2.0\"/>",
          NG_FORMAT_FEED },
        { "<?xml version=\"1.0\"?><!DOCTYPE feed [<!ENTITY a \"b\">]>"
          "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", NG_FORMAT_FEED },
        { "<rdf:RDF xmlns:rdf=\"x\"></rdf:RDF>", NG_FORMAT_FEED },
        { "<?xml version=\"1.0\"?><html xmlns=\"x\"/>", NG_FORMAT_HTML },
        { "{\"id\": 1, \"text\": \"x\"}\n{\"id\": 2, \"text\": \"y\"}\n",
          NG_FORMAT_JSONL },
        { "{\n\"id\": 1, \"text\": \"x\"}\n{\"id\": 2}\n", NG_FORMAT_JSONL },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ng_format_t got = ng_formats_detect(cases[i].data,
                                            strlen(cases[i].data));
        if (got != cases[i].format)
            fail_msg("case %zu: detected %s, want %s", i,
                     ng_format_name(got), ng_format_name(cases[i].format));
    }
    assert_int_equal(ng_formats_detect(html_page, strlen(html_page)),
                     NG_FORMAT_HTML);
    assert_int_equal(ng_formats_detect(rss_feed, strlen(rss_feed)),
                     NG_FORMAT_FEED);
    assert_int_equal(ng_formats_detect(atom_feed, strlen(atom_feed)),
                     NG_FORMAT_FEED);
    assert_int_equal(ng_formats_detect(jsonl_file, strlen(jsonl_file)),
                     NG_FORMAT_JSONL);
    assert_int_equal(ng_formats_detect(text_story, strlen(text_story)),
                     NG_FORMAT_TEXT);
    assert_int_equal(ng_formats_detect("", 0), NG_FORMAT_TEXT);
    assert_string_equal(ng_format_name(NG_FORMAT_JSONL), "jsonl");
    assert_string_equal(ng_format_name(NG_FORMAT_FEED), "feed");
}

/* ---------------------------------------------------------------------- */
/* Plain text                                                               */

static void test_text_is_story_parse(void **state)
{
    got_t got = { 0 };
    ng_story_t *want = NULL;
    (void)state;

    assert_int_equal(ng_story_parse(text_story, strlen(text_story),
                                     MTIME_2021_03_04, &want, NULL), NG_OK);
    read_ok(text_story, strlen(text_story), &got);
    assert_int_equal(got.n, 1);
    assert_null(got.ids[0]);
    assert_string_equal(got.stories[0]->title, want->title);
    assert_string_equal(got.stories[0]->date, want->date);
    assert_string_equal(got.stories[0]->source, want->source);
    assert_int_equal(got.stories[0]->n_paragraphs, want->n_paragraphs);
    for (size_t i = 0; i < want->n_paragraphs; i++)
        assert_string_equal(got.stories[0]->paragraphs[i].text,
                            want->paragraphs[i].text);
    assert_int_equal(got.n_warnings, 0);
    ng_story_free(want);
    got_free(&got);
}

/* A whole article on its first line is text, not a headline. */
static void test_text_long_first_line(void **state)
{
    got_t got = { 0 };
    char line[2000] = "";
    (void)state;

    while (strlen(line) < 1600)
        strcat(line, "Prices rose again in May. Traders were surprised. ");
    strcat(line, "\n\nSecond paragraph.\n");
    read_ok(line, strlen(line), &got);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.stories[0]->title, "Prices rose again in May.");
    assert_true(got.stories[0]->n_paragraphs >= 3);
    assert_true(strncmp(got.stories[0]->paragraphs[0].text,
                        "Prices rose again in May. Traders", 33) == 0);
    assert_string_equal(
        got.stories[0]->paragraphs[got.stories[0]->n_paragraphs - 1].text,
        "Second paragraph.");
    assert_well_formed(&got);
    got_free(&got);
}

static void test_text_utf16(void **state)
{
    static const char utf16[] =
        "\xFF\xFE" "H\0e\0a\0d\0\n\0\n\0B\0o\0d\0y\0 \0\xE9\0.\0"
        "\x3D\xD8\x00\xDE";   /* U+1F600 as a surrogate pair */
    got_t got = { 0 };
    (void)state;

    read_ok(utf16, sizeof utf16 - 1, &got);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.stories[0]->title, "Head");
    assert_paragraphs(got.stories[0], 1, "Body \xC3\xA9.\xF0\x9F\x98\x80");
    got_free(&got);
}

static void test_text_with_nul_bytes_is_repaired(void **state)
{
    static const char text[] = "Headline\n\nSome\0text with\0two NULs.\n";
    got_t got = { 0 };
    (void)state;

    read_ok(text, sizeof text - 1, &got);
    assert_int_equal(got.n, 1);
    assert_true(got.stories[0]->repaired);
    assert_paragraphs(got.stories[0], 1, "Some text with two NULs.");
    got_free(&got);
}

/* ---------------------------------------------------------------------- */
/* HTML                                                                     */

static void test_html_page(void **state)
{
    got_t got = { 0 };
    (void)state;

    read_ok(html_page, strlen(html_page), &got);
    assert_int_equal(got.n, 1);
    assert_null(got.ids[0]);
    assert_string_equal(got.stories[0]->title,
                        "Tariffs rise & markets fall");
    assert_string_equal(got.stories[0]->date, "2025-06-05");
    assert_string_equal(got.stories[0]->source,
                        "https://example.com/news/tariffs");
    assert_paragraphs(got.stories[0], 2,
                      "The caf\xC3\xA9 owner\xE2\x80\x99s prices rose & fell.",
                      "Second paragraph spans lines.");
    assert_false(got.stories[0]->repaired);
    static const char *const absent[] = {
        "secret", "navigation", "Share this", "Caption", "Related",
        "Copyright", "Enable scripts", "color: red"
    };
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        if (got_holds(&got, absent[i]))
            fail_msg("'%s' should have been left out", absent[i]);
    assert_int_equal(got.n_warnings, 0);
    got_free(&got);
}

static void test_html_title_fallbacks(void **state)
{
    got_t got = { 0 };
    (void)state;

    /* <title> less the site's name. */
    static const char titled[] =
        "<html><head><title>Headline text - Daily Planet</title>"
        "<meta property=\"og:site_name\" content=\"Daily Planet\">"
        "<meta name=\"DC.date\" content=\"2019-07-08\"></head>"
        "<body><p>Body.</p></body></html>";
    read_ok(titled, strlen(titled), &got);
    assert_string_equal(got.stories[0]->title, "Headline text");
    assert_string_equal(got.stories[0]->date, "2019-07-08");
    got_free(&got);

    /* The first <h1>, and the date of a <time>. */
    static const char h1[] =
        "<html><body><article><header><h1>Heading <em>one</em></h1>"
        "<time datetime=\"2024-03-01T10:00\">1 March</time></header>"
        "<p>Text.</p></article></body></html>";
    read_ok(h1, strlen(h1), &got);
    assert_string_equal(got.stories[0]->title, "Heading one");
    assert_string_equal(got.stories[0]->date, "2024-03-01");
    assert_paragraphs(got.stories[0], 1, "Text.");
    got_free(&got);

    /* No headline at all: the first sentence. */
    static const char none[] =
        "<html><body><p>Only a sentence here. And another.</p></body></html>";
    read_ok(none, strlen(none), &got);
    assert_string_equal(got.stories[0]->title, "Only a sentence here.");
    got_free(&got);
}

static void test_html_dates(void **state)
{
    got_t got = { 0 };
    (void)state;

    static const char ld_json[] =
        "<html><head><title>T</title><script type=\"application/ld+json\">"
        "{\"@context\": \"https://schema.org\", \"@graph\": [{\"@type\": "
        "\"NewsArticle\", \"datePublished\": \"2023-02-03T00:00:00Z\"}]}"
        "</script></head><body><p>x</p><time datetime=\"2020-01-01\">"
        "</time></body></html>";
    read_ok(ld_json, strlen(ld_json), &got);
    assert_string_equal(got.stories[0]->date, "2023-02-03");
    got_free(&got);

    static const char url[] =
        "<html><head><title>T</title><link rel=\"canonical\" "
        "href=\"https://example.com/2022/05/06/story\"></head>"
        "<body><p>x</p></body></html>";
    read_ok(url, strlen(url), &got);
    assert_string_equal(got.stories[0]->date, "2022-05-06");
    got_free(&got);

    static const char bare[] = "<html><body><p>x</p></body></html>";
    read_ok(bare, strlen(bare), &got);
    assert_string_equal(got.stories[0]->date, "2021-03-04");
    got_free(&got);

    static const char rfc822[] =
        "<html><head><meta name=\"pubdate\" content=\"June 5, 2025\">"
        "</head><body><p>x</p></body></html>";
    read_ok(rfc822, strlen(rfc822), &got);
    assert_string_equal(got.stories[0]->date, "2025-06-05");
    got_free(&got);
}

static void test_html_malformed(void **state)
{
    static const char broken[] =
        "<html><head><title>Broken page</title><body>"
        "<p>First <b>bold paragraph<p>Second <i>para&amp;graph"
        "<div><span>unclosed";
    got_t got = { 0 };
    (void)state;

    read_ok(broken, strlen(broken), &got);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.stories[0]->title, "Broken page");
    assert_paragraphs(got.stories[0], 3, "First bold paragraph",
                      "Second para&graph", "unclosed");
    got_free(&got);

    /* Markup soup, attributes without quotes, stray closing tags. */
    static const char soup[] =
        "<html><body></p></div><p class=x id=y>Soup &notanentity; text"
        "</td></tr><p>More <a href=x>link</b> text</html>";
    read_ok(soup, strlen(soup), &got);
    assert_int_equal(got.n, 1);
    assert_true(got_holds(&got, "Soup"));
    assert_true(got_holds(&got, "More link text"));
    assert_well_formed(&got);
    got_free(&got);
}

static void test_html_furniture_and_article_choice(void **state)
{
    static const char page[] =
        "<html><head><title>Choice</title></head><body>"
        "<div class=\"sidebar\"><article><p>Teaser text that is short.</p>"
        "</article></div>"
        "<article class=\"story\"><p>Real article paragraph one which is "
        "long enough.</p><p>Real two.</p>"
        "<div class=\"comments\"><p>A comment.</p></div>"
        "<div id=\"related-links\"><p>Related link text.</p></div>"
        "<p class=\"cookie-notice\">We use cookies.</p>"
        "<p hidden>Hidden text.</p></article>"
        "<article><p>Small.</p></article>"
        "</body></html>";
    got_t got = { 0 };
    (void)state;

    read_ok(page, strlen(page), &got);
    assert_paragraphs(got.stories[0], 2,
                      "Real article paragraph one which is long enough.",
                      "Real two.");
    got_free(&got);
}

static void test_html_without_p(void **state)
{
    static const char page[] =
        "<html><body><nav>Menu</nav><div>Block one</div>"
        "<div>Block <b>two</b><br><br>Block three<br>same</div>"
        "<ul><li>Item</li></ul></body></html>";
    got_t got = { 0 };
    (void)state;

    read_ok(page, strlen(page), &got);
    assert_string_equal(got.stories[0]->title, "Block one");
    assert_paragraphs(got.stories[0], 4, "Block one", "Block two",
                      "Block three same", "Item");
    got_free(&got);
}

static void test_html_empty_page(void **state)
{
    (void)state;
    read_bad("<html><head></head><body> </body></html>", 40,
             "no text in html page");
}

static void test_html_title_only(void **state)
{
    static const char page[] = "<html><head><title>Only a title</title>"
                               "</head><body></body></html>";
    got_t got = { 0 };
    (void)state;

    read_ok(page, strlen(page), &got);
    assert_string_equal(got.stories[0]->title, "Only a title");
    assert_paragraphs(got.stories[0], 1, "Only a title");
    got_free(&got);
}

static void test_html_encodings(void **state)
{
    got_t got = { 0 };
    (void)state;

    /* Latin-1 without a declaration: converted, and flagged as repaired. */
    static const char undeclared[] =
        "<html><head><title>Caf\xe9</title></head>"
        "<body><p>Cr\xe8me br\xfbl\xe9\x65</p></body></html>";
    read_ok(undeclared, strlen(undeclared), &got);
    assert_string_equal(got.stories[0]->title, "Caf\xC3\xA9");
    assert_paragraphs(got.stories[0], 1,
                      "Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9\x65");
    assert_true(got.stories[0]->repaired);
    got_free(&got);

    /* Declared Latin-1: the same text, and not a repair. */
    static const char declared[] =
        "<html><head><meta charset=\"ISO-8859-1\"><title>Caf\xe9</title>"
        "</head><body><p>Cr\xe8me</p></body></html>";
    read_ok(declared, strlen(declared), &got);
    assert_string_equal(got.stories[0]->title, "Caf\xC3\xA9");
    assert_false(got.stories[0]->repaired);
    got_free(&got);

    /* Another declared encoding is decoded by libxml2. */
    static const char cyrillic[] =
        "<html><head><meta http-equiv=\"Content-Type\" "
        "content=\"text/html; charset=windows-1251\">"
        "<title>\xcf\xf0\xe8\xe2\xe5\xf2</title></head>"
        "<body><p>\xcc\xe8\xf0</p></body></html>";
    read_ok(cyrillic, strlen(cyrillic), &got);
    assert_string_equal(got.stories[0]->title,
                        "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
    assert_paragraphs(got.stories[0], 1, "\xD0\x9C\xD0\xB8\xD1\x80");
    got_free(&got);

    /* Broken UTF-8 in a UTF-8 page: U+FFFD. */
    static const char broken[] =
        "<html><head><title>Caf\xC3\xA9 \xC3\xA9t\xC3\xA9</title></head>"
        "<body><p>Bad \xff byte</p></body></html>";
    read_ok(broken, strlen(broken), &got);
    assert_paragraphs(got.stories[0], 1, "Bad \xEF\xBF\xBD byte");
    assert_true(got.stories[0]->repaired);
    got_free(&got);
}

/* ---------------------------------------------------------------------- */
/* Feeds                                                                    */

static void test_rss(void **state)
{
    got_t got = { 0 };
    (void)state;

    read_ok(rss_feed, strlen(rss_feed), &got);
    assert_int_equal(got.n, 2);
    assert_string_equal(got.ids[0], "guid-1");
    assert_string_equal(got.stories[0]->title, "First item");
    assert_string_equal(got.stories[0]->date, "2025-06-05");
    assert_string_equal(got.stories[0]->source, "https://example.com/first");
    assert_paragraphs(got.stories[0], 3, "Hello bold world.", "Second para",
                      "Third para");
    assert_string_equal(got.ids[1], "guid-2");
    assert_string_equal(got.stories[1]->date, "2025-06-06");
    assert_paragraphs(got.stories[1], 1, "CDATA text & more");
    assert_false(got_holds(&got, "badscript"));
    assert_false(got_holds(&got, "Picture title"));
    assert_false(got_holds(&got, "<"));
    assert_int_equal(got.n_warnings, 0);
    got_free(&got);
}

static void test_rss_item_without_guid_or_link(void **state)
{
    static const char feed[] =
        "<rss version=\"2.0\"><channel>"
        "<item><title>Lonely</title><description>Just text.</description>"
        "</item>"
        "<item><title>Title only</title><link>https://example.com/2024/02/"
        "03/t</link></item>"
        "<item><description>   </description></item>"
        "<item><guid> </guid><description>No title here. At all."
        "</description><pubDate>someday</pubDate></item>"
        "</channel></rss>";
    got_t got = { 0 }, again = { 0 };
    (void)state;

    read_ok(feed, strlen(feed), &got);
    assert_int_equal(got.n, 3);
    assert_true(strncmp(got.ids[0], "item-", 5) == 0);
    assert_int_equal(strlen(got.ids[0]), 5 + 16);
    assert_null(got.stories[0]->date);
    assert_paragraphs(got.stories[0], 1, "Just text.");
    assert_warned(&got, "item 1: no guid or link");
    assert_warned(&got, "item 1: no date");

    /* A headline alone is the text; the date comes from the link. */
    assert_string_equal(got.ids[1], "https://example.com/2024/02/03/t");
    assert_paragraphs(got.stories[1], 1, "Title only");
    assert_string_equal(got.stories[1]->date, "2024-02-03");

    assert_warned(&got, "item 3: no title or text: skipped");
    assert_string_equal(got.stories[2]->title, "No title here.");
    assert_warned(&got, "item 4: date 'someday' not understood");
    assert_true(strncmp(got.ids[2], "item-", 5) == 0);

    /* Reading the feed again gives the same ids. */
    read_ok(feed, strlen(feed), &again);
    assert_int_equal(again.n, 3);
    assert_string_equal(again.ids[0], got.ids[0]);
    assert_string_equal(again.ids[2], got.ids[2]);
    assert_string_not_equal(got.ids[0], got.ids[2]);
    got_free(&got);
    got_free(&again);
}

static void test_rss_repeated_guid(void **state)
{
    static const char feed[] =
        "<rss><channel>"
        "<item><title>One</title><guid>same</guid></item>"
        "<item><title>Two</title><guid>same</guid></item>"
        "</channel></rss>";
    got_t got = { 0 };
    (void)state;

    read_ok(feed, strlen(feed), &got);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.stories[0]->title, "One");
    assert_warned(&got, "item 2: same id 'same' as item 1: skipped");
    got_free(&got);
}

static void test_atom(void **state)
{
    got_t got = { 0 };
    (void)state;

    read_ok(atom_feed, strlen(atom_feed), &got);
    assert_int_equal(got.n, 3);
    assert_string_equal(got.ids[0], "urn:uuid:1234");
    assert_string_equal(got.stories[0]->title, "Atom & entry");
    assert_string_equal(got.stories[0]->source,
                        "https://example.com/atom-entry");
    assert_string_equal(got.stories[0]->date, "2025-06-07");
    assert_paragraphs(got.stories[0], 2, "Atom content one.",
                      "Atom content two.");

    assert_string_equal(got.ids[1], "urn:2");
    assert_string_equal(got.stories[1]->date, "2025-06-08");
    assert_string_equal(got.stories[1]->source, "https://example.com/x");
    assert_paragraphs(got.stories[1], 2, "X one.", "X two.");

    assert_string_equal(got.ids[2], "urn:3");
    assert_null(got.stories[2]->source);
    assert_paragraphs(got.stories[2], 2, "Plain one.",
                      "Plain two <not a tag>.");
    assert_int_equal(got.n_warnings, 0);
    got_free(&got);
}

static void test_rdf(void **state)
{
    static const char feed[] =
        "<?xml version=\"1.0\"?>\n"
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns=\"http://purl.org/rss/1.0/\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
        "<channel rdf:about=\"https://example.com/\"><title>RDF</title>"
        "</channel>\n"
        "<item rdf:about=\"https://example.com/rdf1\"><title>RDF item</title>"
        "<link>https://example.com/rdf1</link><dc:date>2025-01-02</dc:date>"
        "<description>RDF text.</description></item>\n"
        "</rdf:RDF>\n";
    got_t got = { 0 };
    (void)state;

    read_ok(feed, strlen(feed), &got);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.ids[0], "https://example.com/rdf1");
    assert_string_equal(got.stories[0]->date, "2025-01-02");
    assert_paragraphs(got.stories[0], 1, "RDF text.");
    got_free(&got);
}

static void test_feed_truncated(void **state)
{
    const char *cut = strstr(rss_feed, "CDATA text");
    got_t got = { 0 };
    (void)state;

    /* Cut inside the second item: the first is whole. */
    assert_non_null(cut);
    read_ok(rss_feed, (size_t)(cut - rss_feed), &got);
    assert_true(got.n >= 1);
    assert_string_equal(got.ids[0], "guid-1");
    assert_paragraphs(got.stories[0], 3, "Hello bold world.", "Second para",
                      "Third para");
    assert_warned(&got, "malformed xml");
    assert_well_formed(&got);
    got_free(&got);

    /* Every cut either reads or is refused, never crashes. */
    for (size_t len = 1; len < strlen(atom_feed); len += 7) {
        char *error = NULL;
        ng_status_t st = read_into(atom_feed, len, -1, &got, &error);
        assert_true(st == NG_OK || st == NG_BAD_INPUT);
        assert_well_formed(&got);
        free(error);
        got_free(&got);
    }
}

static void test_feed_garbage(void **state)
{
    (void)state;
    static const char *const garbage[] = {
        "<rss", "<rss><<<&&&", "<feed><entry><title>&", "<rdf:RDF><item>",
        "<?xml version=\"1.0\" encoding=\"x-unknown\"?><rss><item><title>"
        "T</title></item></rss>",
        "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss><item><title>"
        "T</title></item></rss>",
    };
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        got_t got = { 0 };
        char *error = NULL;
        ng_status_t st = read_into(garbage[i], strlen(garbage[i]), -1, &got,
                                   &error);
        assert_true(st == NG_OK || st == NG_BAD_INPUT);
        assert_well_formed(&got);
        free(error);
        got_free(&got);
    }
}

/* Entities are never expanded: no billion laughs, no file read. */
static void test_feed_entities(void **state)
{
    static const char laughs[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n"
        "<!ENTITY a \"aaaaaaaaaa\">\n"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
        "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
        "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
        "<!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
        "]>\n<rss><channel><item><title>Laughs &i;</title><guid>x</guid>"
        "<description>Text &i; end</description></item></channel></rss>\n";
    static const char xxe[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n"
        "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
        "<rss><channel><item><title>X &xxe;</title><guid>1</guid>"
        "</item></channel></rss>\n";
    got_t got = { 0 };
    char *error = NULL;
    ng_status_t st;
    (void)state;

    st = read_into(laughs, strlen(laughs), -1, &got, &error);
    assert_true(st == NG_OK || st == NG_BAD_INPUT);
    assert_false(got_holds(&got, "aaaaaaaaaa"));
    free(error);
    got_free(&got);

    st = read_into(xxe, strlen(xxe), -1, &got, &error);
    assert_true(st == NG_OK || st == NG_BAD_INPUT);
    assert_false(got_holds(&got, "root:"));
    free(error);
    got_free(&got);
}

static void test_feed_without_items(void **state)
{
    static const char feed[] = "<rss><channel><title>Empty</title>"
                               "</channel></rss>";
    got_t got = { 0 };
    (void)state;

    read_ok(feed, strlen(feed), &got);
    assert_int_equal(got.n, 0);
    assert_warned(&got, "feed has no items");
    got_free(&got);
}

static void test_interrupted(void **state)
{
    got_t got = { 0 };
    (void)state;

    got.stop_after = 1;
    assert_int_equal(read_into(rss_feed, strlen(rss_feed), -1, &got, NULL),
                     NG_INTERRUPTED);
    assert_int_equal(got.n, 1);
    got_free(&got);
}

/* ---------------------------------------------------------------------- */
/* JSON Lines                                                               */

static void test_jsonl(void **state)
{
    got_t got = { 0 };
    (void)state;

    read_ok(jsonl_file, strlen(jsonl_file), &got);
    assert_int_equal(got.n, 3);

    assert_string_equal(got.ids[0], "a1");
    assert_string_equal(got.stories[0]->title, "First");
    assert_string_equal(got.stories[0]->date, "2025-06-05");
    assert_string_equal(got.stories[0]->source, "https://example.com/a1");
    assert_paragraphs(got.stories[0], 2, "Para one.", "Para two.");

    assert_string_equal(got.ids[1], "42");
    assert_string_equal(got.stories[1]->title, "Numeric id story.");
    assert_null(got.stories[1]->date);
    assert_paragraphs(got.stories[1], 1, "Numeric id story. More text.");

    assert_string_equal(got.ids[2], "a5");
    assert_string_equal(got.stories[2]->source,
                        "https://example.com/2025/06/09/x");
    assert_string_equal(got.stories[2]->date, "2025-06-09");
    assert_paragraphs(got.stories[2], 2, "Line one still one.", "Para B.");

    assert_warned(&got, "line 2: broken json: unexpected end of line: "
                         "skipped");
    assert_warned(&got, "line 4: no text: skipped");
    assert_warned(&got, "line 7: same id 'a1' as line 1: skipped");
    assert_int_equal(got.n_warnings, 3);
    got_free(&got);
}

static void test_jsonl_fields(void **state)
{
    static const char lines[] =
        "{\"id\": \"t\", \"text\": \"Mr. Smith met Dr. Jones in the U.S. "
        "Senate. Then he left.\"}\n"
        "{\"id\": 1.50, \"text\": \"Double id.\", \"date\": 1717600000}\n"
        "{\"id\": \"d\", \"text\": \"Bad date.\", \"date\": \"soon\"}\n"
        "{\"id\": [1], \"text\": \"Array id.\"}\n"
        "{\"text\": \"No id.\"}\n"
        "{\"id\": \"n\", \"text\": 5}\n"
        "[1, 2]\n"
        "{\"id\": \"x\", \"text\": \"Trailing.\"} extra\n"
        "{\"id\": \"u\", \"text\": \"Nul\\u0000here \xff.\", "
        "\"title\": 7}\n"
        "{\"id\": \"r\", \"text\": \"RFC date.\", "
        "\"date\": \"Thu, 05 Jun 25 14:00:00 GMT\"}\n";
    got_t got = { 0 };
    (void)state;

    read_ok(lines, strlen(lines), &got);
    assert_int_equal(got.n, 5);
    assert_string_equal(got.stories[0]->title,
                        "Mr. Smith met Dr. Jones in the U.S. Senate.");
    assert_string_equal(got.ids[1], "1.50");
    assert_string_equal(got.stories[1]->date, "2024-06-05");
    assert_string_equal(got.ids[2], "d");
    assert_null(got.stories[2]->date);
    assert_warned(&got, "line 3: date 'soon' not understood");
    assert_warned(&got, "line 4: id is not a string or number: skipped");
    assert_warned(&got, "line 5: no id: skipped");
    assert_warned(&got, "line 6: text is not a string: skipped");
    assert_warned(&got, "line 7: not a json object: skipped");
    assert_warned(&got, "line 8: broken json");
    assert_warned(&got, "line 9: title is not a string: ignored");
    assert_string_equal(got.ids[3], "u");
    assert_true(got.stories[3]->repaired);
    assert_paragraphs(got.stories[3], 1, "Nul here \xEF\xBF\xBD.");
    assert_string_equal(got.stories[4]->date, "2025-06-05");
    assert_well_formed(&got);
    got_free(&got);
}

/* Headlines made or cut stay within NG_TITLE_MAX_BYTES. */
static void test_headline_limits(void **state)
{
    char line[1024], title[1100];
    size_t len = 0;
    got_t got = { 0 };
    (void)state;

    /* 100 four-byte characters without a space or sentence end. */
    len = (size_t)sprintf(line, "{\"id\": 1, \"text\": \"");
    for (int i = 0; i < 100; i++) {
        memcpy(line + len, "\xF0\x9F\x98\x80", 4);
        len += 4;
    }
    len += (size_t)sprintf(line + len, "\"}\n");
    read_ok(line, len, &got);
    assert_int_equal(got.n, 1);
    assert_true(strlen(got.stories[0]->title) <= NG_TITLE_MAX_BYTES);
    assert_well_formed(&got);
    got_free(&got);

    /* A long og:title is cut at a word and marked. */
    len = (size_t)sprintf(title, "<html><head><meta property=\"og:title\" "
                                 "content=\"");
    for (int i = 0; i < 100; i++)
        len += (size_t)sprintf(title + len, "word%d ", i);
    len += (size_t)sprintf(title + len, "\"></head><body><p>x</p></body>"
                                        "</html>");
    read_ok(title, len, &got);
    assert_true(strlen(got.stories[0]->title) <= NG_TITLE_MAX_BYTES);
    assert_true(strlen(got.stories[0]->title) > NG_TITLE_MAX_BYTES / 2);
    assert_true(strncmp(got.stories[0]->title, "word0 word1 ", 12) == 0);
    assert_string_equal(got.stories[0]->title
                            + strlen(got.stories[0]->title) - 3,
                        "\xE2\x80\xA6");
    got_free(&got);
}

/* ---------------------------------------------------------------------- */
/* Gzip                                                                     */

/* Reads DATA and its gzip and checks they give the same stories. */
static void check_gzip_same(const char *data)
{
    got_t plain = { 0 }, zipped = { 0 };
    size_t zlen;
    char *z = gzip(data, strlen(data), &zlen);

    read_ok(data, strlen(data), &plain);
    read_ok(z, zlen, &zipped);
    assert_int_equal(plain.n, zipped.n);
    assert_true(plain.n > 0);
    for (size_t i = 0; i < plain.n; i++) {
        if (plain.ids[i])
            assert_string_equal(plain.ids[i], zipped.ids[i]);
        else
            assert_null(zipped.ids[i]);
        assert_string_equal(plain.stories[i]->title,
                            zipped.stories[i]->title);
        assert_int_equal(plain.stories[i]->n_paragraphs,
                         zipped.stories[i]->n_paragraphs);
    }
    assert_int_equal(plain.n_warnings, zipped.n_warnings);
    free(z);
    got_free(&plain);
    got_free(&zipped);
}

static void test_gzip_each_format(void **state)
{
    (void)state;
    check_gzip_same(text_story);
    check_gzip_same(html_page);
    check_gzip_same(rss_feed);
    check_gzip_same(atom_feed);
    check_gzip_same(jsonl_file);
}

static void test_gzip_members(void **state)
{
    static const char a[] = "{\"id\": 1, \"text\": \"One.\"}\n";
    static const char b[] = "{\"id\": 2, \"text\": \"Two.\"}\n";
    size_t alen, blen;
    char *za = gzip(a, strlen(a), &alen), *zb = gzip(b, strlen(b), &blen);
    char *both = malloc(alen + blen + 4);
    got_t got = { 0 };
    (void)state;

    memcpy(both, za, alen);
    memcpy(both + alen, zb, blen);
    read_ok(both, alen + blen, &got);
    assert_int_equal(got.n, 2);
    assert_int_equal(got.n_warnings, 0);
    got_free(&got);

    /* Zeros after the stream are padding; anything else is warned about. */
    memset(both + alen + blen, 0, 4);
    read_ok(both, alen + blen + 4, &got);
    assert_int_equal(got.n_warnings, 0);
    got_free(&got);
    memcpy(both + alen + blen, "junk", 4);
    read_ok(both, alen + blen + 4, &got);
    assert_int_equal(got.n, 2);
    assert_warned(&got, "data after the gzip stream");
    got_free(&got);
    free(za);
    free(zb);
    free(both);
}

static void test_gzip_truncated(void **state)
{
    size_t zlen;
    char *z;
    (void)state;

    /* A one-story file cut short is refused... */
    z = gzip(html_page, strlen(html_page), &zlen);
    read_bad(z, zlen - 6, "truncated gzip data");
    read_bad(z, 5, "truncated gzip data");
    free(z);
    z = gzip(text_story, strlen(text_story), &zlen);
    read_bad(z, zlen / 2, "truncated gzip data");
    free(z);

    /* ...but JSON Lines keep their complete lines. */
    char *lines = malloc(200 * 80);
    size_t len = 0;
    got_t got = { 0 };
    for (int i = 0; i < 200; i++)
        len += (size_t)sprintf(lines + len, "{\"id\": %d, \"text\": "
                               "\"Story %d of the %d in this file.\"}\n",
                               i, i * 7919 % 1000, 200 - i);
    z = gzip(lines, len, &zlen);
    read_ok(z, zlen / 2, &got);
    assert_true(got.n > 0);
    assert_true(got.n < 200);
    assert_warned(&got, "truncated gzip data");
    for (size_t i = 0; i < got.n; i++) {
        char want[32];
        snprintf(want, sizeof want, "%zu", i);
        assert_string_equal(got.ids[i], want);
    }
    got_free(&got);
    free(z);
    free(lines);
}

static void test_gzip_corrupt(void **state)
{
    size_t zlen;
    char *z = gzip(text_story, strlen(text_story), &zlen);
    (void)state;

    /* A wrong CRC. */
    z[zlen - 8] ^= 0x55;
    read_bad(z, zlen, "corrupt gzip data");
    free(z);
    read_bad("\x1f\x8b\x08\x00garbage-garbage-garbage", 27, "gzip");
}

/* A gzip bomb stops at NG_FORMATS_MAX_DECOMPRESSED. */
static void test_gzip_too_large(void **state)
{
    size_t total = NG_FORMATS_MAX_DECOMPRESSED + (1u << 20), chunk = 1u << 20;
    size_t cap = total / 512, done = 0;
    char *zeros = calloc(1, chunk), *out = malloc(cap);
    z_stream zs;
    (void)state;

    assert_non_null(zeros);
    assert_non_null(out);
    memset(zeros, 'a', chunk);
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 31, 9,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_out = (unsigned char *)out;
    zs.avail_out = (uInt)cap;
    while (done < total) {
        zs.next_in = (unsigned char *)zeros;
        zs.avail_in = (uInt)chunk;
        done += chunk;
        assert_true(deflate(&zs, done < total ? Z_NO_FLUSH : Z_FINISH)
                    != Z_STREAM_ERROR);
        assert_int_equal(zs.avail_in, 0);
    }
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    read_bad(out, cap - zs.avail_out, "too large once decompressed");
    deflateEnd(&zs);
    free(zeros);
    free(out);
}

/* ---------------------------------------------------------------------- */
/* Bad files                                                                */

static void test_empty_and_blank(void **state)
{
    size_t zlen;
    char *z = gzip("", 0, &zlen);
    (void)state;

    read_bad("", 0, "empty file");
    read_bad(" \n\t\r\n", 5, "empty file");
    read_bad("\xEF\xBB\xBF\n", 4, "empty file");
    read_bad(z, zlen, "empty file");
    free(z);
}

static void test_binary(void **state)
{
    char data[4096];
    uint32_t x = 12345;
    size_t zlen;
    char *z;
    (void)state;

    for (size_t i = 0; i < sizeof data; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (char)(x >> 16);
    }
    data[10] = data[100] = data[1000] = '\0';
    read_bad(data, sizeof data, "binary file");
    z = gzip(data, sizeof data, &zlen);
    read_bad(z, zlen, "binary file");
    free(z);
    /* A PNG's header. */
    static const char png[] =
        "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0"
        "\x1f\xf3\xff\x61\0\0\0\0IEND";
    read_bad(png, sizeof png - 1, "binary file");
}

/* ---------------------------------------------------------------------- */
/* Passages                                                                 */

/* Checks that the paragraphs of STORY from FIRST on, joined with spaces,
 * are WANT. */
static void assert_joined(const ng_story_t *story, size_t first,
                          const char *want)
{
    size_t len = strlen(want), at = 0;

    for (size_t i = first; i < story->n_paragraphs; i++) {
        const ng_paragraph_t *p = &story->paragraphs[i];
        if (i > first) {
            if (want[at] == ' ')
                at++;
        }
        assert_true(at + p->len <= len);
        assert_memory_equal(want + at, p->text, p->len);
        at += p->len;
    }
    assert_int_equal(at, len);
}

static void test_split_sentences(void **state)
{
    size_t cap = 25000, len = 0;
    char *text = malloc(cap), *para;
    got_t got = { 0 };
    (void)state;

    len = (size_t)sprintf(text, "Headline\n\n");
    para = text + len;
    for (int i = 0; len < 20000 + 10; i++)
        len += (size_t)sprintf(text + len,
                               i % 5 == 0 ? "Mr. Smith of the U.S. met Dr. "
                                            "Jones on Jan. %d in sentence. "
                                          : "Sentence %d says \"something\" "
                                            "about prices? Yes! ",
                               i);
    text[--len] = '\0';   /* no trailing space */
    read_ok(text, len, &got);
    assert_int_equal(got.n, 1);
    assert_well_formed(&got);
    ng_story_t *s = got.stories[0];
    assert_true(s->n_paragraphs >= 14);
    for (size_t i = 0; i < s->n_paragraphs; i++) {
        const ng_paragraph_t *p = &s->paragraphs[i];
        char last = p->text[p->len - 1];
        /* Every passage is whole sentences, and no cut is after an
         * abbreviation. */
        assert_true(last == '.' || last == '?' || last == '!');
        assert_true(p->len > NG_PASSAGE_MAX_BYTES / 2);
        assert_false(p->len >= 3
                     && strcmp(p->text + p->len - 3, "Mr.") == 0);
        assert_false(p->len >= 4
                     && strcmp(p->text + p->len - 4, "U.S.") == 0);
        assert_false(p->len >= 4
                     && strcmp(p->text + p->len - 4, "Jan.") == 0);
        assert_false(p->len >= 3
                     && strcmp(p->text + p->len - 3, "Dr.") == 0);
    }
    assert_joined(s, 0, para);
    got_free(&got);
    free(text);
}

/* One megabyte without a space is cut between characters. */
static void test_split_one_word(void **state)
{
    size_t n = 1 << 20, len;
    char *text = malloc(n + 16);
    got_t got = { 0 };
    (void)state;

    len = (size_t)sprintf(text, "Headline\n\n");
    while (len + 3 < n) {
        /* "é" and "x" so that cuts fall inside multi-byte characters. */
        memcpy(text + len, "\xC3\xA9x", 3);
        len += 3;
    }
    read_ok(text, len, &got);
    assert_well_formed(&got);
    assert_true(got.stories[0]->n_paragraphs > (n / NG_PASSAGE_MAX_BYTES));
    text[len] = '\0';
    for (size_t i = 0, at = 10; i < got.stories[0]->n_paragraphs; i++) {
        const ng_paragraph_t *p = &got.stories[0]->paragraphs[i];
        assert_memory_equal(text + at, p->text, p->len);
        at += p->len;
    }
    got_free(&got);
    free(text);
}

/* A big file with no newline completes and is cut into bounded passages.
 * (The 100 MB; 20 MB keeps the test fast.) */
static void test_split_no_newline(void **state)
{
    size_t n = 20u << 20, len = 0, total = 0;
    char *text = malloc(n + 64);
    got_t got = { 0 };
    static const char *const words[] = { "markets ", "fell ", "sharply ",
                                         "on ", "Monday, ", "traders ",
                                         "said " };
    (void)state;

    for (size_t i = 0; len < n; i++) {
        const char *w = words[i % 7];
        size_t wl = strlen(w);
        memcpy(text + len, w, wl);
        len += wl;
    }
    read_ok(text, len, &got);
    assert_int_equal(got.n, 1);
    assert_well_formed(&got);
    for (size_t i = 0; i < got.stories[0]->n_paragraphs; i++)
        total += got.stories[0]->paragraphs[i].len + 1;
    assert_int_equal(total, len);   /* every byte kept, as text or space */
    assert_true(strlen(got.stories[0]->title) <= 80 + 3);
    got_free(&got);
    free(text);
}

static void test_split_long_exported(void **state)
{
    ng_story_t *story = calloc(1, sizeof *story);
    char *long_text = malloc(4001);
    (void)state;

    assert_non_null(story);
    memset(long_text, 'a', 4000);
    long_text[4000] = '\0';
    story->title = strdup("T");
    story->paragraphs = calloc(3, sizeof *story->paragraphs);
    story->paragraphs[0].text = strdup("Short.");
    story->paragraphs[0].len = 6;
    story->paragraphs[1].text = long_text;
    story->paragraphs[1].len = 4000;
    story->paragraphs[2].text = strdup("Also short.");
    story->paragraphs[2].len = 11;
    story->n_paragraphs = 3;
    assert_int_equal(ng_formats_split_long(story), NG_OK);
    assert_int_equal(story->n_paragraphs, 5);
    assert_string_equal(story->paragraphs[0].text, "Short.");
    for (size_t i = 1; i < 4; i++) {
        assert_true(story->paragraphs[i].len <= NG_PASSAGE_MAX_BYTES);
        assert_true(story->paragraphs[i].len >= 1300);
    }
    assert_string_equal(story->paragraphs[4].text, "Also short.");
    ng_story_free(story);
}

/* Tiny inputs at the edges of each reader.  (Running tests/fuzz/
 * fuzz_formats found no crash to keep here so far.) */
static void test_edge_inputs(void **state)
{
    static const struct {
        const char *data;
        size_t len;
    } cases[] = {
        { "<", 1 },
        { "{", 1 },
        { "\x1f\x8b", 2 },
        { "\xff\xfe", 2 },
        { "\xfe\xff\x00", 3 },
        { "<rss><item><title>&#0;</title></item></rss>", 43 },
    };
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        got_t got = { 0 };
        char *error = NULL;
        ng_status_t st = read_into(cases[i].data, cases[i].len, -1, &got,
                                   &error);
        assert_true(st == NG_OK || st == NG_BAD_INPUT);
        assert_well_formed(&got);
        free(error);
        got_free(&got);
    }
}

static void test_bad_arguments(void **state)
{
    char *error = (char *)"unset";
    (void)state;

    assert_int_equal(ng_formats_read("x", 1, -1, NULL, NULL, NULL, NULL,
                                     &error), NG_BAD_ARGUMENT);
    assert_null(error);
    assert_int_equal(ng_formats_read(NULL, 1, -1, collect, NULL, NULL, NULL,
                                     NULL), NG_BAD_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_text_is_story_parse),
        cmocka_unit_test(test_text_long_first_line),
        cmocka_unit_test(test_text_utf16),
        cmocka_unit_test(test_text_with_nul_bytes_is_repaired),
        cmocka_unit_test(test_html_page),
        cmocka_unit_test(test_html_title_fallbacks),
        cmocka_unit_test(test_html_dates),
        cmocka_unit_test(test_html_malformed),
        cmocka_unit_test(test_html_furniture_and_article_choice),
        cmocka_unit_test(test_html_without_p),
        cmocka_unit_test(test_html_empty_page),
        cmocka_unit_test(test_html_title_only),
        cmocka_unit_test(test_html_encodings),
        cmocka_unit_test(test_rss),
        cmocka_unit_test(test_rss_item_without_guid_or_link),
        cmocka_unit_test(test_rss_repeated_guid),
        cmocka_unit_test(test_atom),
        cmocka_unit_test(test_rdf),
        cmocka_unit_test(test_feed_truncated),
        cmocka_unit_test(test_feed_garbage),
        cmocka_unit_test(test_feed_entities),
        cmocka_unit_test(test_feed_without_items),
        cmocka_unit_test(test_interrupted),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_jsonl_fields),
        cmocka_unit_test(test_headline_limits),
        cmocka_unit_test(test_gzip_each_format),
        cmocka_unit_test(test_gzip_members),
        cmocka_unit_test(test_gzip_truncated),
        cmocka_unit_test(test_gzip_corrupt),
        cmocka_unit_test(test_gzip_too_large),
        cmocka_unit_test(test_empty_and_blank),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_split_sentences),
        cmocka_unit_test(test_split_one_word),
        cmocka_unit_test(test_split_no_newline),
        cmocka_unit_test(test_split_long_exported),
        cmocka_unit_test(test_edge_inputs),
        cmocka_unit_test(test_bad_arguments),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ng_formats_cleanup();
    return failed;
}
