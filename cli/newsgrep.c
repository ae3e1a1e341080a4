/*
 * newsgrep: full-text search over news stories.
 *
 * The command line: reads options, dispatches to a subcommand (git.c's table
 * is the model), prints results on stdout and diagnostics on stderr, and
 * exits as grep does: 0 when something matched, 1 when nothing did, 2 on an
 * error.
 */
#include <config.h>

#include <dirent.h>
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
#include "heap.h"
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
    "   or: newsgrep similar [OPTIONS] PATH[:PARAGRAPH]\n"
    "   or: newsgrep compact [--db PATH] [--wait]\n"
    "   or: newsgrep serve --listen [HOST:]PORT [--writable] [--db PATH]\n"
    "\n"
    "Searches news stories and prints the most relevant paragraphs, best\n"
    "first, with their headline, date, source and place in the story.\n"
    "\n"
    "Commands:\n"
    "  search   search the index (the default)\n"
    "  index    index story files and folders; with no PATH, bring the\n"
    "           index up to date with its remembered folders\n"
    "  stats    show what the index holds\n"
    "  similar  find stories like a story of the index\n"
    "  compact  rewrite the index in less space\n"
    "  serve    serve the index to a cluster's other machines\n"
    "\n"
    "Options of every command:\n"
    "      --db PATH        the index to use (default: $NEWSGREP_DB, else\n"
    "                       the config file's db, else\n"
    "                       $XDG_DATA_HOME/newsgrep/index); a file rather\n"
    "                       than a folder is a cluster of shards\n"
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
    "  -n, --max-count N    show at most N paragraphs (default 10), or N\n"
    "                       stories with --stories\n"
    "      --per-story N    show at most N paragraphs of one story (default\n"
    "                       2); the others are counted as \"+K more\"\n"
    "      --stories        rank whole stories, each by its best paragraph\n"
    "  -l, --files-with-matches\n"
    "                       print only the paths of matching stories\n"
    "  -c, --count          print only how many paragraphs (stories, with\n"
    "                       --stories) match\n"
    "      --sort=ORDER     relevance (default), newest or oldest; sorted by\n"
    "                       date, plain words must all match\n"
    "      --batch FILE     run the queries of FILE, one \"id<TAB>query\" a\n"
    "                       line (\"-\": standard input), and print a TREC\n"
    "                       run: \"id Q0 doc rank score newsgrep\"\n"
    "  -C, --context N      show N paragraphs before and after each hit\n"
    "      --no-synonyms    search only for the words typed, not for their\n"
    "                       synonyms\n"
    "      --json           one JSON object a line for each hit\n"
    "      --color=WHEN     colour the output: auto (default), always, never\n"
    "      --db PATH        the index to use (see newsgrep --help)\n"
    "      --language LANG  stemming language of a first index (default\n"
    "                       english)\n"
    "      --timeout SECS   how long a cluster's remote shard may take to\n"
    "                       connect and to answer (default 5)\n"
    "      --allow-partial  answer from the shards that answer, naming the\n"
    "                       others on stderr, rather than fail\n"
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
    "      --jobs N         threads for a first build (default: one per core\n"
    "                       from 2000 new files on; 1: none)\n"
    "      --part-size N    in a first build over threads, start a new\n"
    "                       partial index every N paragraphs (default 15000,\n"
    "                       doubled after every 32 partial indexes)\n"
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

static const char compact_usage_text[] =
    "usage: newsgrep compact [--db PATH] [--wait] [-q]\n"
    "\n"
    "Rewrites the index compactly, with full blocks and no free space, which\n"
    "takes less room on disk and reads faster; the next update grows it\n"
    "again where it changes.  The compact copy is made beside the index and\n"
    "swapped in at once: searches go on meanwhile, and a stop at any moment\n"
    "leaves a whole index.  Indexing waits, or fails, meanwhile.\n"
    "\n"
    "Options:\n"
    "      --db PATH        the index to compact (see newsgrep --help)\n"
    "      --wait           wait while another process writes the index,\n"
    "                       instead of failing\n"
    "  -q, --quiet          no summary on stderr\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 on success, 2 if the index cannot be compacted.\n";

