#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"

/*
 * XDG_VAR/LEAF if the variable XDG_VAR holds an absolute path, else
 * $HOME/FALLBACK/LEAF.  The XDG specification asks that a relative value be
 * ignored.  Newly allocated; NULL if memory ran out or HOME is not set.
 */
static char *xdg_path(const char *xdg_var, const char *fallback,
                      const char *leaf)
{
    const char *xdg = getenv(xdg_var);
    const char *home = getenv("HOME");
    char *path = NULL;
    if (xdg && xdg[0] == '/') {
        if (asprintf(&path, "%s/%s", xdg, leaf) < 0)
            path = NULL;
    } else if (home && *home) {
        if (asprintf(&path, "%s/%s/%s", home, fallback, leaf) < 0)
            path = NULL;
    }
    return path;
}

char *ng_paths_index(const char *option, const char *configured)
{
    const char *env = getenv("NEWSGREP_DB");
    if (option)
        return strdup(option);
    if (env && *env)
        return strdup(env);
    if (configured)
        return strdup(configured);
    return xdg_path("XDG_DATA_HOME", ".local/share", "newsgrep/index");
}

char *ng_paths_config(int *named)
{
    const char *env = getenv("NEWSGREP_CONFIG");
    *named = env && *env;
    if (*named)
        return strdup(env);
    return xdg_path("XDG_CONFIG_HOME", ".config", "newsgrep/config");
}

static int is_folder(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

char *ng_paths_bundled_corpus(void)
{
    const char *env = getenv("NEWSGREP_CORPUS");
    if (env && *env)
        return is_folder(env) ? strdup(env) : NULL;
    const char *candidates[] = { NEWSGREP_PKGDATADIR "/corpus",
                                 NEWSGREP_SRCDIR "/corpus" };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (is_folder(candidates[i]))
            return strdup(candidates[i]);
    return NULL;
}

char *ng_paths_shipped_synonyms(void)
{
    const char *candidates[] = { NEWSGREP_PKGDATADIR "/synonyms.txt",
                                 NEWSGREP_SRCDIR "/data/synonyms.txt" };
    struct stat sb;
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (stat(candidates[i], &sb) == 0 && S_ISREG(sb.st_mode))
            return strdup(candidates[i]);
    return NULL;
}

char *ng_paths_user_synonyms(void)
{
    return xdg_path("XDG_CONFIG_HOME", ".config", "newsgrep/synonyms");
}
