/*
 * formats.h: reads a story file of any supported format into stories.
 *
 * The format is chosen by content, never by the file name:
 *
 *   NG_FORMAT_TEXT   the plain-text story of story.h, read by
 *                    ng_story_parse(); one story, no id of its own.
 *   NG_FORMAT_HTML   a saved article page; one story, no id of its own.
 *                    Headline from og:title, else <title> (less a
 *                    " - Site" suffix naming og:site_name), else the first
 *                    <h1>; date from article:published_time and similar
 *                    <meta> tags, JSON-LD datePublished, <time datetime>,
 *                    else the source URL, else MTIME; source from
 *                    <link rel="canonical">, else og:url; paragraphs from
 *                    the <p> elements of the <article> (else <main>, else
 *                    <body>) holding the most text, leaving out scripts,
 *                    styles, navigation and page furniture.  A page with
 *                    no <p> text is split on its block elements instead.
 *   NG_FORMAT_FEED   an RSS 2.0, RSS 1.0 (RDF) or Atom feed; one story per
 *                    item or entry.
 *   NG_FORMAT_JSONL  JSON Lines: one object a line, {"id", "title", "date",
 *                    "source" or "url", "text"}, of which only "id" and
 *                    "text" are required; one story per line.
 *
 * Any of these may be gzip-compressed.  Every story handed out has a
 * non-empty headline, a date "YYYY-MM-DD" or NULL, and paragraphs that are
 * valid UTF-8 on one line each, none longer than NG_PASSAGE_MAX_BYTES
 * (longer ones are split at sentence ends, see ng_formats_split_long()).
 *
 * Dates are taken as written, in the publisher's time zone, and only when
 * they name a real calendar day.  A feed item or JSON Lines record without a
 * date of its own gets the date in its source URL (/YYYY/MM/DD/), else none:
 * neither the file's modification time (the time it was fetched) nor the
 * feed's own date (the time it was last built) says when the item was
 * published.
 */
#ifndef NEWSGREP_FORMATS_H
#define NEWSGREP_FORMATS_H

#include <stddef.h>
#include <time.h>

#include "status.h"
#include "story.h"

/* The longest paragraph handed out, in bytes; a hit is never longer. */
#define NG_PASSAGE_MAX_BYTES 1500

/* The longest headline handed out, in bytes.  A plain-text story whose first
 * line is longer (a whole article on one line) is taken to have no headline:
 * that line becomes its first paragraph and the headline is made from its
 * first sentence.  A longer headline in any other format is cut at a word
 * and ends in "...". */
#define NG_TITLE_MAX_BYTES 300

/* The most bytes a gzip-compressed file may hold once decompressed. */
#define NG_FORMATS_MAX_DECOMPRESSED ((size_t)256 * 1024 * 1024)

/*
 * Called once per story found.  ID is the story's own id when the format has
 * one (a feed item's guid, Atom id or RDF rdf:about, else its link, else a
 * made-up "item-<16 hex digits>" hashed from its headline and text, so that
 * reading the same feed again gives the same id; a JSON Lines record's
 * "id", its string form if a number), or NULL for a one-story file (the
 * caller names it from its path).  ID is valid UTF-8 without control
 * characters, not empty, of any length (a term built from it may need
 * hashing), and borrowed: valid only during the call.  Ids are unique within
 * one file (a repeated id is skipped with a warning).  STORY is handed over:
 * the callee frees it with ng_story_free(), whatever it returns.  Return 0 to
 * go on, non-zero to stop (ng_formats_read() then returns NG_INTERRUPTED).
 */
typedef int (*ng_formats_story_fn)(void *ctx, const char *id,
                                   ng_story_t *story);

/*
 * Told about what was repaired or left out inside a file (a broken JSON
 * line, an item with no text...): a lowercase reason, with a line or item
 * number where it helps, such as "line 2: broken json: unexpected end of
 * line: skipped".  MESSAGE is borrowed: valid only during the call.
 * Repaired text (invalid UTF-8, control characters) is not told here but
 * flagged in ng_story_t.repaired, as ng_story_parse() does.
 */
