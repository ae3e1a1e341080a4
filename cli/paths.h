/*
 * paths.h: where newsgrep keeps its index and its settings, and finds its
 * bundled stories.
 */
#ifndef NEWSGREP_PATHS_H
#define NEWSGREP_PATHS_H

/*
 * The index to use, the first of: OPTION (from --db), $NEWSGREP_DB,
 * CONFIGURED (the config file's "db"), $XDG_DATA_HOME/newsgrep/index,
 * $HOME/.local/share/newsgrep/index.  OPTION and CONFIGURED may be NULL.
 * Newly allocated (caller frees); NULL if memory ran out or no $HOME is set
 * when it is needed.
 */
char *ng_paths_index(const char *option, const char *configured);

/*
 * The config file to read: $NEWSGREP_CONFIG if set and not empty (then
 * *NAMED is set to 1: the file must exist), else
 * $XDG_CONFIG_HOME/newsgrep/config, else $HOME/.config/newsgrep/config
 * (*NAMED set to 0: a missing file means defaults).  Newly allocated
 * (caller frees); NULL if memory ran out or no $HOME is set when it is
 * needed.
 */
char *ng_paths_config(int *named);

/*
 * The folder of the stories that ship with newsgrep: $NEWSGREP_CORPUS, else
 * the installed copy (PKGDATADIR/corpus), else the source tree's corpus/ when
 * running from a build that was not installed.  Newly allocated (caller
 * frees); NULL if none exists.
 */
char *ng_paths_bundled_corpus(void);

/*
 * The synonym list that ships with newsgrep: the installed copy
 * (PKGDATADIR/synonyms.txt), else the source tree's data/synonyms.txt when
 * running from a build that was not installed.  Newly allocated (caller
 * frees); NULL if neither exists.
 */
char *ng_paths_shipped_synonyms(void);

/*
 * The user's own synonym file, read after the shipped list when it exists:
 * $XDG_CONFIG_HOME/newsgrep/synonyms, else $HOME/.config/newsgrep/synonyms.
 * Newly allocated (caller frees); NULL if memory ran out or no $HOME is set
 * when it is needed.
 */
char *ng_paths_user_synonyms(void);

#endif
