/*
 * similar.h: "more like this".  Builds a query for paragraphs like those of
 * an example story in the index, from the terms that best tell the
 * example's paragraphs from the rest (Xapian's relevance feedback).
 */
#ifndef NEWSGREP_SIMILAR_H
#define NEWSGREP_SIMILAR_H

#include "status.h"
#include "xapian-c.h"

/* How many of the example's most telling stems the query is made of: enough
 * to catch a story's topic, few enough that words every story uses do not
 * creep in. */
#define NG_SIMILAR_TERMS 30

/* A stem in more than this share of all paragraphs (and in more than
 * NG_SIMILAR_COMMON_MIN of them) is too common to tell stories apart, however
 * often the example uses it: relevance feedback alone lets "to", "but" and
 * "will" in, and with them nearly every paragraph of the index. */
#define NG_SIMILAR_COMMON_SHARE 0.05
#define NG_SIMILAR_COMMON_MIN 10

/* An example story file, and the paragraph of it that stands for it. */
typedef struct {
    const char *name;      /* the file as the user named it, for messages */
    const char *path;      /* its absolute path, as the index records it */
    const char *alt_path;  /* another absolute spelling to try when PATH is
                              not in the index (a link's own path rather
                              than its target's), or NULL */
    unsigned paragraph;    /* 1-based; 0 for all paragraphs of the file
                              (of all its stories, for a file of several) */
} ng_example_t;

/*
 * Builds in *OUT (free with xc_query_free()) a query for the paragraphs of
 * DB like EXAMPLE's: its NG_SIMILAR_TERMS most telling stems (Z terms),
 * ORed, each weighted by how telling it is, and leaving out every
 * paragraph of the example's file.  An example without a word to go by
 * gives a query that matches nothing.
 *
 * Returns NG_OK; NG_BAD_ARGUMENT with a message naming EXAMPLE->name in
 * *ERROR when DB holds nothing of the file, or not the paragraph asked
 * for; NG_NO_MEMORY; or the status of a failed index call (NG_INDEX_MODIFIED
 * among them: reopen and retry) with DB's message in *ERROR.  *ERROR is
 * newly allocated (caller frees) or NULL when memory ran out.
 */
ng_status_t ng_similar_query(xc_db_t *db, const ng_example_t *example,
                             xc_query_t **out, char **error);

#endif
