/*
 * printer.h: writes hits for people (text, optionally in colour) and for
 * programs (JSON Lines).  Results go to the stream given, normally stdout.
 */
#ifndef NEWSGREP_PRINTER_H
#define NEWSGREP_PRINTER_H

#include <stddef.h>
#include <stdio.h>

#include "search.h"
#include "status.h"

typedef struct {
    int color;            /* non-zero: ANSI colours and bold */
    const char *cwd;      /* paths under this folder are shown relative to
                             it; NULL shows them absolute */
    int context;          /* the hits carry paragraphs around them (-C) */
} ng_print_options_t;

/*
 * Writes HIT as a person reads it:
 *
 *   Headline of the story
 *   2025-06-05  forbes.com  corpus/story.txt:4
 *     The paragraph, with the matched words highlighted.
 *
 * followed by a blank line.  The ":4" is the paragraph number.  Returns NG_OK
 * or NG_IO_ERROR if writing failed.
 */
ng_status_t ng_print_hit(FILE *out, const ng_hit_t *hit,
                         const ng_print_options_t *options);

/*
 * Writes RESULTS as a person reads them: each hit as ng_print_hit() does,
 * except that a story's further paragraphs show only their place
 * ("corpus/story.txt:7"), not the headline and date again, and a story with
 * paragraphs held back ends with a line "+K more paragraphs in this story".
 * With OPTIONS->context, a story's hits and the paragraphs around them are
 * shown once each, in the story's order, numbered as grep numbers lines:
 *
 *   Headline of the story
 *   2025-06-05  forbes.com  corpus/story.txt
 *     3- A paragraph before the hit.
 *     4: The hit, with the matched words highlighted.
 *     --
 *     9: Another hit of the same story.
 *
 * Returns NG_OK, NG_NO_MEMORY or NG_IO_ERROR.
 */
ng_status_t ng_print_results(FILE *out, const ng_results_t *results,
                             const ng_print_options_t *options);

/*
 * Writes HIT as one JSON object on one line with the members rank (RANK,
 * 1-based), story, path (absolute), title, date ("YYYY-MM-DD" or null),
 * source (or null), paragraph, score, text, matches (the byte ranges of
 * the matched words in text, as [start, end] pairs), and more (the story's
 * matching paragraphs held back after this one, see ng_hit_t), before and
 * after (the paragraphs around it that -C asked for, each
 * {"paragraph", "text"}; empty otherwise); first, when
 * QID is not NULL, qid (the id of the query in a batch).  The output is valid
 * JSON for any text.  Returns NG_OK, NG_NO_MEMORY or NG_IO_ERROR.
 */
ng_status_t ng_print_hit_json(FILE *out, const ng_hit_t *hit, size_t rank,
                              const char *qid);

/*
 * PATH as shown to a person: relative to CWD when it lies below it, else as
 * it is.  Newly allocated (caller frees), or NULL if memory ran out.
 */
char *ng_print_display_path(const char *path, const char *cwd);

#endif
