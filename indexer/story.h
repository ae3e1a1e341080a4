/*
 * story.h: reads a plain-text news story into its headline, date, source and
 * paragraphs.
 *
 * The plain-text story format:
 *
 *   - The first non-blank line is the headline.
 *   - An optional "Date: YYYY-MM-DD" line may follow the headline (blank lines
 *     between them are allowed).
 *   - Paragraphs are separated by one or more blank lines (lines holding only
 *     white space count as blank).  The lines of a paragraph are joined with
 *     single spaces, and white space inside it is collapsed, so a paragraph is
 *     one line of text.
 *   - An optional final line "Source: URL" names where the story comes from.
 *     It may stand in the last paragraph, as its last line.
 *   - Without a Date line, the date is taken from the source URL when it holds
 *     /YYYY/MM/DD/ (or /YYYY-MM-DD/), else from the file's modification time
 *     (in UTC).
 *
 * Text that is not valid UTF-8 is read as follows: if the whole file is not
 * valid UTF-8 it is taken as Latin-1 (Windows-1252) and converted; otherwise
 * each invalid byte is replaced with U+FFFD.  NUL and other control characters
 * (but tab) become spaces.  A byte-order mark is dropped.  The story's text is
 * therefore always valid UTF-8, and ng_story_t.repaired says whether anything
 * had to be changed.
 */
#ifndef NEWSGREP_STORY_H
#define NEWSGREP_STORY_H

#include <stddef.h>
#include <time.h>
#include <sys/stat.h>

#include "status.h"

typedef struct {
    char *text;           /* one paragraph, valid UTF-8, NUL-terminated */
    size_t len;           /* strlen(text) */
} ng_paragraph_t;

typedef struct {
    char *title;          /* the headline; never NULL (may be "" only if the
                             story has no text at all, which is an error) */
    char *date;           /* "YYYY-MM-DD", or NULL when unknown */
    char *source;         /* the source URL, or NULL */
    ng_paragraph_t *paragraphs;
    size_t n_paragraphs;  /* may be 0: a story that is only a headline */
    int repaired;         /* non-zero if invalid UTF-8 or control characters
                             were replaced */
} ng_story_t;

/*
 * Parses LEN bytes of BUF as a plain-text story.  MTIME is the file's
 * modification time, used for the date when the story names none; pass
 * (time_t)-1 to leave such a date unknown.
 *
 * On success stores a new story in *OUT (free it with ng_story_free()).
 * Returns NG_BAD_INPUT if the text holds no headline (empty or blank), with a
 * reason in *ERROR when ERROR is not NULL (a newly allocated string the caller
 * frees), or NG_NO_MEMORY.
 */
ng_status_t ng_story_parse(const char *buf, size_t len, time_t mtime,
                           ng_story_t **out, char **error);

/*
 * Reads and parses the story in the file at PATH, as ng_story_parse() does.
 * Returns NG_IO_ERROR if the file cannot be read (with the system's reason in
 * *ERROR), NG_BAD_INPUT as above, or NG_NO_MEMORY.
 */
ng_status_t ng_story_read_file(const char *path, ng_story_t **out,
                               char **error);

/*
 * Reads the whole file at PATH into *DATA (newly allocated, caller frees;
 * not NUL-terminated) and *LEN, and its status into *SB when SB is not NULL,
 * from the same open file.  Returns NG_IO_ERROR if the file cannot be read or
 * is not a regular file (the reason in *ERROR), or NG_NO_MEMORY.
 */
ng_status_t ng_story_read_bytes(const char *path, char **data, size_t *len,
                                struct stat *sb, char **error);

/* Frees STORY and everything it holds; NULL is allowed. */
void ng_story_free(ng_story_t *story);

#endif