static const char serve_usage_text[] =
    "usage: newsgrep serve --listen [HOST:]PORT [--writable] [--db PATH]\n"
    "\n"
    "Serves the index to the other machines of a cluster over Xapian's\n"
    "remote protocol, by running Xapian's xapian-tcpsrv on it, until\n"
    "stopped.  A cluster file names the served indexes as shards, one\n"
    "'remote HOST:PORT' line each (and local ones as 'auto PATH').\n"
    "\n"
    "Options:\n"
    "      --listen [HOST:]PORT\n"
    "                       the address to listen on; HOST defaults to\n"
    "                       127.0.0.1, this machine only\n"
    "      --writable       let an indexer write through the server (a\n"
    "                       missing index is created); searches still read\n"
    "      --db PATH        the index folder to serve (see newsgrep --help)\n"
    "      --language LANG  stemming language of a new index (default english)\n"
    "  -q, --quiet          no messages but errors\n"
    "  -h, --help           show this help\n"
    "\n"
    "The protocol has neither authentication nor encryption: listen beyond\n"
    "loopback only on a network you trust.\n"
    "\n"
    "Exit status: 2 if the index or the server cannot be started.\n";

static const char similar_usage_text[] =
    "usage: newsgrep similar [OPTIONS] PATH[:PARAGRAPH]\n"
    "\n"
    "Finds the stories most like the story file PATH, which must be in the\n"
    "index, and prints each with its best matching paragraph, best first.\n"
    "The stories are found by the words that most set PATH's paragraphs\n"
    "apart from the rest of the index; PATH:N goes by paragraph N alone.\n"
    "A file of several stories (JSON Lines, a feed) stands for all of them,\n"
    "and PATH:N for paragraph N of each.  The stories of PATH are not shown.\n"
    "\n"
    "Options:\n"
    "  -n, --max-count N    show at most N stories (default 10)\n"
    "      --per-story N    show paragraphs instead, at most N of one story;\n"
    "                       -n then counts paragraphs\n"
    "  -l, --files-with-matches\n"
    "                       print only the paths of the stories found\n"
    "  -c, --count          print only how many stories match\n"
    "      --sort=ORDER     relevance (default), newest or oldest\n"
    "      --json           one JSON object a line for each story\n"
    "      --color=WHEN     colour the output: auto (default), always, never\n"
    "      --db PATH        the index to use (see newsgrep --help)\n"
    "      --timeout SECS   how long a cluster's shard may take (default 5)\n"
    "      --allow-partial  answer without the shards that do not\n"
    "  -q, --quiet          no diagnostics but errors\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 if a story was found, 1 if none was, 2 on an error\n"
    "(PATH not in the index, no such paragraph).\n";

enum { OPT_COLOR = 256, OPT_JSON, OPT_DB, OPT_LANGUAGE, OPT_WAIT, OPT_WATCH,
       OPT_SETTLE, OPT_BATCH, OPT_PER_STORY, OPT_STORIES, OPT_SORT,
       OPT_NO_SYNONYMS, OPT_CONTEXT, OPT_JOBS, OPT_TIMEOUT, OPT_ALLOW_PARTIAL,
       OPT_LISTEN, OPT_WRITABLE, OPT_PART_SIZE };

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
    { "per-story", required_argument, NULL, OPT_PER_STORY },
    { "stories", no_argument, NULL, OPT_STORIES },
    { "files-with-matches", no_argument, NULL, 'l' },
    { "count", no_argument, NULL, 'c' },
    { "sort", required_argument, NULL, OPT_SORT },
    { "no-synonyms", no_argument, NULL, OPT_NO_SYNONYMS },
    { "context", required_argument, NULL, 'C' },
    { "jobs", required_argument, NULL, OPT_JOBS },
    { "part-size", required_argument, NULL, OPT_PART_SIZE },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "allow-partial", no_argument, NULL, OPT_ALLOW_PARTIAL },
    { "listen", required_argument, NULL, OPT_LISTEN },
    { "writable", no_argument, NULL, OPT_WRITABLE },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};
static const char short_options[] = "n:lcC:qhV";

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

