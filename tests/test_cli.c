/*
 * End-to-end tests: drive the built newsgrep binary as a user would, on a
 * small corpus written to a temporary folder, and check what it prints and
 * how it exits.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "schema.h"
#include "testutil.h"
#include "xapian-c.h"

typedef struct {
    char *dir;       /* the temporary folder */
    char *corpus;    /* dir/news: the stories */
    char *db;        /* dir/index */
    char *env_db;    /* "NEWSGREP_DB=..." */
} fixture_t;

static const char story_rare[] =
    "China Tightens Rare Earths Exports\n"
    "Date: 2025-06-04\n"
    "\n"
    "Beijing added seven rare earth elements to its export control list.\n"
    "\n"
    "Car makers warned that rare-earth magnets were running short.\n"
    "\n"
    "The measures follow new U.S. tariffs on Chinese goods.\n"
    "\n"
    "Source: https://www.example.com/world/2025/06/04/rare-earths/\n";

static const char story_call[] =
    "Leaders Talk for 90 Minutes\n"
    "\n"
    "The 90-minute call touched on China’s purchases and on visas for students.\n"
    "\n"
    "Officials met at a Café in Geneva before the call.\n"
    "\n"
    "An earth-moving deal was also rare news that day.\n"
    "\n"
    "Source: https://news.example.org/2025/06/05/call\n";

static const char story_tariff[] =
    "Japan Faces New Tariff\n"
    "Date: 1987-03-26\n"
    "\n"
    "Washington imposed a tariff on Japanese semiconductors.\n"
    "\n"
    "Tokyo said the TARIFFS broke the trade pact.\n";

/* A story whose text holds everything JSON must escape, and a byte that is
 * not UTF-8. */
static const char story_odd[] =
    "Odd \"Quoted\" \\ Headline\n"
    "\n"
    "Zebra text with \"quotes\", back\\slashes, a tab\there and a bad \xff byte.\n";

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->dir = tu_tempdir();
    f->corpus = tu_path_join(f->dir, "news");
    f->db = tu_path_join(f->dir, "index");
    free(tu_write_file(f->corpus, "rare-earths.txt", story_rare));
    free(tu_write_file(f->corpus, "call.txt", story_call));
    free(tu_write_file(f->corpus, "old/japan-tariff.txt", story_tariff));
    free(tu_write_file(f->corpus, "odd.txt", story_odd));
    free(tu_write_file(f->corpus, "notes.md", "Zebra notes are not stories\n"));
    if (asprintf(&f->env_db, "NEWSGREP_DB=%s", f->db) < 0)
        fail();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    tu_remove_tree(f->dir);
    free(f->dir);
    free(f->corpus);
    free(f->db);
    free(f->env_db);
    free(f);
    return 0;
}

/* Runs newsgrep with up to 8 arguments and the fixture's index. */
static tu_run_t ng(fixture_t *f, const char *a1, const char *a2,
                   const char *a3, const char *a4, const char *a5)
{
    const char *argv[8] = { tu_getenv("NEWSGREP_BIN"), a1, a2, a3, a4, a5,
                            NULL };
    /* No bundled corpus and no colour from the environment, so each test
     * says what it needs. */
    const char *env[] = { f->env_db, "NEWSGREP_CORPUS=/nonexistent",
                          "NO_COLOR=", NULL };
    return tu_run(argv, env);
}

/* Fails unless TEXT is exactly one line. */
static void assert_one_line(const char *text)
{
    const char *nl = strchr(text, '\n');
    if (!nl || nl[1] != '\0')
        fail_msg("expected one line on stderr, got: %s", text);
}

static void index_fixture(fixture_t *f)
{
    tu_run_t r = ng(f, "index", f->corpus, NULL, NULL, NULL);
    if (r.status != 0)
        fail_msg("newsgrep index exited %d: %s", r.status, r.err);
    tu_run_free(&r);
}

/* Number of hits in text output: each hit ends with a blank line. */
static int count_hits(const char *out)
{
    int n = 0;
    for (const char *p = out; (p = strstr(p, "\n\n")); p += 2)
        n++;
    return n;
}

