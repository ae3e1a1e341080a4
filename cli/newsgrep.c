/*
 * newsgrep: full-text search over news stories.
 *
 * The command line: reads options, dispatches to a subcommand (git.c's table
 * is the model), prints results on stdout and diagnostics on stderr, and
 * exits as grep does: 0 when something matched, 1 when nothing did, 2 on an
 * error.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "paths.h"
#include "printer.h"
#include "search.h"
#include "status.h"
#include "stemmer.h"
#include "xapian-c.h"

/* The one place diagnostics are printed: "newsgrep: message" on stderr. */
void cli_complain(const char *fmt, ...)
{
    va_list ap;
    fputs("newsgrep: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const char usage_text[] =
    "usage: newsgrep [OPTIONS] WORDS...\n"
    "   or: newsgrep search [OPTIONS] WORDS...\n"
    "   or: newsgrep index [OPTIONS] [PATH...]\n"
    "   or: newsgrep stats [--db PATH]\n"
    "\n"
    "Searches news stories and prints the most relevant paragraphs, best\n"
    "first, with their headline, date, source and place in the story.\n"
    "\n"
    "Commands:\n"
    "  search   search the index (the default)\n"
    "  index    index story files and folders; with no PATH, bring the\n"
    "           index up to date with its remembered folders\n"
    "  stats    show what the index holds\n"
    "\n"
    "Options of every command:\n"
    "      --db PATH        the index to use (default: $NEWSGREP_DB, else\n"
    "                       the config file's db, else\n"
    "                       $XDG_DATA_HOME/newsgrep/index)\n"
    "  -h, --help           show this help, or with a command its own\n"
    "  -V, --version        show the version\n"
    "\n"
    "Settings are read from $NEWSGREP_CONFIG, else\n"
    "$XDG_CONFIG_HOME/newsgrep/config, else ~/.config/newsgrep/config: lines\n"
    "of 'key = value' with the keys db, language, color, max-count,\n"
    "per-story, sort, synonyms and root.  Options given override them.\n"
    "\n"
    "Exit status: 0 if a paragraph matched (or indexing succeeded), 1 if none\n"
    "did, 2 on an error.\n"
    "\n"
    "See 'newsgrep COMMAND --help' for the options of a command.\n";

static const char search_usage_text[] =
    "usage: newsgrep [search] [OPTIONS] WORDS...\n"
    "\n"
    "Searches the index and prints the most relevant paragraphs, best first,\n"
    "with their headline, date, source and place in the story.  The first\n"
    "search with no index builds one from the bundled stories.\n"
    "\n"
    "Options:\n"
    "  -n, --max-count N    show at most N paragraphs (default 10)\n"
    "      --json           one JSON object a line for each hit\n"
    "      --color=WHEN     colour the output: auto (default), always, never\n"
    "      --db PATH        the index to use (see newsgrep --help)\n"
    "      --language LANG  stemming language of a first index (default\n"
    "                       english)\n"
    "  -q, --quiet          no progress or summary on stderr\n"
    "  -h, --help           show this help\n"
    "  -V, --version        show the version\n"
    "\n"
    "Words are matched as a reader means them: case, accents and word forms\n"
    "do not matter (\"Tariffs\" finds \"tariff\"), \"rare earth\" finds\n"
    "\"rare-earth\".  Put a query that starts with '-' after \"--\".\n"
    "\n"
    "Exit status: 0 if a paragraph matched, 1 if none did, 2 on an error.\n";

static const char index_usage_text[] =
    "usage: newsgrep index [OPTIONS] [PATH...]\n"
    "\n"
    "Brings the index up to date with each PATH, a story file or a folder\n"
    "searched recursively for *.txt files, and remembers each PATH.  With no\n"
    "PATH, with the remembered ones.  New stories are added, changed ones\n"
    "replaced, deleted ones removed; unchanged ones cost a stat.  Files that\n"
    "cannot be read are reported and skipped; the rest are indexed.  Ctrl-C\n"
    "stops after the story at hand and keeps what was done.\n"
    "\n"
    "Options:\n"
    "      --db PATH        the index to write (see newsgrep --help)\n"
    "      --language LANG  stemming language of a new index (default english)\n"
    "      --wait           wait while another process writes the index,\n"
    "                       instead of failing\n"
    "      --watch          keep running and index stories as they land\n"
    "      --settle MS      with --watch, wait until the roots have been\n"
    "                       quiet this long before indexing (default 1000)\n"
    "      --batch N        commit every N stories (default 1000)\n"
    "  -q, --quiet          no progress or summary on stderr\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 on success, 3 if some files were skipped (each named on\n"
    "stderr), 2 if a PATH could not be read or the index could not be\n"
    "written, 128+N when stopped by signal N.\n";

static const char stats_usage_text[] =
    "usage: newsgrep stats [--db PATH]\n"
    "\n"
    "Shows what the index holds: its stories, files, paragraphs and distinct\n"
    "words, its size on disk, language, last update and remembered folders.\n"
    "\n"
    "Options:\n"
    "      --db PATH        the index to read (see newsgrep --help)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 on success, 2 if the index cannot be read.\n";

enum { OPT_COLOR = 256, OPT_JSON, OPT_DB, OPT_LANGUAGE, OPT_WAIT, OPT_WATCH,
       OPT_SETTLE, OPT_BATCH };

static const struct option long_options[] = {
    { "max-count", required_argument, NULL, 'n' },
    { "json", no_argument, NULL, OPT_JSON },
    { "color", optional_argument, NULL, OPT_COLOR },
    { "colour", optional_argument, NULL, OPT_COLOR },
    { "db", required_argument, NULL, OPT_DB },
    { "language", required_argument, NULL, OPT_LANGUAGE },
    { "wait", no_argument, NULL, OPT_WAIT },
    { "watch", no_argument, NULL, OPT_WATCH },
    { "settle", required_argument, NULL, OPT_SETTLE },
    { "batch", required_argument, NULL, OPT_BATCH },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};
static const char short_options[] = "n:qhV";

/* Parses a count given to OPTION; returns 0 and complains if it is not a
 * positive integer. */
static int parse_count(const char *option, const char *arg, unsigned *out)
{
    if (!ng_config_parse_count(arg, out)) {
        cli_complain("invalid count for %s: '%s' (a positive number is expected)",
                 option, arg);
        return 0;
    }
    return 1;
}

typedef enum { CMD_SEARCH, CMD_INDEX, CMD_STATS } command_t;

/*
 * Parses the options of ARGV into OPTS; NAMED tells whether CMD was named
 * on the command line.  Returns -1 to go on, or an exit
 * status when the command line asked for help or version, or was wrong.
 * Non-option arguments are left at ARGV[optind..].
 */
static int parse_options(int argc, char **argv, command_t cmd, int named,
                         cli_options_t *opts)
{
    /* Plain "newsgrep --help" is the overview; a command's, its own. */
    const char *help = cmd == CMD_INDEX ? index_usage_text
                       : cmd == CMD_STATS ? stats_usage_text
                       : named ? search_usage_text : usage_text;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, short_options, long_options,
                            NULL)) != -1) {
        switch (c) {
        case 'n':
            if (!parse_count("-n", optarg, &opts->max_hits))
                return EXIT_TROUBLE;
            break;
        case OPT_JSON: opts->json = 1; break;
        case OPT_COLOR:
            if (!optarg)
                opts->color = COLOR_ALWAYS;
            else if (!ng_config_parse_color(optarg, &opts->color)) {
                cli_complain("invalid value for --color: '%s' (auto, always or "
                         "never)", optarg);
                return EXIT_TROUBLE;
            }
            break;
        case OPT_DB: opts->db = optarg; break;
        case OPT_LANGUAGE: opts->language = optarg; break;
        case 'q': opts->quiet = 1; break;
        case OPT_WAIT: opts->wait = 1; break;
        case OPT_WATCH: opts->watch = 1; break;
        case OPT_SETTLE:
            if (!parse_count("--settle", optarg, &opts->settle_ms))
                return EXIT_TROUBLE;
            break;
        case OPT_BATCH:
            if (!parse_count("--batch", optarg, &opts->batch))
                return EXIT_TROUBLE;
            break;
        case 'h':
            fputs(help, stdout);
            return EXIT_MATCH;
        case 'V':
            printf("newsgrep %s (Xapian %s)\n", PACKAGE_VERSION, xc_version());
            return EXIT_MATCH;
        case ':':
            cli_complain("option '%s' needs a value (see newsgrep --help)",
                     argv[optind - 1]);
            return EXIT_TROUBLE;
        default:
            if (optopt && optopt < 256)
                cli_complain("unknown option '-%c' (see newsgrep --help)", optopt);
            else
                cli_complain("unknown option '%s' (see newsgrep --help)",
                         argv[optind - 1]);
            return EXIT_TROUBLE;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* search                                                              */

/* Non-zero if nothing is at PATH, or only an empty folder: the place where a
 * first search may build an index by itself. */
static int no_index_yet(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(sb.st_mode))
        return 0;
    /* rmdir() fails on a folder that holds anything; a succeeding one is
     * made again right away by the index builder. */
    return rmdir(path) == 0;
}

/* Builds an index at DB_PATH from the bundled stories.  Returns 1 on
 * success; complains and returns 0 otherwise. */
static int build_first_index(const char *db_path, const cli_options_t *opts)
{
    char *corpus = ng_paths_bundled_corpus();
    if (!corpus) {
        cli_complain("no index at '%s' and no bundled stories to build one: "
                 "run 'newsgrep index PATH'", db_path);
        return 0;
    }
    cli_complain("no index at '%s' yet: building one from the bundled stories "
             "in '%s'", db_path, corpus);
    cli_options_t quiet = *opts;
    quiet.quiet = 1;
    quiet.watch = 0;
    int rc = cli_index(db_path, &quiet, &corpus, 1);
    free(corpus);
    return rc == EXIT_MATCH || rc == EXIT_SKIPPED;
}

/* Joins WORDS with spaces into one query; NULL if memory ran out. */
static char *join_words(char *const *words, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(words[i]) + 1;
    char *q = malloc(len);
    if (!q)
        return NULL;
    q[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(q, " ");
        strcat(q, words[i]);
    }
    return q;
}

static int use_color(color_mode_t mode)
{
    if (mode != COLOR_AUTO)
        return mode == COLOR_ALWAYS;
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    if (no_color && *no_color)
        return 0;
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(STDOUT_FILENO);
}

static int run_search(const char *db_path, const cli_options_t *opts,
                      char *const *words, size_t n_words)
{
    if (n_words == 0) {
        cli_complain("no search words given (see newsgrep --help)");
        return EXIT_TROUBLE;
    }
    char *query = join_words(words, n_words);
    if (!query) {
        cli_complain("out of memory");
        return EXIT_TROUBLE;
    }
    ng_search_options_t so = { opts->max_hits, 0 };
    ng_results_t *results = NULL;
    char *error = NULL;
    ng_status_t st = ng_search_run(db_path, query, &so, &results, &error);
    if (st == NG_NO_INDEX && no_index_yet(db_path)) {
        free(error);
        error = NULL;
        if (!build_first_index(db_path, opts)) {
            free(query);
            return EXIT_TROUBLE;
        }
        st = ng_search_run(db_path, query, &so, &results, &error);
    }
    if (st != NG_OK && st != NG_NO_MATCH) {
        if (st == NG_QUERY_ERROR)
            cli_complain("cannot understand the query '%s': %s", query, error);
        else if (st == NG_NO_INDEX)
            cli_complain("no index at '%s': %s (build one with 'newsgrep index "
                     "PATH')", db_path, error);
        else
            cli_complain("cannot search '%s': %s", db_path, error);
        free(error);
        free(query);
        return EXIT_TROUBLE;
    }
    free(query);

    char *cwd = getcwd(NULL, 0);
    ng_print_options_t po = { use_color(opts->color), cwd };
    for (size_t i = 0; i < results->n_hits && st != NG_IO_ERROR; i++) {
        ng_status_t pst = opts->json
            ? ng_print_hit_json(stdout, &results->hits[i], i + 1)
            : ng_print_hit(stdout, &results->hits[i], &po);
        if (pst != NG_OK) {
            cli_complain("cannot write the results: %s", ng_status_to_string(pst));
            st = NG_IO_ERROR;
        }
    }
    free(cwd);
    ng_results_free(results);
    if (fflush(stdout) != 0 && st != NG_IO_ERROR) {
        cli_complain("cannot write the results: %s", strerror(errno));
        st = NG_IO_ERROR;
    }
    return ng_status_exit_code(st);
}

/* ------------------------------------------------------------------ */

static const struct {
    const char *name;
    command_t cmd;
} commands[] = {
    { "search", CMD_SEARCH },
    { "index", CMD_INDEX },
    { "stats", CMD_STATS },
};

/* Options that take their value in the next argument. */
static int takes_value(const char *arg)
{
    return strcmp(arg, "-n") == 0 || strcmp(arg, "--max-count") == 0 ||
           strcmp(arg, "--db") == 0 || strcmp(arg, "--language") == 0 ||
           strcmp(arg, "--settle") == 0 || strcmp(arg, "--batch") == 0;
}

/*
 * Finds the subcommand: the first argument that is not an option (nor an
 * option's value), if it names a command and comes before any "--".  It is
 * removed from ARGV and *NAMED set.  Without one, the command is search.
 */
static command_t find_command(int *argc, char **argv, int *named)
{
    *named = 0;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (argv[i][0] == '-' && argv[i][1]) {
            if (takes_value(argv[i]))
                i++;
            continue;
        }
        for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
            if (strcmp(argv[i], commands[c].name) == 0) {
                memmove(&argv[i], &argv[i + 1],
                        (size_t)(*argc - i) * sizeof *argv);
                (*argc)--;
                *named = 1;
                return commands[c].cmd;
            }
        }
        break;
    }
    return CMD_SEARCH;
}