typedef enum { CMD_SEARCH, CMD_INDEX, CMD_STATS, CMD_SIMILAR,
               CMD_COMPACT, CMD_SERVE } command_t;

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
                       : cmd == CMD_SIMILAR ? similar_usage_text
                       : cmd == CMD_COMPACT ? compact_usage_text
                       : cmd == CMD_SERVE ? serve_usage_text
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
            opts->max_hits_given = 1;
            break;
        case OPT_PER_STORY:
            if (!parse_count("--per-story", optarg, &opts->per_story))
                return EXIT_TROUBLE;
            opts->per_story_given = 1;
            break;
        case OPT_STORIES: opts->stories = 1; break;
        case OPT_NO_SYNONYMS: opts->no_synonyms = 1; break;
        case OPT_JOBS:
            if (!parse_count("--jobs", optarg, &opts->jobs))
                return EXIT_TROUBLE;
            break;
        case OPT_PART_SIZE:
            if (!parse_count("--part-size", optarg, &opts->part_size))
                return EXIT_TROUBLE;
            break;
        case OPT_TIMEOUT:
            if (!parse_count("--timeout", optarg, &opts->timeout))
                return EXIT_TROUBLE;
            break;
        case OPT_ALLOW_PARTIAL: opts->allow_partial = 1; break;
        case OPT_LISTEN: opts->listen = optarg; break;
        case OPT_WRITABLE: opts->writable = 1; break;
        case 'C':
            /* 0 is allowed: no context, as grep -C 0. */
            if (strcmp(optarg, "0") != 0 &&
                !parse_count("-C", optarg, &opts->context))
                return EXIT_TROUBLE;
            if (strcmp(optarg, "0") == 0)
                opts->context = 0;
            break;
        case 'l': opts->files_only = 1; break;
        case 'c': opts->count = 1; break;
        case OPT_SORT:
            if (!ng_config_parse_sort(optarg, &opts->sort)) {
                cli_complain("invalid value for --sort: '%s' (relevance, "
                             "newest or oldest)", optarg);
                return EXIT_TROUBLE;
            }
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
            /* Indexing commits in batches of N; a search runs a batch of
             * queries from a file. */
            if (cmd != CMD_INDEX)
                opts->batch_file = optarg;
            else if (!parse_count("--batch", optarg, &opts->batch))
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
 * first search may build an index by itself.  The folder is left as it is:
 * a "newsgrep index" starting at the same time may have just made it, and
 * is about to fill it. */
static int no_index_yet(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(sb.st_mode))
        return 0;
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    const struct dirent *entry;
    int empty = 1;
    while (empty && (entry = readdir(dir)) != NULL)
        empty = strcmp(entry->d_name, ".") == 0 ||
                strcmp(entry->d_name, "..") == 0;
    closedir(dir);
    return empty;
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

/* Reports that a shard failed a search, with MESSAGE naming it. */
static void complain_shard(const char *label, const char *message,
                           const cli_options_t *opts)
{
    cli_complain("%s%s%s", label, message, opts->allow_partial
                                      ? ""
                                      : " (--allow-partial answers from the "
                                        "other shards)");
}

/* Tells of the shards left out of RESULTS, a partial answer. */
static void report_missing(const ng_results_t *results, const char *label)
{
    for (size_t i = 0; i < results->n_missing; i++)
        cli_complain("%spartial answer, without %s", label,
                     results->missing[i]);
}

/* Opens the index at DB_PATH for searching; a first search where there is
 * no index yet builds one from the bundled stories.  Returns NULL after
 * complaining. */
static ng_searcher_t *open_searcher(const char *db_path,
                                    const cli_options_t *opts)
{
    ng_searcher_t *searcher = NULL;
    char *error = NULL;
    ng_searcher_config_t config = { opts->timeout * 1000u,
                                    opts->allow_partial };
    ng_status_t st = ng_searcher_open_with(db_path, &config, &searcher,
                                           &error);
    if (st == NG_NO_INDEX && no_index_yet(db_path)) {
        free(error);
        error = NULL;
        if (!build_first_index(db_path, opts))
            return NULL;
        st = ng_searcher_open_with(db_path, &config, &searcher, &error);
    }
    if (st == NG_SHARD_FAILED)
        complain_shard("", error, opts);
    else if (st == NG_NO_INDEX)
        cli_complain("no index at '%s': %s (build one with 'newsgrep index "
                     "PATH')", db_path, error);
    else if (st != NG_OK)
        cli_complain("cannot search '%s': %s", db_path, error);
    free(error);
    return searcher;
}

/* Adds the synonym file PATH to SYN; a missing file is fine unless
 * REQUIRED.  Returns 0 after complaining when it cannot be used. */