typedef void (*ng_formats_warn_fn)(void *ctx, const char *message);

typedef enum {
    NG_FORMAT_TEXT,
    NG_FORMAT_HTML,
    NG_FORMAT_FEED,
    NG_FORMAT_JSONL
} ng_format_t;

/*
 * Detects the format of DATA (LEN bytes, already decompressed) from its
 * content: a feed's root element (rss, feed, rdf:RDF), markup for HTML, a
 * JSON object on one of the first lines for JSON Lines, else plain text.
 * Cannot fail.
 */
ng_format_t ng_formats_detect(const char *data, size_t len);

/* Sets up the libraries the readers use; call it once before reading
 * from several threads at a time (one thread needs no call).  Cannot
 * fail. */
void ng_formats_init(void);

/* "text", "html", "feed" or "jsonl"; never NULL, statically allocated. */
const char *ng_format_name(ng_format_t format);

/*
 * Reads LEN bytes of DATA (borrowed, not NUL-terminated), gzip-compressed or
 * not, and hands every story in it to FN with CTX.  MTIME is the file's
 * modification time, used for the date of a one-story file (plain text,
 * HTML) that names none, as in ng_story_parse(); pass (time_t)-1 for none.
 * WARN (may be NULL) is told with WARN_CTX about every record skipped or
 * part left out.
 *
 * Gzip data (magic bytes 1f 8b) is decompressed first, concatenated members
 * too, up to NG_FORMATS_MAX_DECOMPRESSED bytes.  Truncated gzip data is
 * refused, except for JSON Lines, where every complete line is still read
 * (each is a whole story) and the cut is warned about; a plain-text or HTML
 * story or a feed cut short would be indexed as if whole.
 *
 * Returns:
 *   NG_OK           every story was handed out (some records may have been
 *                   skipped, each reported through WARN); a feed may hold
 *                   no item at all (warned about);
 *   NG_BAD_INPUT    the file as a whole cannot be read, with a lowercase
 *                   reason in *ERROR: "empty file", "binary file", "corrupt
 *                   gzip data", "truncated gzip data", "too large once
 *                   decompressed", "no headline", "no text in html page",
 *                   "malformed xml: no feed could be read"...;
 *   NG_NO_MEMORY    an allocation failed (stories already handed out stay
 *                   with the callee);
 *   NG_INTERRUPTED  FN asked to stop;
 *   NG_BAD_ARGUMENT FN is NULL, or DATA is NULL with LEN > 0.
 * *ERROR (when ERROR is not NULL) is set to a newly allocated string the
 * caller frees for NG_BAD_INPUT, and to NULL otherwise.
 *
 * The first call initialises libxml2 (xmlInitParser(), not thread-safe); a
 * threaded program calls ng_formats_read() once from its main thread first
 * or calls xmlInitParser() itself.  libxml2's error handlers are silenced
 * during the call and restored afterwards.
 */
ng_status_t ng_formats_read(const char *data, size_t len, time_t mtime,
                            ng_formats_story_fn fn, void *ctx,
                            ng_formats_warn_fn warn, void *warn_ctx,
                            char **error);

/*
 * Splits every paragraph of STORY longer than NG_PASSAGE_MAX_BYTES into
 * passages of at most that many bytes, at sentence ends (". ", "? ", "! "
 * before a capital letter or a quote, but not after "Mr.", "U.S.", "Jan."
 * or another common abbreviation, and after CJK full stops), else at a
 * space, else between two UTF-8 characters, keeping the passages of one
 * paragraph about the same length.  Takes time linear in the text.
 * ng_formats_read() does this to every story; it is exported for callers
 * that build stories themselves.  Returns NG_OK, or NG_NO_MEMORY with STORY
 * unchanged.
 */
ng_status_t ng_formats_split_long(ng_story_t *story);

/* Frees libxml2's global state; for leak checkers, once at exit, after the
 * last ng_formats_read().  Optional. */
void ng_formats_cleanup(void);

#endif