static void test_index_reports_counts(void **state)
{
    fixture_t *f = *state;
    tu_run_t r = ng(f, "index", f->corpus, NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    /* Four stories (notes.md is not one), one repaired. */
    assert_non_null(strstr(r.err, "4 added, 0 updated, 0 removed, 0 unchanged, 0 skipped (9 paragraphs written)"));
    assert_non_null(strstr(r.err, "odd.txt"));
    assert_string_equal(r.out, "");
    tu_run_free(&r);
}

static void test_rare_earth_ranks_and_shows_story(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    tu_run_t r = ng(f, "rare", "earth", NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    /* The headline, date, source and place of the best paragraph. */
    const char *first = "China Tightens Rare Earths Exports\n"
                        "2025-06-04  example.com  ";
    assert_memory_equal(r.out, first, strlen(first));
    assert_non_null(strstr(r.out, "news/rare-earths.txt:1\n  Beijing added seven rare earth"));
    /* "rare-earth" matches too; the paragraph that has both words apart,
     * though shorter, ranks below those where they stand together. */
    const char *apart = strstr(r.out, "earth-moving deal");
    const char *together = strstr(r.out, "rare earth elements");
    const char *hyphen = strstr(r.out, "rare-earth magnets");
    assert_non_null(apart);
    assert_non_null(together);
    assert_non_null(hyphen);
    assert_true(together < apart);
    assert_true(hyphen < apart);
    assert_int_equal(count_hits(r.out), 3);
    tu_run_free(&r);
}

/* Asserts that searching QUERY exits 0 and prints EXPECTED. */
static void check_finds(fixture_t *f, const char *query, const char *expected)
{
    tu_run_t r = ng(f, "search", query, NULL, NULL, NULL);
    if (r.status != 0 || !strstr(r.out, expected))
        fail_msg("'%s' exited %d and did not print '%s':\n%s%s", query,
                 r.status, expected, r.out, r.err);
    tu_run_free(&r);
}

static void test_words_match_as_meant(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    check_finds(f, "tariffs", "imposed a tariff on Japanese");
    check_finds(f, "tariff", "Tokyo said the TARIFFS");
    check_finds(f, "china", "China’s purchases");
    check_finds(f, "us", "new U.S. tariffs");
    check_finds(f, "cafe", "a Café in Geneva");
    check_finds(f, "CAFÉ", "a Café in Geneva");
    check_finds(f, "90-minute", "The 90-minute call");
    check_finds(f, "90", "The 90-minute call");
    check_finds(f, "visa", "visas for students");
    check_finds(f, "rare-earth", "rare earth elements");
}

static void test_max_count(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    tu_run_t r = ng(f, "-n", "2", "rare", "earth", NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(count_hits(r.out), 2);
    tu_run_free(&r);
    r = ng(f, "rare", "earth", NULL, NULL, NULL);
    assert_int_equal(count_hits(r.out), 3);
    tu_run_free(&r);
    r = ng(f, "-n", "zero", "rare", NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "'zero'"));
    tu_run_free(&r);
}

static void test_json_lines(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    tu_run_t r = ng(f, "--json", "rare", "earth", NULL, NULL);
    assert_int_equal(r.status, 0);
    int lines = 0;
    for (char *save = NULL, *line = strtok_r(r.out, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save), lines++) {
        json_object *obj = json_tokener_parse(line);
        if (!obj)
            fail_msg("not JSON: %s", line);
        const char *keys[] = { "story", "path", "title", "date", "source",
                               "paragraph", "score", "text" };
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!json_object_object_get_ex(obj, keys[k], NULL))
                fail_msg("no '%s' in %s", keys[k], line);
        json_object *v;
        json_object_object_get_ex(obj, "paragraph", &v);
        assert_true(json_object_get_int(v) >= 1);
        if (lines == 0) {
            json_object_object_get_ex(obj, "story", &v);
            assert_string_equal(json_object_get_string(v), "news/rare-earths");
            json_object_object_get_ex(obj, "date", &v);
            assert_string_equal(json_object_get_string(v), "2025-06-04");
            json_object_object_get_ex(obj, "source", &v);
            assert_string_equal(json_object_get_string(v),
                                "https://www.example.com/world/2025/06/04/rare-earths/");
        }
        json_object_put(obj);
    }
    assert_int_equal(lines, 3);
    tu_run_free(&r);

    /* Quotes, backslashes, tabs and a byte that is not UTF-8. */
    r = ng(f, "--json", "zebra", NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    json_object *obj = json_tokener_parse(r.out);
    assert_non_null(obj);
    json_object *v;
    json_object_object_get_ex(obj, "title", &v);
    assert_string_equal(json_object_get_string(v), "Odd \"Quoted\" \\ Headline");
    json_object_object_get_ex(obj, "text", &v);
    assert_non_null(strstr(json_object_get_string(v), "back\\slashes"));
    /* A lone high byte in ASCII text is read as Latin-1. */
    assert_non_null(strstr(json_object_get_string(v), "bad \xc3\xbf byte"));
    json_object_object_get_ex(obj, "date", &v);
    /* The date of a story without one comes from the file's time. */
    assert_int_equal(strlen(json_object_get_string(v)), 10);
    json_object_put(obj);
    tu_run_free(&r);
}

static void test_exit_statuses(void **state)
{
    fixture_t *f = *state;
    /* No index and no bundled stories to build one. */
    tu_run_t r = ng(f, "rare", NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, f->db));
    assert_one_line(r.err);
    tu_run_free(&r);
    /* The same in an empty folder, which stays: a "newsgrep index" that
     * has just made it may be about to fill it. */
    struct stat sb;
    assert_int_equal(mkdir(f->db, 0700), 0);
    r = ng(f, "rare", NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, f->db));
    tu_run_free(&r);
    assert_int_equal(stat(f->db, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(rmdir(f->db), 0);

    index_fixture(f);
    r = ng(f, "xylophone", NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    tu_run_free(&r);

    r = ng(f, "--frobnicate", "rare", NULL, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--frobnicate"));
    assert_one_line(r.err);
    tu_run_free(&r);

    r = ng(f, NULL, NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_one_line(r.err);
    tu_run_free(&r);

    r = ng(f, "index", "/nonexistent/stories", NULL, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "'/nonexistent/stories'"));
    assert_one_line(r.err);
    tu_run_free(&r);

    r = ng(f, "--color=purple", "rare", NULL, NULL, NULL);
    assert_int_equal(r.status, 2);
    tu_run_free(&r);

    /* Commands that take no arguments name themselves and their help. */
    static const char *const bare[] = { "stats", "serve", "compact" };
    for (size_t i = 0; i < sizeof bare / sizeof bare[0]; i++) {
        char says[64];
        snprintf(says, sizeof says, "%s takes no arguments (see newsgrep %s "
                 "--help)", bare[i], bare[i]);
        r = ng(f, bare[i], "stray", NULL, NULL, NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, says));
        assert_one_line(r.err);
        tu_run_free(&r);
    }

    r = ng(f, "--help", NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: newsgrep"));
    tu_run_free(&r);

    r = ng(f, "index", "--help", NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: newsgrep index"));
    tu_run_free(&r);

    r = ng(f, "--version", NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "newsgrep " PACKAGE_VERSION));
    tu_run_free(&r);
}

static void test_unreadable_story_is_skipped(void **state)
{
    fixture_t *f = *state;
    /* A link to nowhere cannot be read, whoever runs the test. */
    char *bad = tu_path_join(f->corpus, "gone.txt");
    assert_int_equal(symlink("/nonexistent/story.txt", bad), 0);
    tu_run_t r = ng(f, "index", f->corpus, NULL, NULL, NULL);
    /* Done, but a file was skipped: a script can tell. */
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "gone.txt"));
    assert_non_null(strstr(r.err, "4 added, 0 updated, 0 removed, 0 unchanged, 1 skipped"));
    tu_run_free(&r);
    /* The other stories are all there. */
    r = ng(f, "tariffs", NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Japan Faces New Tariff"));
    tu_run_free(&r);
    free(bad);
}

static void test_color(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    tu_run_t r = ng(f, "--color=always", "tariff", NULL, NULL, NULL);
    assert_non_null(strstr(r.out, "\033[1;31mtariff\033[0m"));
    tu_run_free(&r);
    /* Not a terminal: no colour unless asked for. */
    r = ng(f, "tariff", NULL, NULL, NULL, NULL);
    assert_null(strchr(r.out, '\033'));
    tu_run_free(&r);
    r = ng(f, "--color=never", "tariff", NULL, NULL, NULL);
    assert_null(strchr(r.out, '\033'));
    tu_run_free(&r);
}

static void test_first_search_builds_index(void **state)
{
    fixture_t *f = *state;
    char *db = tu_path_join(f->dir, "fresh/index");
    char *env_corpus, *env_db;
    if (asprintf(&env_corpus, "NEWSGREP_CORPUS=%s", f->corpus) < 0 ||
        asprintf(&env_db, "NEWSGREP_DB=%s", db) < 0)
        fail();
    const char *argv[] = { tu_getenv("NEWSGREP_BIN"), "rare", "earth", NULL };
    const char *env[] = { env_corpus, env_db, NULL };
    tu_run_t r = tu_run(argv, env);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "building"));
    assert_non_null(strstr(r.out, "China Tightens Rare Earths Exports"));
    tu_run_free(&r);
    /* The second search finds the index and says nothing on stderr. */
    r = tu_run(argv, env);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    tu_run_free(&r);
    free(env_db);
    free(db);

    /* An empty folder is no index yet either, and the index is built in
     * it. */
    db = tu_path_join(f->dir, "empty");
    if (mkdir(db, 0700) != 0 || asprintf(&env_db, "NEWSGREP_DB=%s", db) < 0)
        fail();
    env[1] = env_db;
    r = tu_run(argv, env);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "building"));
    assert_non_null(strstr(r.out, "China Tightens Rare Earths Exports"));
    tu_run_free(&r);
    free(env_corpus);
    free(env_db);
    free(db);
}

