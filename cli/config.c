#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "paths.h"
#include "stemmer.h"

typedef enum {
    KEY_DB, KEY_LANGUAGE, KEY_COLOR, KEY_MAX_COUNT, KEY_PER_STORY, KEY_SORT,
    KEY_SYNONYMS, KEY_ROOT, N_KEYS
} setting_t;

static const char *const key_names[N_KEYS] = {
    "db", "language", "color", "max-count", "per-story", "sort", "synonyms",
    "root",
};

/* The words of each enumeration, in the order of its values. */
static const char *const color_words[] = { "auto", "always", "never", NULL };
static const char *const sort_words[] = { "relevance", "newest", "oldest",
                                          NULL };

int ng_config_parse_count(const char *text, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end || v == 0 || v > UINT_MAX ||
        text[0] == '-')
        return 0;
    *out = (unsigned)v;
    return 1;
}

/* Stores in *OUT the place of TEXT in WORDS; returns 0 if it is not there. */
static int parse_word(const char *text, const char *const *words, int *out)
{
    for (int i = 0; words[i]; i++) {
        if (strcmp(text, words[i]) == 0) {
            *out = i;
            return 1;
        }
    }
    return 0;
}

int ng_config_parse_color(const char *text, color_mode_t *out)
{
    int i;
    if (!parse_word(text, color_words, &i))
        return 0;
    *out = (color_mode_t)i;
    return 1;
}

int ng_config_parse_sort(const char *text, ng_sort_t *out)
{
    int i;
    if (!parse_word(text, sort_words, &i))
        return 0;
    *out = (ng_sort_t)i;
    return 1;
}

ng_status_t ng_config_check_language(const char *language, char **error)
{
    ng_stemmer_t *probe = NULL;
    ng_status_t st = ng_stemmer_new(language, &probe);
    ng_stemmer_free(probe);
    if (st != NG_UNKNOWN_LANGUAGE)
        return st;
    char *names = NULL;
    size_t size = 0;
    FILE *list = open_memstream(&names, &size);
    if (!list)
        return NG_NO_MEMORY;
    for (const char **l = ng_stemmer_list(); *l; l++)
        fprintf(list, "%s%s", l == ng_stemmer_list() ? "" : ", ", *l);
    if (fclose(list) != 0 ||
        asprintf(error, "unknown language '%s' (one of: %s)", language,
                 names) < 0) {
        free(names);
        return NG_NO_MEMORY;
    }
    free(names);
    return NG_UNKNOWN_LANGUAGE;
}

/* Stores in *ERROR the message "config 'FILE' line LINE: ...", or when
 * LINE is 0 "cannot read config 'FILE': ...", and returns ST. */
static ng_status_t __attribute__((format(printf, 5, 6)))
fail(char **error, ng_status_t st, const char *file, unsigned line,
     const char *fmt, ...)
{
    char *what = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&what, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NG_NO_MEMORY;
    n = line ? asprintf(error, "config '%s' line %u: %s", file, line, what)
             : asprintf(error, "cannot read config '%s': %s", file, what);
    free(what);
    return n < 0 ? NG_NO_MEMORY : st;
}

/* Expands a leading "~/" of VALUE.  Returns the path (caller frees), or
 * NULL with *WHY set to the problem. */
static char *expand_path(const char *value, const char **why)
{
    char *path = NULL;
    if (value[0] == '/') {
        path = strdup(value);
    } else if (value[0] == '~' && (value[1] == '/' || value[1] == '\0')) {
        const char *home = getenv("HOME");
        if (!home || !*home) {
            *why = "HOME is not set";
            return NULL;
        }
        if (asprintf(&path, "%s%s", home, value + 1) < 0)
            path = NULL;
    } else {
        *why = "an absolute path or one starting with '~/' is expected";
        return NULL;
    }
    if (!path)
        *why = "out of memory";
    return path;
}

/* Stores VALUE for KEY in CFG.  Returns NULL, or what is wrong with VALUE;
 * a message that names VALUE itself may come in *MESSAGE (caller frees). */
static const char *set_value(ng_config_t *cfg, setting_t key, const char *value,
                             char **message)
{
    const char *why = NULL;
    char *path = NULL;
    int ok = 1;
    switch (key) {
    case KEY_DB:
    case KEY_SYNONYMS:
    case KEY_ROOT:
        path = expand_path(value, &why);
        if (!path)
            return why;
        if (key == KEY_DB) {
            cfg->db = path;
        } else if (key == KEY_SYNONYMS) {
            cfg->synonyms = path;
        } else {
            char **grown = realloc(cfg->roots,
                                   (cfg->n_roots + 1) * sizeof *grown);
            if (!grown) {
                free(path);
                return "out of memory";
            }
            cfg->roots = grown;
            cfg->roots[cfg->n_roots++] = path;
        }
        return NULL;
    case KEY_LANGUAGE:
        if (ng_config_check_language(value, message) != NG_OK)
            return *message ? *message : "out of memory";
        cfg->language = strdup(value);
        return cfg->language ? NULL : "out of memory";
    case KEY_COLOR:
        ok = cfg->color_set = ng_config_parse_color(value, &cfg->color);
        why = "auto, always or never is expected";
        break;
    case KEY_MAX_COUNT:
        ok = ng_config_parse_count(value, &cfg->max_count);
        why = "a positive number is expected";
        break;
    case KEY_PER_STORY:
        ok = ng_config_parse_count(value, &cfg->per_story);
        why = "a positive number is expected";
        break;
    case KEY_SORT:
        ok = cfg->sort_set = ng_config_parse_sort(value, &cfg->sort);
        why = "relevance, newest or oldest is expected";
        break;
    case N_KEYS:
        break;
    }
    return ok ? NULL : why;
}

