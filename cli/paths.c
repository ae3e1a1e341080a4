#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"

char *ng_paths_index(const char *option)
{
    const char *env = getenv("NEWSGREP_DB");
    char *path = NULL;
    if (option)
        return strdup(option);
    if (env && *env)
        return strdup(env);
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    /* The XDG specification asks that a relative XDG_DATA_HOME be ignored. */
    if (xdg && xdg[0] == '/') {
        if (asprintf(&path, "%s/newsgrep/index", xdg) < 0)
            path = NULL;
    } else if (home && *home) {
        if (asprintf(&path, "%s/.local/share/newsgrep/index", home) < 0)
            path = NULL;
    }
    return path;
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