static void test_index_location(void **state)
{
    fixture_t *f = *state;
    char *xdg = tu_path_join(f->dir, "xdg");
    char *env_xdg, *other = tu_path_join(f->dir, "other");
    if (asprintf(&env_xdg, "XDG_DATA_HOME=%s", xdg) < 0)
        fail();
    /* Without --db or NEWSGREP_DB the index goes under XDG_DATA_HOME. */
    const char *argv[] = { tu_getenv("NEWSGREP_BIN"), "index", f->corpus, NULL };
    const char *env[] = { env_xdg, "NEWSGREP_DB=", NULL };
    tu_run_t r = tu_run(argv, env);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    struct stat sb;
    char *expected = tu_path_join(xdg, "newsgrep/index");
    assert_int_equal(stat(expected, &sb), 0);
    /* --db wins over NEWSGREP_DB. */
    r = ng(f, "--db", other, "index", f->corpus, NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    assert_int_equal(stat(other, &sb), 0);
    assert_int_not_equal(stat(f->db, &sb), 0);
    free(expected);
    free(env_xdg);
    free(xdg);
    free(other);
}

static void test_reindex_remembered_roots(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    tu_run_t r = ng(f, "search", "index", NULL, NULL, NULL);
    /* "search index" searches for the word; no story has it. */
    assert_int_equal(r.status, 1);
    tu_run_free(&r);
    free(tu_write_file(f->corpus, "new/visa.txt",
                       "Visa Rules Change\n\nStudent index cards are due.\n"));
    /* It holds the word "index", which no story had. */
    r = ng(f, "index", NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "1 added, 0 updated, 0 removed, 4 unchanged"));
    tu_run_free(&r);
    r = ng(f, "search", "index", NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Student index cards"));
    tu_run_free(&r);
    /* Indexed again, a story is replaced, not added twice. */
    r = ng(f, "--json", "cards", NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strchr(r.out, '\n'));
    assert_string_equal(strchr(r.out, '\n'), "\n");
    tu_run_free(&r);
}

/* An index made by another version of newsgrep holds other terms: a
 * search is refused with one line that says what to do, not run to find
 * less; an update rebuilds it (tests/upgrade.sh tries more). */
static void test_old_schema_is_rebuilt(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    xc_db_t *db = NULL;
    assert_int_equal(xc_db_open(f->db, XC_OPEN_WRITE, &db, NULL), XC_OK);
    assert_int_equal(xc_db_set_metadata(db, NG_META_SCHEMA, "2"), XC_OK);
    assert_int_equal(xc_db_commit(db), XC_OK);
    xc_db_close(db);
    tu_run_t r = ng(f, "\"rare earth\"", NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_one_line(r.err);
    assert_non_null(strstr(r.err, f->db));
    assert_non_null(strstr(r.err, "schema 2, not " NG_SCHEMA_VERSION
                                  "): run 'newsgrep index' to rebuild it"));
    tu_run_free(&r);
    r = ng(f, "index", NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "schema 2, not " NG_SCHEMA_VERSION
                                  "): rebuilding it"));
    tu_run_free(&r);
    r = ng(f, "\"rare earth\"", NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "rare earth"));
    tu_run_free(&r);
}

