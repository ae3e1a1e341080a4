/*
 * config.h: the user's settings, read from a file before the command line
 * so that options given there override them.
 *
 * The file (paths.h's ng_paths_config() says where it is) holds lines of
 * "key = value"; a '#' at the start of a line or after a blank starts a
 * comment, and blank lines are ignored.  Keys:
 *
 *   db = PATH          the index (below --db and $NEWSGREP_DB)
 *   language = LANG    stemming language of a new index
 *   color = WHEN       auto, always or never
 *   max-count = N      paragraphs shown, a positive number
 *   per-story = N      paragraphs shown per story, a positive number
 *   sort = ORDER       relevance, newest or oldest
 *   synonyms = PATH    an extra synonyms file
 *   root = PATH        a folder or file that "newsgrep index" indexes;
 *                      may be given more than once
 *
 * Paths must be absolute or start with "~/" (the home folder).  Everything
 * else is an error, so that a typo does not go unnoticed: an unknown key, a
 * bad value, a key other than root given twice.
 */
#ifndef NEWSGREP_CONFIG_H
#define NEWSGREP_CONFIG_H

#include <stddef.h>

#include "cli.h"
#include "status.h"

typedef struct {
    char *file;            /* the file read; NULL when there was none */
    char *db;              /* each NULL, 0 or *_set == 0 when not set */
    char *language;
    int color_set;
    color_mode_t color;
    unsigned max_count;
    unsigned per_story;
    int sort_set;
    ng_sort_t sort;
    char *synonyms;
    char **roots;          /* N_ROOTS paths, in the order given */
    size_t n_roots;
} ng_config_t;

/*
 * Reads the config file PATH into CFG, which starts out cleared.  A missing
 * file leaves CFG empty and is fine unless REQUIRED.  Returns NG_OK;
 * NG_BAD_INPUT for a line that is wrong, NG_IO_ERROR if the file cannot be
 * read (or is missing and REQUIRED), NG_NO_MEMORY; then *ERROR holds one
 * line naming the file, the line and the problem, without the program's
 * name (caller frees), and CFG is empty.  Free CFG with ng_config_clear().
 */
ng_status_t ng_config_read(const char *path, int required, ng_config_t *cfg,
                           char **error);

/*
 * Reads the config file the environment points to (ng_paths_config()) into
 * CFG.  Returns as ng_config_read(); with no $HOME to find it, NG_OK and an
 * empty CFG.
 */
ng_status_t ng_config_load(ng_config_t *cfg, char **error);

/*
 * Copies the settings of CFG into OPTS as the defaults that the command
 * line then overrides.  The db setting is not copied: it ranks below
 * $NEWSGREP_DB, so it goes to ng_paths_index() instead.  OPTS borrows
 * CFG's strings: keep CFG until OPTS is no longer used.  Cannot fail.
 */
void ng_config_apply(const ng_config_t *cfg, cli_options_t *opts);

/* Frees what CFG holds and clears it; CFG may be cleared already. */
void ng_config_clear(ng_config_t *cfg);

/*
 * The values of the settings, shared with the command line: each stores
 * the value TEXT stands for in *OUT and returns 1, or returns 0 if TEXT is
 * not a positive number (that fits an unsigned), not auto, always or never,
 * not relevance, newest or oldest.
 */
int ng_config_parse_count(const char *text, unsigned *out);
int ng_config_parse_color(const char *text, color_mode_t *out);
int ng_config_parse_sort(const char *text, ng_sort_t *out);

/*
 * Checks that LANGUAGE names a stemmer.  Returns NG_OK, or
 * NG_UNKNOWN_LANGUAGE with "unknown language 'x' (one of: ...)" in *ERROR
 * (caller frees), or NG_NO_MEMORY.
 */
ng_status_t ng_config_check_language(const char *language, char **error);

#endif