static int load_synonyms(ng_synonyms_t *syn, const char *path, int required)
{
    struct stat sb;
    if (!required && stat(path, &sb) != 0 && errno == ENOENT)
        return 1;
    char *error = NULL;
    if (ng_synonyms_load(syn, path, &error) == NG_OK)
        return 1;
    cli_complain("%s", error ? error : "out of memory");
    free(error);
    return 0;
}

/* The synonyms a search uses: the shipped list, then the user's own file,
 * then the config file's.  *OUT is NULL with --no-synonyms.  Returns 0
 * after complaining when a file cannot be used. */
static int read_synonyms(const cli_options_t *opts, ng_synonyms_t **out)
{
    *out = NULL;
    if (opts->no_synonyms)
        return 1;
    ng_synonyms_t *syn = ng_synonyms_new();
    char *shipped = ng_paths_shipped_synonyms();
    char *user = ng_paths_user_synonyms();
    int ok = syn != NULL;
    if (ok && shipped)
        ok = load_synonyms(syn, shipped, 1);
    if (ok && user)
        ok = load_synonyms(syn, user, 0);
    if (ok && opts->synonyms)
        ok = load_synonyms(syn, opts->synonyms, 1);
    if (!syn)
        cli_complain("out of memory");
    free(shipped);
    free(user);
    if (!ok) {
        ng_synonyms_free(syn);
        return 0;
    }
    *out = syn;
    return 1;
}

/* The search options the command line asked for. */
static ng_search_options_t search_options(const cli_options_t *opts)
{
    ng_search_options_t so = {
        .max_hits = opts->max_hits,
        .per_story = opts->per_story,
        .stories = opts->stories || opts->files_only,
        .sort = opts->sort,
        .count = opts->count,
        .held_back = !opts->count && !opts->files_only && !opts->batch_file,
        .plain = opts->count || opts->files_only ||
                 (opts->batch_file && !opts->json),
        .suggest = !opts->batch_file,
        .context = opts->count || opts->files_only ? 0 : opts->context,
    };
    /* Paths and counts are of everything that matched, as grep's, unless
     * -n says otherwise. */
    if ((opts->files_only || opts->count) && !opts->max_hits_given)
        so.max_hits = 0;
    /* A count is of every matching paragraph (or story), however many of
     * a story would be shown. */
    if (opts->count) {
        so.max_hits = 1;
        so.per_story = 0;
    }
    return so;
}

/* Runs QUERY and reports a failure; returns the status. */
static ng_status_t search_or_complain(ng_searcher_t *searcher,
                                      const char *db_path, const char *query,
                                      const cli_options_t *opts,
                                      const ng_search_options_t *so,
                                      const char *label, ng_results_t **out)
{
    char *error = NULL;
    ng_status_t st = ng_searcher_search(searcher, query, so, out, &error);
    if (st == NG_QUERY_ERROR)
        cli_complain("%scannot understand the query '%s': %s", label, query,
                     error);
    else if (st == NG_SHARD_FAILED)
        complain_shard(label, error, opts);
    else if (st == NG_OK || st == NG_NO_MATCH)
        report_missing(*out, label);
    else
        cli_complain("%scannot search '%s': %s", label, db_path, error);
    free(error);
    return st;
}

/* Writes RESULTS as the options ask: paragraphs, paths or a count. */
static ng_status_t print_results(const ng_results_t *results,
                                 const cli_options_t *opts)
{
    if (opts->count) {
        printf(opts->json ? "{\"count\":%u}\n" : "%u\n", results->matches);
        return ferror(stdout) ? NG_IO_ERROR : NG_OK;
    }
    if (opts->files_only) {
        /* One line a file, at the rank of its best story; with --json,
         * that story's hit. */
        size_t rank = 0;
        for (size_t i = 0; i < results->n_hits; i++) {
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++)
                seen = strcmp(results->hits[j].path,
                              results->hits[i].path) == 0;
            if (seen)
                continue;
            if (!opts->json)
                printf("%s\n", results->hits[i].path);
            else if (ng_print_hit_json(stdout, &results->hits[i], ++rank,
                                       NULL) != NG_OK)
                return NG_IO_ERROR;
        }
        return ferror(stdout) ? NG_IO_ERROR : NG_OK;
    }
    if (opts->json) {
        for (size_t i = 0; i < results->n_hits; i++) {
            ng_status_t st = ng_print_hit_json(stdout, &results->hits[i],
                                               i + 1, NULL);
            if (st != NG_OK)
                return st;
        }
        return NG_OK;
    }
    char *cwd = getcwd(NULL, 0);
    ng_print_options_t po = { use_color(opts->color), cwd, opts->context > 0 };
    ng_status_t st = ng_print_results(stdout, results, &po);
    free(cwd);
    return st;
}