static void test_stats(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    tu_run_t r = ng(f, "stats", NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "stories:     4\n"));
    assert_non_null(strstr(r.out, "paragraphs:  9\n"));
    /* The paragraphs' distinct stems, headlines' left out (counted with
     * Xapian's own bindings on the same stories). */
    assert_non_null(strstr(r.out, "stems:       73 distinct\n"));
    assert_non_null(strstr(r.out, "language:    english\n"));
    assert_non_null(strstr(r.out, f->db));
    /* The root, absolute, and a size and a time of update. */
    assert_non_null(strstr(r.out, "/news\n"));
    assert_non_null(strstr(r.out, " MB\n"));
    assert_null(strstr(r.out, "updated:     never"));
    tu_run_free(&r);
    /* No index: an error naming it. */
    r = ng(f, "--db", "/nonexistent/index", "stats", NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "/nonexistent/index"));
    tu_run_free(&r);
}

static void test_language(void **state)
{
    fixture_t *f = *state;
    tu_run_t r = ng(f, "--language", "klingon", "index", f->corpus, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "'klingon'"));
    assert_non_null(strstr(r.err, "french"));
    assert_one_line(r.err);
    tu_run_free(&r);
    /* An index keeps the language it was made with. */
    r = ng(f, "--language", "french", "index", f->corpus, NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    r = ng(f, "--language", "german", "index", NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "french"));
    assert_one_line(r.err);
    tu_run_free(&r);
    r = ng(f, "stats", NULL, NULL, NULL, NULL);
    assert_non_null(strstr(r.out, "language:    french\n"));
    tu_run_free(&r);
}

