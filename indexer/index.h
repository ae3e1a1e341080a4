/*
 * index.h: the index builder.  Reads stories from files and folders, turns
 * each paragraph into an index document (terms.h, schema.h) and writes it
 * through the Xapian binding.
 *
 * A story is replaced whole: indexing it again first deletes every paragraph
 * it had, so a story that lost paragraphs leaves none behind.
 */
#ifndef NEWSGREP_INDEX_H
#define NEWSGREP_INDEX_H

#include <stddef.h>

#include "status.h"
#include "story.h"

typedef struct ng_index ng_index_t;

/* Counts of one run, added to by each call. */
typedef struct {
    unsigned stories;      /* stories indexed */
    unsigned paragraphs;   /* paragraphs (documents) written */
    unsigned skipped;      /* files that could not be indexed */
    unsigned repaired;     /* stories whose text had to be repaired */
} ng_index_counts_t;

/* Told about each file skipped or repaired: PATH and a lowercase reason. */
typedef void (*ng_index_warn_fn)(void *ctx, const char *path,
                                 const char *message);

/*
 * Opens the index at DB_PATH for writing, creating it (and its folder) if
 * missing.  LANGUAGE names the stemmer for a new index; NULL means the
 * index's own language, or English for a new one.  Asking an existing index
 * for another language than it was built with is NG_BAD_ARGUMENT (rebuild it
 * instead).  Returns NG_OK with the handle in *OUT, or NG_INDEX_LOCKED,
 * NG_INDEX_CORRUPT, NG_UNKNOWN_LANGUAGE, NG_NO_MEMORY, NG_INDEX_ERROR, with a
 * message in *ERROR (caller frees).
 */
ng_status_t ng_index_open(const char *db_path, const char *language,
                          ng_index_t **out, char **error);

/*
 * Indexes PATH, a story file or a folder searched recursively for "*.txt"
 * files (hidden files and folders are left out; symbolic links to files are
 * followed, to folders not), and remembers PATH as a root of the index.
 * A file that cannot be read or parsed is skipped and reported through WARN,
 * and the rest go on.  Returns NG_OK even when files were skipped (see
 * COUNTS), NG_IO_ERROR if PATH itself cannot be read, or an index error; the
 * message is then on the handle (ng_index_error()).
 */
ng_status_t ng_index_add_path(ng_index_t *index, const char *path,
                              ng_index_counts_t *counts,
                              ng_index_warn_fn warn, void *warn_ctx);

/*
 * Indexes STORY under ID, read from the file ABS_PATH, replacing any story
 * with that id.  Returns NG_OK or an error with the message on the handle.
 */
ng_status_t ng_index_add_story(ng_index_t *index, const char *id,
                               const char *abs_path, const ng_story_t *story);

/*
 * The remembered roots, as a NULL-terminated array of absolute paths
 * (caller frees each and the array), through *ROOTS.
 */
ng_status_t ng_index_roots(ng_index_t *index, char ***roots);

/* Commits what was indexed and records the time of this update. */
ng_status_t ng_index_commit(ng_index_t *index);

/* The message of the last failure on INDEX, or ""; borrowed, valid until the
 * next call on it. */
const char *ng_index_error(const ng_index_t *index);

/* Commits and closes INDEX; NULL is allowed.  Call ng_index_commit() first
 * when its errors matter. */
void ng_index_close(ng_index_t *index);

/*
 * The story id of the file at ABS_PATH found under ROOT (both absolute, as
 * schema.h defines it): ROOT's last component, "/", the path below ROOT,
 * without a ".txt" extension.  When ABS_PATH equals ROOT (a file given by
 * itself), its parent folder is taken as the root.  Newly allocated; NULL if
 * memory ran out.
 */
char *ng_index_story_id(const char *root, const char *abs_path);

#endif