/* A TREC run's document id: the story's id (with its paragraph unless
 * ranking stories), with white space, which would split the line, made
 * '_'. */
static void print_trec_id(const ng_hit_t *hit, int stories)
{
    for (const char *c = hit->story; *c; c++)
        putchar(strchr(" \t\r\n\v\f", *c) ? '_' : *c);
    if (!stories)
        printf("#%u", hit->paragraph);
}

/*
 * search --batch: runs each "id<TAB>query" line of the file and prints a
 * TREC run (or, with --json, the hits with their query's id).  A query
 * that fails is reported with its line and the others still run.
 */
static int run_batch(ng_searcher_t *searcher, const char *db_path,
                     const cli_options_t *opts,
                     const ng_synonyms_t *synonyms)
{
    int is_stdin = strcmp(opts->batch_file, "-") == 0;
    FILE *in = is_stdin ? stdin : fopen(opts->batch_file, "r");
    if (!in) {
        cli_complain("cannot open '%s': %s", opts->batch_file,
                     strerror(errno));
        return EXIT_TROUBLE;
    }
    ng_search_options_t so = search_options(opts);
    so.synonyms = synonyms;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned lineno = 0;
    int failed = 0, matched = 0;
    ng_status_t st = NG_OK;
    while (st != NG_IO_ERROR && (len = getline(&line, &cap, in)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        char *tab = strchr(line, '\t');
        char label[64];
        snprintf(label, sizeof label, "'%s' line %u: ",
                 is_stdin ? "-" : "batch", lineno);
        if (!tab || tab == line) {
            cli_complain("'%s' line %u: expected \"id<TAB>query\"",
                         opts->batch_file, lineno);
            failed = 1;
            continue;
        }
        *tab = '\0';
        ng_results_t *results = NULL;
        st = search_or_complain(searcher, db_path, tab + 1, opts, &so, label,
                                &results);
        if (st != NG_OK && st != NG_NO_MATCH) {
            failed = 1;
            st = NG_OK;
            continue;
        }
        matched |= results->n_hits > 0;
        long long last = 0;
        for (size_t i = 0; i < results->n_hits; i++) {
            const ng_hit_t *hit = &results->hits[i];
            if (opts->json) {
                st = ng_print_hit_json(stdout, hit, i + 1, line);
            } else {
                /* trec_eval orders a run by score, not rank: where the
                 * ranking puts a hit below one that weighs less (the
                 * paragraphs with every word first, a story's paragraphs
                 * together), it is scored a millionth below. */
                double micro = hit->score * 1e6;
                long long score = (long long)(micro + (micro < 0 ? -0.5 : 0.5));
                if (i > 0 && score >= last)
                    score = last - 1;
                last = score;
                printf("%s Q0 ", line);
                print_trec_id(hit, so.stories);
                printf(" %zu %.6f newsgrep\n", i + 1, (double)score / 1e6);
            }
            if (ferror(stdout))
                st = NG_IO_ERROR;
        }
        ng_results_free(results);
    }
    if (ferror(in) && !failed) {
        cli_complain("cannot read '%s': %s", opts->batch_file,
                     strerror(errno));
        failed = 1;
    }
    free(line);
    if (!is_stdin)
        fclose(in);
    if (st == NG_IO_ERROR || fflush(stdout) != 0) {
        cli_complain("cannot write the results: %s", strerror(errno));
        return EXIT_TROUBLE;
    }
    return failed ? EXIT_TROUBLE : matched ? EXIT_MATCH : EXIT_NO_MATCH;
}

/* Prints RESULTS of a search that ended with ST, frees them, and returns
 * the exit code. */
static int print_and_free(ng_results_t *results, ng_status_t st,
                          const cli_options_t *opts)
{
    ng_status_t pst = print_results(results, opts);
    if (opts->count && results->matches == 0)
        st = NG_NO_MATCH;
    ng_results_free(results);
    if (pst == NG_OK && fflush(stdout) != 0)
        pst = NG_IO_ERROR;
    if (pst != NG_OK) {
        cli_complain("cannot write the results: %s",
                     pst == NG_IO_ERROR ? strerror(errno)
                                        : ng_status_to_string(pst));
        return EXIT_TROUBLE;
    }
    return ng_status_exit_code(st);
}

/* ------------------------------------------------------------------ */
/* similar                                                             */

/* The absolute path of the file PATH with its folders resolved but not the
 * file itself: how a story reached through a link in an indexed folder is
 * recorded.  NULL if the folder cannot be resolved or memory ran out. */
static char *absolute_link_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path))
                      : strdup(".");
    char *real_dir = dir ? realpath(dir, NULL) : NULL;
    char *abs = NULL;
    if (real_dir && asprintf(&abs, "%s/%s", strcmp(real_dir, "/") ? real_dir
                             : "", slash ? slash + 1 : path) < 0)
        abs = NULL;
    free(real_dir);
    free(dir);
    return abs;
}