/* ------------------------------------------------------------------ */
/* The config file and the help of each command                        */

/* Runs newsgrep with CONFIG as its config file (NEWSGREP_CONFIG) and the
 * environment assignment DB_ENV (the fixture's index when NULL). */
static tu_run_t ng_config(fixture_t *f, const char *config,
                          const char *db_env, const char *a1,
                          const char *a2, const char *a3)
{
    char *path = tu_write_file(f->dir, "config", config);
    char *env_config;
    if (asprintf(&env_config, "NEWSGREP_CONFIG=%s", path) < 0)
        fail();
    const char *argv[] = { tu_getenv("NEWSGREP_BIN"), a1, a2, a3, NULL };
    const char *env[] = { db_env ? db_env : f->env_db,
                          "NEWSGREP_CORPUS=/nonexistent", "NO_COLOR=",
                          env_config, NULL };
    tu_run_t r = tu_run(argv, env);
    free(env_config);
    free(path);
    return r;
}

static void test_config_settings_and_overrides(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    const char *config = "# fewer, in colour\nmax-count = 1\n\n"
                         "color = always\n";
    tu_run_t r = ng_config(f, config, NULL, "rare", "earth", NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(count_hits(r.out), 1);
    assert_non_null(strchr(r.out, '\033'));
    tu_run_free(&r);
    /* The command line overrides the file. */
    r = ng_config(f, config, NULL, "-n", "2", "rare");
    assert_int_equal(count_hits(r.out), 2);
    tu_run_free(&r);
    r = ng_config(f, config, NULL, "--color=never", "rare", NULL);
    assert_null(strchr(r.out, '\033'));
    tu_run_free(&r);
}

static void test_config_mistakes(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    tu_run_t r = ng_config(f, "max-count = 2\n\ncolr = never\n", NULL,
                           "rare", NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    char *expected, *path = tu_path_join(f->dir, "config");
    assert_true(asprintf(&expected, "newsgrep: config '%s' line 3: unknown "
                         "setting 'colr'\n", path) > 0);
    assert_string_equal(r.err, expected);
    free(expected);
    tu_run_free(&r);
    /* Each command fails alike, but help is still given. */
    r = ng_config(f, "colr = never\n", NULL, "index", NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown setting 'colr'"));
    tu_run_free(&r);
    r = ng_config(f, "colr = never\n", NULL, "--help", NULL, NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    r = ng_config(f, "sort = newer\n", NULL, "rare", NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "line 1: invalid value 'newer' for 'sort'"));
    assert_one_line(r.err);
    tu_run_free(&r);
    /* A config file named by NEWSGREP_CONFIG must exist. */
    const char *argv[] = { tu_getenv("NEWSGREP_BIN"), "rare", NULL };
    const char *env[] = { f->env_db, "NEWSGREP_CONFIG=/nonexistent/config",
                          NULL };
    r = tu_run(argv, env);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "cannot read config '/nonexistent/config'"));
    assert_one_line(r.err);
    tu_run_free(&r);
    free(path);
}

static void test_config_db_ranks_below_option_and_environment(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    char *config;
    assert_true(asprintf(&config, "db = %s\n", f->db) > 0);
    /* Only the config file names the index. */
    tu_run_t r = ng_config(f, config, "NEWSGREP_DB=", "rare", NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Rare Earths"));
    tu_run_free(&r);
    /* NEWSGREP_DB beats it... */
    r = ng_config(f, config, "NEWSGREP_DB=/nonexistent/env-index", "rare",
                  NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "/nonexistent/env-index"));
    tu_run_free(&r);
    /* ...and --db beats both. */
    r = ng_config(f, config, "NEWSGREP_DB=/nonexistent/env-index", "--db",
                  f->db, "rare");
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    free(config);

    /* Without NEWSGREP_CONFIG the file is found under XDG_CONFIG_HOME. */
    char *xdg = tu_path_join(f->dir, "xdg");
    assert_true(asprintf(&config, "db = %s\n", f->db) > 0);
    free(tu_write_file(xdg, "newsgrep/config", config));
    char *env_xdg;
    assert_true(asprintf(&env_xdg, "XDG_CONFIG_HOME=%s", xdg) > 0);
    const char *argv[] = { tu_getenv("NEWSGREP_BIN"), "rare", NULL };
    const char *env[] = { "NEWSGREP_DB=", "NEWSGREP_CONFIG=", env_xdg,
                          "NEWSGREP_CORPUS=/nonexistent", NULL };
    r = tu_run(argv, env);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Rare Earths"));
    tu_run_free(&r);
    free(env_xdg);
    free(config);
    free(xdg);
}

static void test_config_roots(void **state)
{
    fixture_t *f = *state;
    char *config;
    assert_true(asprintf(&config, "root = %s\n", f->corpus) > 0);
    /* A new index with no PATH: the config's root is enough. */
    tu_run_t r = ng_config(f, config, NULL, "index", NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "4 added, 0 updated"));
    tu_run_free(&r);
    free(config);

    /* A second root next to the remembered one: both are brought up to
     * date, and the new one is remembered. */
    char *wire = tu_path_join(f->dir, "wire");
    free(tu_write_file(wire, "visa.txt",
                       "Visa Rules Change\n\nStudent index cards are due.\n"));
    free(tu_write_file(f->corpus, "more/oil.txt",
                       "Oil Steady\n\nOil index prices held steady.\n"));
    assert_true(asprintf(&config, "root = %s\nroot = ~/elsewhere/../x\n"
                         "root = %s\n", f->corpus, wire) > 0);
    /* A root that cannot be read is an error, and the rest is done. */
    r = ng_config(f, config, NULL, "index", NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "elsewhere/../x"));
    assert_non_null(strstr(r.err, "2 added, 0 updated, 0 removed, 4 unchanged"));
    tu_run_free(&r);
    free(config);
    r = ng(f, "stats", NULL, NULL, NULL, NULL);
    assert_non_null(strstr(r.out, "/wire\n"));
    tu_run_free(&r);
    r = ng(f, "index", NULL, NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "0 added, 0 updated, 0 removed, 6 unchanged"));
    tu_run_free(&r);
    free(wire);
}

