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

#include <signal.h>
#include <stddef.h>

#include "status.h"
#include "story.h"

typedef struct ng_index ng_index_t;

/* Counts of one run. */
typedef struct {
    unsigned added;        /* new stories indexed */
    unsigned updated;      /* changed or moved stories indexed again */
    unsigned removed;      /* stories whose file is gone */
    unsigned unchanged;    /* stories left as they were */
    unsigned skipped;      /* files that could not be read or understood */
    unsigned repaired;     /* stories whose text had to be repaired */
    unsigned paragraphs;   /* paragraphs (documents) written */
    unsigned bad_paths;    /* paths given that could not be read at all */
} ng_index_counts_t;

/* Told about each file skipped or repaired: PATH and a lowercase reason. */
typedef void (*ng_index_warn_fn)(void *ctx, const char *path,
                                 const char *message);

/* Told how far a run has come: DONE of TOTAL story files looked at. */
typedef void (*ng_index_progress_fn)(void *ctx, size_t done, size_t total);

typedef struct {
    ng_index_warn_fn warn;            /* may be NULL */
    void *warn_ctx;
    ng_index_progress_fn progress;    /* may be NULL */
    void *progress_ctx;
    /* When not NULL and set non-zero (by a signal handler), the run stops
     * after the story at hand, commits what is done and returns
     * NG_INTERRUPTED. */
    const volatile sig_atomic_t *stop;
    unsigned batch;   /* stories per commit; 0: NG_INDEX_BATCH; shared by the
                         threads of a first build */
    /* Threads for a first build (an index that records no file yet): 0
     * means one per core, from NG_INDEX_PARALLEL_MIN new files on; 1 means
     * none; N means N, for any number of files. */
    unsigned jobs;
    /* Paragraphs each thread of a first build writes into one partial
     * index before it starts another; 0: NG_INDEX_PART_PARAGRAPHS, growing
     * (NG_INDEX_PARTS_PER_DOUBLING). */
    unsigned long part_paragraphs;
} ng_index_run_t;

/* How many new files a first build needs before it is spread over the
 * cores by itself: below it, starting threads and merging costs more than it
 * saves. */
#define NG_INDEX_PARALLEL_MIN 2000

/* Stories written between commits unless the run says otherwise. */
#define NG_INDEX_BATCH 1000

/* A Xapian commit rewrites more blocks the larger the index, so a large
 * first build writes several partial indexes of about this many paragraphs
 * and merges them all at once: its cost stays in line with its size.  The
 * parts double in size after every NG_INDEX_PARTS_PER_DOUBLING of them, so
 * that a very large build merges a few hundred at most, each open at once.
 * Measured at 10 copies of the benchmark's news (1.2 million paragraphs):
 * fixed parts of 7,500, 15,000, 30,000 and 100,000 paragraphs built in
 * 116, 109, 113 and 123 to 130 s, these growing parts in 117 s against
 * 122.5 s for 100,000 back to back (bench/RESULTS.md). */
#define NG_INDEX_PART_PARAGRAPHS 15000
#define NG_INDEX_PARTS_PER_DOUBLING 32

/* At most this many threads when the cores decide (RUN->jobs 0). */
#define NG_INDEX_MAX_AUTO_JOBS 4

/*
 * Opens the index at DB_PATH for writing, creating it (and its folder) if
 * missing.  LANGUAGE names the stemmer for a new index; NULL means the
 * index's own language, or English for a new one.  Asking an existing index
 * for another language than it was built with is NG_BAD_ARGUMENT (rebuild it
 * instead).  Returns NG_OK with the handle in *OUT, or NG_INDEX_LOCKED (when
 * another process is writing it), NG_INDEX_CORRUPT, NG_UNKNOWN_LANGUAGE,
 * NG_NO_MEMORY, NG_INDEX_ERROR, with a message in *ERROR (caller frees).
 */
ng_status_t ng_index_open(const char *db_path, const char *language,
                          ng_index_t **out, char **error);

/*
 * Brings the index up to date with PATHS (N_PATHS story files or folders),
 * or, when N_PATHS is 0, with the roots it remembers.  Folders are searched
 * recursively for story files: names ending in .txt, .text, .htm, .html,
 * .xhtml, .xml, .rss, .atom, .rdf, .json, .jsonl or .ndjson, each possibly
 * followed by .gz; a file given by itself is read whatever its name.  The
 * format of each (formats.h) is told by its content.  Hidden files and
 * folders are left out, and links to files are followed, to folders not.
 * Each path given is remembered as a root, unless it lies below one.
 *
 * New files are indexed; a file whose size or modification time changed is
 * read, and indexed again only if its content changed; a new file with the
 * content of a file that is gone is the same story moved, indexed under its
 * new place and counted as updated; stories whose file is gone from a root
 * are removed.  A file that cannot be read or understood is reported through
 * RUN->warn and counted as skipped, and what the index had of it is kept; so
 * is everything below a folder that cannot be read, or below a remembered
 * root that is gone.
 *
 * Work is committed every RUN->batch stories and at the end, together with
 * what the index records of each file (filestate.h), so that a run killed at
 * any moment leaves an index that opens, and the next run finishes the job.
 *
 * A first build (RUN->jobs) spreads the new files over threads, each writing
 * its own partial index beside DB_PATH (".part1", ...), and merges them into
 * a compact copy (".merge") that is swapped in atomically, as
 * ng_index_compact() does; a run stopped before the swap leaves the index as
 * it was, and the next run does the rest.
 *
 * Returns NG_OK (COUNTS tells what was done, skipped, or could not be read),
 * NG_INTERRUPTED when RUN->stop was set, or an index error with the message
 * on the handle (ng_index_error()).
 */
