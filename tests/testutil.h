/*
 * testutil.h: small helpers shared by the tests (temporary folders, files,
 * running the built binary).  Every function aborts the test through cmocka's
 * fail_msg() on failure, so callers need not check.
 */
#ifndef NEWSGREP_TESTUTIL_H
#define NEWSGREP_TESTUTIL_H

#include <stddef.h>

/* Creates a fresh temporary folder and returns its path (caller frees). */
char *tu_tempdir(void);

/* Removes PATH and everything below it; a missing PATH is fine. */
void tu_remove_tree(const char *path);

/* Writes the NUL-terminated CONTENT to DIR/NAME, creating folders on the way;
 * returns the file's path (caller frees). */
char *tu_write_file(const char *dir, const char *name, const char *content);

/* Returns a newly allocated "A/B". */
char *tu_path_join(const char *a, const char *b);

/* The result of running a command. */
typedef struct {
    int status;      /* exit status, or 128 + signal number */
    char *out;       /* everything written to stdout, NUL-terminated */
    char *err;       /* everything written to stderr, NUL-terminated */
} tu_run_t;

/*
 * Runs ARGV (argv[0] is looked up in PATH unless it holds a '/') with the
 * extra environment assignments ENV ("NAME=value", NULL-terminated, may be
 * NULL) and stdin from /dev/null, and captures its output.
 */
tu_run_t tu_run(const char *const argv[], const char *const env[]);
void tu_run_free(tu_run_t *run);

/* The value of the environment variable NAME, failing the test if unset. */
const char *tu_getenv(const char *name);

/*
 * Writes each of the NULL-terminated STORIES (a story file's text:
 * headline, blank line, paragraphs separated by blank lines) as a file in
 * DIR/NAME.stories and indexes them into a new index DIR/NAME; returns the
 * index's path (caller frees).
 */
char *tu_index_stories(const char *dir, const char *name,
                       const char *const stories[]);

#endif