/* serve refuses what it cannot serve before any server starts. */
static void test_serve_errors(void **state)
{
    fixture_t *f = *state;
    static const struct {
        const char *a1, *a2, *a3, *says;
    } cases[] = {
        { "serve", NULL, NULL, "serve needs --listen" },
        { "serve", "--listen", "host:port", "invalid value for --listen" },
        { "serve", "--listen", "70000", "invalid value for --listen" },
        { "serve", "--listen", "47000", "no index at" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_run_t r = ng(f, cases[i].a1, cases[i].a2, cases[i].a3, NULL, NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, cases[i].says));
        assert_one_line(r.err);
        tu_run_free(&r);
    }
    char *cluster = tu_write_file(f->dir, "cluster", "auto shard\n");
    tu_run_t r = ng(f, "serve", "--listen", "47000", "--db", cluster);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "is a cluster file"));
    tu_run_free(&r);
    free(cluster);
}

static void test_help_of_each_command(void **state)
{
    fixture_t *f = *state;
    static const struct {
        const char *command, *usage, *option;
    } cases[] = {
        { NULL, "usage: newsgrep [OPTIONS] WORDS...\n", "newsgrep COMMAND --help" },
        { "search", "usage: newsgrep [search] [OPTIONS] WORDS...\n", "--max-count" },
        { "index", "usage: newsgrep index [OPTIONS] [PATH...]\n", "--watch" },
        { "stats", "usage: newsgrep stats [--db PATH]\n", "--db PATH" },
        { "serve", "usage: newsgrep serve --listen [HOST:]PORT", "--writable" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_run_t r = cases[i].command
            ? ng(f, cases[i].command, "--help", NULL, NULL, NULL)
            : ng(f, "--help", NULL, NULL, NULL, NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.err, "");
        /* The synopsis comes first, as git's. */
        if (strncmp(r.out, cases[i].usage, strlen(cases[i].usage)) != 0 ||
            !strstr(r.out, cases[i].option))
            fail_msg("help of %s starts: %.60s", cases[i].command, r.out);
        /* Each command's help is its own. */
        for (size_t j = 0; j < i; j++)
            assert_null(strstr(r.out, cases[j].usage));
        tu_run_free(&r);
    }
    /* The overview leaves the search options to search's help. */
    tu_run_t r = ng(f, "-h", NULL, NULL, NULL, NULL);
    assert_null(strstr(r.out, "--max-count"));
    tu_run_free(&r);
}

/* ------------------------------------------------------------------ */
/* newsgrep similar                                                    */

/* A story on the rare-earth story's topic, in other words but for a few. */
static const char story_magnets[] =
    "Magnet Makers Short of Rare Earths\n"
    "\n"
    "Factories that make magnets for electric cars ran short of rare earth "
    "elements after the export controls.\n"
    "\n"
    "Car makers asked Beijing to ease the export control list.\n";

/* The story ids of --json output, in order, joined by spaces. */
static char *json_stories(const char *out)
{
    char *ids = calloc(1, strlen(out) + 1);
    char *copy = strdup(out);
    assert_non_null(ids);
    assert_non_null(copy);
    for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        json_object *obj = json_tokener_parse(line), *v;
        if (!obj || !json_object_object_get_ex(obj, "story", &v))
            fail_msg("not a hit: %s", line);
        if (*ids)
            strcat(ids, " ");
        strcat(ids, json_object_get_string(v));
        json_object_put(obj);
    }
    free(copy);
    return ids;
}