/* An example named on the command line and the strings it points to. */
typedef struct {
    ng_example_t example;
    char *name, *path, *alt_path;
} example_arg_t;

static void example_arg_clear(example_arg_t *arg)
{
    free(arg->name);
    free(arg->path);
    free(arg->alt_path);
}

/*
 * Reads TEXT, "PATH" or "PATH:N", into ARG (clear it with
 * example_arg_clear() either way).  A file named TEXT wins over the
 * PATH:N reading.  Returns 0 after complaining when it names no story
 * file.
 */
static int read_example(const char *text, example_arg_t *arg)
{
    struct stat sb;
    memset(arg, 0, sizeof *arg);
    if (!(arg->name = strdup(text))) {
        cli_complain("out of memory");
        return 0;
    }
    int err = stat(text, &sb) == 0 ? 0 : errno;
    char *colon = strrchr(arg->name, ':');
    if (err && colon && colon[1] &&
        strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
        if (!ng_config_parse_count(colon + 1, &arg->example.paragraph)) {
            cli_complain("invalid paragraph number in '%s' (paragraphs "
                         "are numbered from 1)", text);
            return 0;
        }
        *colon = '\0';
        err = stat(arg->name, &sb) == 0 ? 0 : errno;
    }
    if (err) {
        cli_complain("cannot open '%s': %s", arg->name, strerror(err));
        return 0;
    }
    if (S_ISDIR(sb.st_mode)) {
        cli_complain("'%s' is a folder, not a story file", arg->name);
        return 0;
    }
    arg->path = realpath(arg->name, NULL);
    arg->alt_path = absolute_link_path(arg->name);
    if (!arg->path) {
        cli_complain("cannot open '%s': %s", arg->name, strerror(errno));
        return 0;
    }
    arg->example.name = arg->name;
    arg->example.path = arg->path;
    arg->example.alt_path = arg->alt_path;
    return 1;
}

/* Non-zero if COMMAND was given no arguments (N_ARGS); else complains. */
static int no_arguments(const char *command, size_t n_args)
{
    if (n_args == 0)
        return 1;
    cli_complain("%s takes no arguments (see newsgrep %s --help)", command,
                 command);
    return 0;
}

/* "newsgrep similar PATH[:N]": the stories most like PATH's, as stories
 * unless --per-story asks for paragraphs. */
static int run_similar(const char *db_path, const cli_options_t *opts,
                       char *const *args, size_t n_args)
{
    if (n_args != 1) {
        cli_complain(n_args ? "similar takes one story file (see newsgrep "
                              "similar --help)"
                            : "no story file given: newsgrep similar "
                              "PATH[:PARAGRAPH]");
        return EXIT_TROUBLE;
    }
    example_arg_t arg;
    ng_searcher_t *searcher = NULL;
    if (!read_example(args[0], &arg) ||
        !(searcher = open_searcher(db_path, opts))) {
        example_arg_clear(&arg);
        return EXIT_TROUBLE;
    }
    ng_search_options_t so = search_options(opts);
    so.like = &arg.example;
    so.suggest = 0;
    if (!opts->per_story_given)
        so.stories = 1;
    /* Nearly every story shares a word or two with the example: -l lists
     * the best, as many as -n says, not all that match. */
    if (opts->files_only)
        so.max_hits = opts->max_hits;
    ng_results_t *results = NULL;
    char *error = NULL;
    ng_status_t st = ng_searcher_search(searcher, NULL, &so, &results,
                                        &error);
    ng_searcher_close(searcher);
    example_arg_clear(&arg);
    if (st == NG_BAD_ARGUMENT)
        cli_complain("%s", error ? error : ng_status_to_string(st));
    else if (st == NG_SHARD_FAILED)
        complain_shard("", error, opts);
    else if (st != NG_OK && st != NG_NO_MATCH)
        cli_complain("cannot search '%s': %s", db_path, error);
    else
        report_missing(results, "");
    free(error);
    if (st != NG_OK && st != NG_NO_MATCH)
        return EXIT_TROUBLE;
    return print_and_free(results, st, opts);
}

