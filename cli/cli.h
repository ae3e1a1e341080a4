/*
 * cli.h: what the command line's parts share: the options, the exit codes
 * and the one function that prints diagnostics.
 */
#ifndef NEWSGREP_CLI_H
#define NEWSGREP_CLI_H

#include <stddef.h>

#include "search.h"

/* Exit codes, as grep's: a script can rely on them. */
#define EXIT_MATCH 0
#define EXIT_NO_MATCH 1
#define EXIT_TROUBLE 2
#define EXIT_SKIPPED 3   /* index: done, but some files were skipped */

typedef enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_mode_t;
typedef struct {
    const char *db;           /* --db */
    const char *language;     /* --language */
    unsigned max_hits;        /* -n */
    color_mode_t color;       /* --color */
    int json;                 /* --json */
    int quiet;                /* -q */
    int wait;                 /* --wait: wait for another indexer */
    int watch;                /* --watch: keep indexing as stories land */
    unsigned settle_ms;       /* --settle: quiet time before a watch run */
    unsigned batch;           /* --batch: stories per commit */
    unsigned jobs;            /* --jobs: threads of a first build; 0: all
                                 cores */
    unsigned part_size;       /* --part-size: paragraphs per partial index
                                 of a threaded first build; 0: default */
    int max_hits_given;       /* -n was given */
    unsigned per_story;       /* --per-story: paragraphs shown per story */
    int per_story_given;      /* --per-story was given */
    int stories;              /* --stories: rank whole stories */
    int files_only;           /* -l: print the paths of matching stories */
    int count;                /* -c: print how many matched */
    ng_sort_t sort;           /* --sort: order of the hits */
    const char *batch_file;   /* search --batch: the queries, "-" stdin */
    const char *synonyms;     /* an extra synonyms file, or NULL */
    int no_synonyms;          /* --no-synonyms */
    unsigned context;         /* -C: paragraphs shown around each hit */
    unsigned timeout;         /* --timeout: seconds a cluster's shard may
                                 take to answer; 0: the default */
    int allow_partial;        /* --allow-partial: answer without the shards
                                 that do not */
    const char *listen;       /* serve --listen: [HOST:]PORT */
    int writable;             /* serve --writable */
    /* The config file's roots, indexed by "newsgrep index" without PATH
     * together with the remembered ones; borrowed from the config. */
    char *const *roots;
    size_t n_roots;
} cli_options_t;

/* Paragraphs of one story shown by default: the best one and, when it
 * ranks among the hits, the next best; "+K more" tells of the rest. */
#define CLI_PER_STORY 2

/* Prints "newsgrep: MESSAGE" and a newline on stderr. */
void cli_complain(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* "newsgrep index": brings the index at DB_PATH up to date with PATHS (or
 * its remembered roots) and, with --watch, keeps it so.  Returns an exit
 * code. */
int cli_index(const char *db_path, const cli_options_t *opts,
              char *const *paths, size_t n_paths);

/* "newsgrep compact": rewrites the index at DB_PATH compactly (index.h's
 * ng_index_compact()), waiting for another writer with --wait.  Returns an
 * exit code. */
int cli_compact(const char *db_path, const cli_options_t *opts);

/* "newsgrep serve": serves the index at DB_PATH over Xapian's remote
 * protocol by running xapian-tcpsrv in this process's place.  Returns an
 * exit code only when it could not. */
int cli_serve(const char *db_path, const cli_options_t *opts);

/* Bytes the files of the index folder DIR take on disk; 0 if it cannot be
 * read. */
unsigned long long cli_disk_usage(const char *dir);

/* "newsgrep stats": prints what the index at DB_PATH holds.  Returns an
 * exit code. */
int cli_stats(const char *db_path, const cli_options_t *opts);

#endif