ng_status_t ng_index_update(ng_index_t *index, char *const *paths,
                            size_t n_paths, const ng_index_run_t *run,
                            ng_index_counts_t *counts);

/*
 * Brings the index up to date with FILES (N_FILES absolute paths) alone, as
 * "newsgrep index --watch" learns them from the system: each that exists
 * and lies below a remembered root is looked at as ng_index_update() looks
 * at a file; each that is gone has its stories removed (or, when a new file
 * of this call has its content, moved).  Files below no remembered root are
 * left alone.  Nothing is remembered.  Returns as ng_index_update().
 */
ng_status_t ng_index_update_files(ng_index_t *index, char *const *files,
                                  size_t n_files, const ng_index_run_t *run,
                                  ng_index_counts_t *counts);

/*
 * The remembered roots, as a NULL-terminated array of absolute paths
 * (caller frees each and the array), through *ROOTS.
 */
ng_status_t ng_index_roots(ng_index_t *index, char ***roots);

/* Commits what was indexed and records the time of this update. */
ng_status_t ng_index_commit(ng_index_t *index);

/*
 * Rewrites INDEX (one index, not a cluster) compactly: commits, writes a
 * compact copy beside its folder (the folder's path, with a link to it
 * resolved, plus ".compact"), swaps the two folders in one atomic step
 * (renameat2's RENAME_EXCHANGE), and removes the old one.  Searches that
 * had the index open go on reading the old files; a crash at any moment
 * leaves either the old index or the new one in the folder, and at worst
 * a stale ".compact" folder that the next compaction removes.  INDEX must be closed right after, with nothing more
 * written to it.  Returns NG_OK or NG_INDEX_ERROR with the message on the
 * handle.
 */
ng_status_t ng_index_compact(ng_index_t *index);

/*
 * An index that another version of newsgrep made (another schema), held
 * while it is rebuilt: what it tells of itself, and where the rebuild
 * goes.  Its terms are not this version's, so it is not updated in place:
 * a new index is built beside it from its roots, at BUILD_PATH, and then
 * takes its place (ng_old_index_replace()).
 */
typedef struct {
    char *path;           /* the index's folder, a link to it resolved */
    char *schema;         /* the schema it records, not NG_SCHEMA_VERSION */
    char *language;       /* its stemmer's language, "" if none */
    char **roots;         /* the roots it remembers, NULL-terminated */
    char *build_path;     /* PATH plus ".rebuild", empty */
    struct xc_db *held;   /* the index opened writable: its lock */
} ng_old_index_t;

/*
 * Looks at DB_PATH: when it holds one index (not a cluster) that another
 * version of newsgrep made, takes its write lock, removes any folder a
 * stopped rebuild left at its BUILD_PATH, and stores in *OUT what it
 * tells; otherwise (no index, an index of this version, a cluster, or
 * something ng_index_open() will complain of) stores NULL.  Returns NG_OK,
 * or NG_INDEX_LOCKED, NG_NO_MEMORY or NG_INDEX_ERROR with a message in
 * *ERROR (caller frees).
 */
ng_status_t ng_old_index_open(const char *db_path, ng_old_index_t **out,
                              char **error);

/*
 * Puts the index built at OLD's BUILD_PATH in OLD's place in one atomic
 * step (renameat2's RENAME_EXCHANGE, as ng_index_compact() does), removes
 * the old one, and frees OLD.  A crash at any moment leaves the old index
 * or the new one in place, and at worst a folder at BUILD_PATH that the
 * next rebuild removes.  Returns NG_OK or NG_INDEX_ERROR with a message in
 * *ERROR (caller frees).
 */
ng_status_t ng_old_index_replace(ng_old_index_t *old, char **error);

/* Lets go of OLD without replacing it, removing what was built at its
 * BUILD_PATH; NULL is allowed. */
void ng_old_index_close(ng_old_index_t *old);

/* The message of the last failure on INDEX, or ""; borrowed, valid until the
 * next call on it. */
const char *ng_index_error(const ng_index_t *index);

/* Commits and closes INDEX; NULL is allowed.  Call ng_index_commit() first
 * when its errors matter. */
void ng_index_close(ng_index_t *index);

/*
 * The story id of the one-story file at ABS_PATH found under ROOT (both
 * absolute, as schema.h defines it): ROOT's last component, "/", the path
 * below ROOT, without its story extension (".txt", ".html.gz"...).  When ABS_PATH equals ROOT (a file given by
 * itself), its parent folder is taken as the root.  Newly allocated; NULL if
 * memory ran out.
 */
char *ng_index_story_id(const char *root, const char *abs_path);

#endif