/*
 * Runs the command line ARGV with the settings of CFG as defaults.
 * CONFIG_ERROR, if not NULL, says why the config file could not be read:
 * help and version are still given, everything else fails.  Returns the
 * exit code.
 */
static int run_command(int argc, char **argv, const ng_config_t *cfg,
                       const char *config_error)
{
    cli_options_t opts = { .max_hits = 10, .color = COLOR_AUTO };
    ng_config_apply(cfg, &opts);
    int named;
    command_t cmd = find_command(&argc, argv, &named);
    int rc = parse_options(argc, argv, cmd, named, &opts);
    if (rc >= 0)
        return rc;
    if (config_error) {
        cli_complain("%s", config_error);
        return EXIT_TROUBLE;
    }

    /* A language from the config file was checked as it was read. */
    char *error = NULL;
    if (opts.language && opts.language != cfg->language &&
        ng_config_check_language(opts.language, &error) != NG_OK) {
        cli_complain("%s", error ? error : "out of memory");
        free(error);
        return EXIT_TROUBLE;
    }
    char *db_path = ng_paths_index(opts.db, cfg->db);
    if (!db_path) {
        cli_complain("no place for the index: set NEWSGREP_DB or HOME, or use "
                 "--db");
        return EXIT_TROUBLE;
    }
    char *const *args = argv + optind;
    size_t n_args = (size_t)(argc - optind);
    switch (cmd) {
    case CMD_INDEX:
        rc = cli_index(db_path, &opts, args, n_args);
        break;
    case CMD_STATS:
        if (n_args > 0) {
            cli_complain("stats takes no arguments (see newsgrep --help)");
            rc = EXIT_TROUBLE;
        } else {
            rc = cli_stats(db_path, &opts);
        }
        break;
    case CMD_SEARCH:
        rc = run_search(db_path, &opts, args, n_args);
        break;
    }
    free(db_path);
    return rc;
}

int main(int argc, char **argv)
{
    ng_config_t cfg;
    char *error = NULL;
    ng_status_t st = ng_config_load(&cfg, &error);
    int rc = run_command(argc, argv, &cfg, st == NG_OK ? NULL
                                          : error ? error : "out of memory");
    ng_config_clear(&cfg);
    free(error);
    return rc;
}
