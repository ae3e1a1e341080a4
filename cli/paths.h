/*
 * paths.h: where newsgrep keeps its index and finds its bundled stories.
 */
#ifndef NEWSGREP_PATHS_H
#define NEWSGREP_PATHS_H

/*
 * The index to use: OPTION (from --db) if not NULL, else $NEWSGREP_DB, else
 * $XDG_DATA_HOME/newsgrep/index, else $HOME/.local/share/newsgrep/index.
 * Newly allocated (caller frees); NULL if memory ran out or no $HOME is set
 * when it is needed.
 */
char *ng_paths_index(const char *option);

/*
 * The folder of the stories that ship with newsgrep: $NEWSGREP_CORPUS, else
 * the installed copy (PKGDATADIR/corpus), else the source tree's corpus/ when
 * running from a build that was not installed.  Newly allocated (caller
 * frees); NULL if none exists.
 */
char *ng_paths_bundled_corpus(void);

#endif