/* Removes blanks at both ends of the LEN bytes at S, in place; returns the
 * start of what is left. */
static char *trim(char *s, size_t len)
{
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
                       s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    s[len] = '\0';
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Reads the settings of the open file IN, named FILE, into CFG. */
static ng_status_t parse(FILE *in, const char *file, ng_config_t *cfg,
                         char **error)
{
    unsigned first_line[N_KEYS] = { 0 };
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned line = 0;
    ng_status_t st = NG_OK;
    while (st == NG_OK && (len = getline(&buf, &cap, in)) >= 0) {
        line++;
        /* A '#' after a blank starts a comment, as does one at the start. */
        for (char *p = buf; *p; p++) {
            if (*p == '#' && (p == buf || p[-1] == ' ' || p[-1] == '\t')) {
                *p = '\0';
                len = p - buf;
                break;
            }
        }
        char *text = trim(buf, (size_t)len);
        if (*text == '\0')
            continue;
        char *eq = strchr(text, '=');
        if (!eq) {
            st = fail(error, NG_BAD_INPUT, file, line,
                      "expected 'setting = value', got '%s'", text);
            break;
        }
        char *value = trim(eq + 1, strlen(eq + 1));
        char *name = trim(text, (size_t)(eq - text));
        int key = N_KEYS;
        for (int k = 0; k < N_KEYS && key == N_KEYS; k++)
            if (strcmp(name, key_names[k]) == 0)
                key = k;
        char *message = NULL;
        const char *why;
        if (key == N_KEYS)
            st = fail(error, NG_BAD_INPUT, file, line,
                      "unknown setting '%s'", name);
        else if (first_line[key] && key != KEY_ROOT)
            st = fail(error, NG_BAD_INPUT, file, line,
                      "'%s' is set again (first on line %u)", name,
                      first_line[key]);
        else if (*value == '\0')
            st = fail(error, NG_BAD_INPUT, file, line,
                      "'%s' needs a value", name);
        else if ((why = set_value(cfg, (setting_t)key, value, &message)))
            st = message
                ? fail(error, NG_BAD_INPUT, file, line, "%s", message)
                : fail(error, NG_BAD_INPUT, file, line,
                       "invalid value '%s' for '%s': %s", value, name, why);
        else
            first_line[key] = line;
        free(message);
    }
    if (st == NG_OK && ferror(in))
        st = fail(error, NG_IO_ERROR, file, 0, "%s", strerror(errno));
    free(buf);
    return st;
}

ng_status_t ng_config_read(const char *path, int required, ng_config_t *cfg,
                           char **error)
{
    memset(cfg, 0, sizeof *cfg);
    *error = NULL;
    FILE *in = fopen(path, "r");
    if (!in) {
        if (errno == ENOENT && !required)
            return NG_OK;
        return fail(error, NG_IO_ERROR, path, 0, "%s", strerror(errno));
    }
    ng_status_t st = NG_OK;
    cfg->file = strdup(path);
    if (!cfg->file)
        st = NG_NO_MEMORY;
    else
        st = parse(in, path, cfg, error);
    fclose(in);
    if (st != NG_OK)
        ng_config_clear(cfg);
    return st;
}

ng_status_t ng_config_load(ng_config_t *cfg, char **error)
{
    int named = 0;
    char *path = ng_paths_config(&named);
    if (!path) {
        memset(cfg, 0, sizeof *cfg);
        *error = NULL;
        return NG_OK;
    }
    ng_status_t st = ng_config_read(path, named, cfg, error);
    free(path);
    return st;
}

void ng_config_apply(const ng_config_t *cfg, cli_options_t *opts)
{
    if (cfg->language)
        opts->language = cfg->language;
    if (cfg->color_set)
        opts->color = cfg->color;
    if (cfg->max_count)
        opts->max_hits = cfg->max_count;
    if (cfg->per_story)
        opts->per_story = cfg->per_story;
    if (cfg->sort_set)
        opts->sort = cfg->sort;
    if (cfg->synonyms)
        opts->synonyms = cfg->synonyms;
    opts->roots = cfg->roots;
    opts->n_roots = cfg->n_roots;
}

void ng_config_clear(ng_config_t *cfg)
{
    free(cfg->file);
    free(cfg->db);
    free(cfg->language);
    free(cfg->synonyms);
    for (size_t i = 0; i < cfg->n_roots; i++)
        free(cfg->roots[i]);
    free(cfg->roots);
    memset(cfg, 0, sizeof *cfg);
}