/* ------------------------------------------------------------------ */
/* search, continued                                                   */

static int run_search(const char *db_path, const cli_options_t *opts,
                      char *const *words, size_t n_words)
{
    if (opts->batch_file && n_words > 0) {
        cli_complain("--batch takes its queries from '%s', not from the "
                     "command line", opts->batch_file);
        return EXIT_TROUBLE;
    }
    if (!opts->batch_file && n_words == 0) {
        cli_complain("no search words given (see newsgrep --help)");
        return EXIT_TROUBLE;
    }
    char *query = opts->batch_file ? NULL : join_words(words, n_words);
    if (!opts->batch_file && !query) {
        cli_complain("out of memory");
        return EXIT_TROUBLE;
    }
    cli_heap_prefault(CLI_HEAP_SEARCH_BYTES);
    ng_synonyms_t *synonyms = NULL;
    ng_searcher_t *searcher = NULL;
    if (!read_synonyms(opts, &synonyms) ||
        !(searcher = open_searcher(db_path, opts))) {
        ng_synonyms_free(synonyms);
        free(query);
        return EXIT_TROUBLE;
    }
    if (opts->batch_file) {
        int rc = run_batch(searcher, db_path, opts, synonyms);
        ng_searcher_close(searcher);
        ng_synonyms_free(synonyms);
        return rc;
    }
    ng_search_options_t so = search_options(opts);
    so.synonyms = synonyms;
    ng_results_t *results = NULL;
    ng_status_t st = search_or_complain(searcher, db_path, query, opts, &so, "",
                                        &results);
    free(query);
    ng_searcher_close(searcher);
    ng_synonyms_free(synonyms);
    if (st != NG_OK && st != NG_NO_MATCH)
        return EXIT_TROUBLE;
    if (results->suggestion && !opts->quiet)
        cli_complain("did you mean '%s'?", results->suggestion);
    return print_and_free(results, st, opts);
}

/* ------------------------------------------------------------------ */

static const struct {
    const char *name;
    command_t cmd;
} commands[] = {
    { "search", CMD_SEARCH },
    { "index", CMD_INDEX },
    { "stats", CMD_STATS },
    { "similar", CMD_SIMILAR },
    { "compact", CMD_COMPACT },
    { "serve", CMD_SERVE },
};

/* Options that take their value in the next argument. */
static int takes_value(const char *arg)
{
    return strcmp(arg, "-n") == 0 || strcmp(arg, "--max-count") == 0 ||
           strcmp(arg, "--db") == 0 || strcmp(arg, "--language") == 0 ||
           strcmp(arg, "--settle") == 0 || strcmp(arg, "--batch") == 0 ||
           strcmp(arg, "--per-story") == 0 || strcmp(arg, "--sort") == 0 ||
           strcmp(arg, "-C") == 0 || strcmp(arg, "--context") == 0 ||
           strcmp(arg, "--jobs") == 0 || strcmp(arg, "--timeout") == 0 ||
           strcmp(arg, "--part-size") == 0 ||
           strcmp(arg, "--listen") == 0;
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
    cli_options_t opts = { .max_hits = 10, .color = COLOR_AUTO,
                           .per_story = CLI_PER_STORY };
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
        rc = no_arguments("stats", n_args) ? cli_stats(db_path, &opts)
                                           : EXIT_TROUBLE;
        break;
    case CMD_SEARCH:
        rc = run_search(db_path, &opts, args, n_args);
        break;
    case CMD_SIMILAR:
        rc = run_similar(db_path, &opts, args, n_args);
        break;
    case CMD_SERVE:
        rc = no_arguments("serve", n_args) ? cli_serve(db_path, &opts)
                                           : EXIT_TROUBLE;
        break;
    case CMD_COMPACT:
        rc = no_arguments("compact", n_args) ? cli_compact(db_path, &opts)
                                             : EXIT_TROUBLE;
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
