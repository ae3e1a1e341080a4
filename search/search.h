/*
 * search.h: runs a search on an index and hands back ranked, highlighted
 * paragraphs.
 */
#ifndef NEWSGREP_SEARCH_H
#define NEWSGREP_SEARCH_H

#include <stddef.h>

#include "highlight.h"
#include "status.h"

/* One ranked paragraph.  Strings are owned by the results that hold it. */
typedef struct {
    char *story;          /* the story's id */
    char *path;           /* the story file, absolute */
    char *title;          /* the story's headline */
    char *date;           /* "YYYY-MM-DD", or NULL when unknown */
    char *source;         /* the source URL, or NULL */
    char *text;           /* the paragraph */
    unsigned paragraph;   /* 1-based paragraph number in the story */
    double score;         /* the ranking's weight; higher is better */
    ng_span_t *spans;     /* matched words in TEXT, in order */
    size_t n_spans;
    ng_span_t *title_spans;   /* matched words in TITLE */
    size_t n_title_spans;
} ng_hit_t;

typedef struct {
    ng_hit_t *hits;       /* best first */
    size_t n_hits;
    unsigned matches;     /* how many paragraphs matched in all (estimate
                             when larger than what was asked for) */
} ng_results_t;

typedef struct {
    unsigned max_hits;    /* how many paragraphs at most; 0 means all */
    int default_and;      /* plain words must all match */
} ng_search_options_t;

/*
 * Searches the index at DB_PATH (a folder, or a stub database file) for
 * QUERY.  The query is stemmed in the language the index was built with.  A
 * search that meets an index changed by a concurrent writer reopens it and
 * tries again.
 *
 * Returns NG_OK with *OUT set (free with ng_results_free()) when something
 * matched, NG_NO_MATCH with *OUT set to empty results when nothing did,
 * NG_NO_INDEX when there is no index at DB_PATH, NG_QUERY_ERROR for a query
 * that does not parse, or another error; on error *ERROR holds a message
 * (caller frees).
 */
ng_status_t ng_search_run(const char *db_path, const char *query,
                          const ng_search_options_t *options,
                          ng_results_t **out, char **error);

/* Frees RESULTS; NULL is allowed. */
void ng_results_free(ng_results_t *results);

#endif