static void test_similar_finds_related_story(void **state)
{
    fixture_t *f = *state;
    free(tu_write_file(f->corpus, "magnets.txt", story_magnets));
    index_fixture(f);
    char *rare = tu_path_join(f->corpus, "rare-earths.txt");
    tu_run_t r = ng(f, "similar", rare, NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    /* The story on the same topic first, and not the example itself. */
    const char *first = "Magnet Makers Short of Rare Earths\n";
    assert_memory_equal(r.out, first, strlen(first));
    assert_null(strstr(r.out, "China Tightens Rare Earths Exports"));
    tu_run_free(&r);

    /* One line a story: its best paragraph, with the JSON fields. */
    r = ng(f, "similar", "--json", rare, NULL, NULL);
    assert_int_equal(r.status, 0);
    char *ids = json_stories(r.out);
    assert_int_equal(strncmp(ids, "news/magnets", 12), 0);
    assert_null(strstr(ids, "news/rare-earths"));
    for (char *id = ids; (id = strchr(id, ' ')); id++)
        assert_null(strstr(id + 1, "news/magnets"));
    free(ids);
    json_object *obj = json_tokener_parse(r.out), *v;
    assert_non_null(obj);
    const char *keys[] = { "rank", "story", "path", "title", "paragraph",
                           "score", "text" };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (!json_object_object_get_ex(obj, keys[k], NULL))
            fail_msg("no '%s' in %s", keys[k], r.out);
    json_object_object_get_ex(obj, "path", &v);
    assert_non_null(strstr(json_object_get_string(v), "/news/magnets.txt"));
    json_object_object_get_ex(obj, "score", &v);
    assert_true(json_object_get_double(v) > 0);
    json_object_put(obj);
    tu_run_free(&r);

    /* -n limits the stories; -l prints their paths. */
    r = ng(f, "similar", "-n1", "-l", rare, NULL);
    assert_int_equal(r.status, 0);
    char *want = tu_path_join(f->corpus, "magnets.txt");
    assert_non_null(strstr(r.out, want));
    assert_string_equal(strchr(r.out, '\n'), "\n");
    free(want);
    tu_run_free(&r);
    free(rare);
}

static void test_similar_to_one_paragraph(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    char *rare = tu_path_join(f->corpus, "rare-earths.txt");
    char *arg;
    /* Paragraph 3 is about tariffs, the others about rare earths: the
     * tariff story comes first only for it. */
    assert_true(asprintf(&arg, "%s:3", rare) > 0);
    tu_run_t r = ng(f, "similar", "--json", arg, NULL, NULL);
    assert_int_equal(r.status, 0);
    char *ids = json_stories(r.out);
    assert_int_equal(strncmp(ids, "news/old/japan-tariff", 21), 0);
    free(ids);
    tu_run_free(&r);
    free(arg);
    assert_true(asprintf(&arg, "%s:1", rare) > 0);
    r = ng(f, "similar", "--json", arg, NULL, NULL);
    assert_int_equal(r.status, 0);
    ids = json_stories(r.out);
    assert_int_equal(strncmp(ids, "news/call", 9), 0);
    free(ids);
    tu_run_free(&r);
    free(arg);
    free(rare);
}

/* Asserts that "newsgrep similar ARG" (no argument when NULL) fails with
 * one line on stderr that holds EXPECTED. */
static void check_similar_fails(fixture_t *f, const char *arg,
                                const char *expected)
{
    tu_run_t r = ng(f, "similar", arg, NULL, NULL, NULL);
    if (r.status != 2 || *r.out || !strstr(r.err, expected))
        fail_msg("similar '%s' exited %d and did not say '%s':\n%s%s",
                 arg ? arg : "", r.status, expected, r.out, r.err);
    assert_one_line(r.err);
    tu_run_free(&r);
}

static void test_similar_errors(void **state)
{
    fixture_t *f = *state;
    index_fixture(f);
    /* A file the index does not hold. */
    char *notes = tu_path_join(f->corpus, "notes.md"), *why;
    assert_true(asprintf(&why, "'%s' is not in the index", notes) > 0);
    check_similar_fails(f, notes, why);
    free(why);
    /* A paragraph it does not have, or that cannot be. */
    char *rare = tu_path_join(f->corpus, "rare-earths.txt"), *arg;
    assert_true(asprintf(&arg, "%s:4", rare) > 0);
    assert_true(asprintf(&why, "'%s' has no paragraph 4", rare) > 0);
    check_similar_fails(f, arg, why);
    free(why);
    free(arg);
    assert_true(asprintf(&arg, "%s:0", rare) > 0);
    check_similar_fails(f, arg, arg);
    free(arg);
    /* No such file, and no file at all. */
    check_similar_fails(f, "/nonexistent/story.txt:2",
                        "'/nonexistent/story.txt'");
    check_similar_fails(f, NULL, "PATH[:PARAGRAPH]");
    tu_run_t r = ng(f, "similar", "--help", NULL, NULL, NULL);
    assert_int_equal(r.status, 0);
    const char *usage = "usage: newsgrep similar [OPTIONS] PATH[:PARAGRAPH]\n";
    assert_memory_equal(r.out, usage, strlen(usage));
    tu_run_free(&r);
    free(rare);
    free(notes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_index_reports_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rare_earth_ranks_and_shows_story, setup, teardown),
        cmocka_unit_test_setup_teardown(test_words_match_as_meant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exit_statuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_story_is_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_color, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_search_builds_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_location, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reindex_remembered_roots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_schema_is_rebuilt, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_settings_and_overrides, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_mistakes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_db_ranks_below_option_and_environment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_roots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_help_of_each_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_similar_finds_related_story, setup, teardown),
        cmocka_unit_test_setup_teardown(test_similar_to_one_paragraph, setup, teardown),
        cmocka_unit_test_setup_teardown(test_similar_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_serve_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
