/*
 * The config file: where it is looked for, what a good one sets, that every
 * mistake in one is an error naming the file and the line, and that the
 * command line and the environment rank above it.
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

/* By its path: a plain "config.h" would be autoconf's. */
#include "../cli/config.h"
#include "../cli/paths.h"
#include "testutil.h"

static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = tu_tempdir();
    setenv("HOME", "/home/reader", 1);
    unsetenv("NEWSGREP_DB");
    unsetenv("NEWSGREP_CONFIG");
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("XDG_DATA_HOME");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_remove_tree(dir);
    free(dir);
    return 0;
}

/* Writes TEXT as a config file and reads it into CFG; returns the status
 * and leaves the message in *ERROR and the file's path in *PATH. */
static ng_status_t read_text(const char *text, ng_config_t *cfg,
                             char **error, char **path)
{
    *path = tu_write_file(dir, "config", text);
    return ng_config_read(*path, 1, cfg, error);
}

static void test_good_file(void **state)
{
    (void)state;
    ng_config_t cfg;
    char *error, *path;
    ng_status_t st = read_text(
        "# where my stories are\n"
        "\n"
        "db = ~/indexes/news\n"
        "  language=german  # of new indexes\n"
        "\tcolor = never\n"
        "max-count = 25\n"
        "per-story = 2\n"
        "sort = newest\n"
        "synonyms = /etc/newsgrep/more#synonyms\n"
        "root = ~/news\n"
        "  # a comment after blanks\n"
        "root = /srv/wire\r\n",
        &cfg, &error, &path);
    assert_int_equal(st, NG_OK);
    assert_null(error);
    assert_string_equal(cfg.file, path);
    assert_string_equal(cfg.db, "/home/reader/indexes/news");
    assert_string_equal(cfg.language, "german");
    assert_true(cfg.color_set);
    assert_int_equal(cfg.color, COLOR_NEVER);
    assert_int_equal(cfg.max_count, 25);
    assert_int_equal(cfg.per_story, 2);
    assert_true(cfg.sort_set);
    assert_int_equal(cfg.sort, NG_SORT_NEWEST);
    /* Only a '#' after a blank starts a comment. */
    assert_string_equal(cfg.synonyms, "/etc/newsgrep/more#synonyms");
    assert_int_equal(cfg.n_roots, 2);
    assert_string_equal(cfg.roots[0], "/home/reader/news");
    assert_string_equal(cfg.roots[1], "/srv/wire");
    ng_config_clear(&cfg);
    ng_config_clear(&cfg);
    free(path);
}

static void test_empty_and_missing_files(void **state)
{
    (void)state;
    ng_config_t cfg;
    char *error, *path;
    assert_int_equal(read_text("# nothing set\n\n", &cfg, &error, &path),
                     NG_OK);
    assert_null(cfg.db);
    assert_null(cfg.language);
    assert_false(cfg.color_set);
    assert_int_equal(cfg.max_count, 0);
    assert_int_equal(cfg.n_roots, 0);
    ng_config_clear(&cfg);
    free(path);

    /* A file at the usual place may be missing; one named by
     * NEWSGREP_CONFIG must be there. */
    char *missing = tu_path_join(dir, "no-such-config");
    assert_int_equal(ng_config_read(missing, 0, &cfg, &error), NG_OK);
    assert_null(cfg.file);
    assert_int_equal(ng_config_read(missing, 1, &cfg, &error), NG_IO_ERROR);
    char *expected;
    assert_true(asprintf(&expected, "cannot read config '%s': No such file "
                         "or directory", missing) > 0);
    assert_string_equal(error, expected);
    free(expected);
    free(error);

    /* A folder where the file should be cannot be read either. */
    assert_int_equal(ng_config_read(dir, 0, &cfg, &error), NG_IO_ERROR);
    assert_non_null(strstr(error, "cannot read config '"));
    free(error);
    free(missing);
}

static void test_every_mistake_names_file_and_line(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        unsigned line;
        const char *problem;
    } cases[] = {
        { "colr = never\n", 1, "unknown setting 'colr'" },
        { "# ok\ncolor never\n", 2, "expected 'setting = value', got "
                                    "'color never'" },
        { "\n\n= never\n", 3, "unknown setting ''" },
        { "db =\n", 1, "'db' needs a value" },
        { "color = sometimes\n", 1, "invalid value 'sometimes' for 'color': "
                                    "auto, always or never is expected" },
        { "color = Never\n", 1, "invalid value 'Never' for 'color'" },
        { "color = never, please\n", 1, "invalid value 'never, please'" },
        { "# only a comment\ncolor = # never\n", 2, "'color' needs a value" },
        { "max-count = 0\n", 1, "invalid value '0' for 'max-count': a "
                                "positive number is expected" },
        { "max-count = -3\n", 1, "invalid value '-3' for 'max-count'" },
        { "max-count = 10 paragraphs\n", 1, "invalid value '10 paragraphs'" },
        { "max-count = 99999999999\n", 1, "invalid value '99999999999'" },
        { "per-story = two\n", 1, "invalid value 'two' for 'per-story'" },
        { "sort = date\n", 1, "invalid value 'date' for 'sort': relevance, "
                              "newest or oldest is expected" },
        { "language = klingon\n", 1, "unknown language 'klingon' (one of: " },
        { "db = indexes/news\n", 1, "invalid value 'indexes/news' for 'db': "
                                    "an absolute path or one starting with "
                                    "'~/' is expected" },
        { "synonyms = ~reader/syn\n", 1, "invalid value '~reader/syn' for "
                                         "'synonyms'" },
        { "root = /a\nroot = news\n", 2, "invalid value 'news' for 'root'" },
        { "color = never\nsort = newest\ncolor = auto\n", 3,
          "'color' is set again (first on line 1)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ng_config_t cfg;
        char *error, *path, *prefix;
        ng_status_t st = read_text(cases[i].text, &cfg, &error, &path);
        assert_int_equal(st, NG_BAD_INPUT);
        assert_true(asprintf(&prefix, "config '%s' line %u: ", path,
                             cases[i].line) > 0);
        if (strncmp(error, prefix, strlen(prefix)) != 0 ||
            !strstr(error, cases[i].problem) || strchr(error, '\n'))
            fail_msg("for %s expected one line '%s%s...', got '%s'",
                     cases[i].text, prefix, cases[i].problem, error);
        /* Nothing half read is left behind. */
        assert_null(cfg.file);
        assert_null(cfg.roots);
        free(prefix);
        free(error);
        free(path);
    }
}

static void test_home_needed_for_tilde(void **state)
{
    (void)state;
    ng_config_t cfg;
    char *error, *path;
    unsetenv("HOME");
    assert_int_equal(read_text("root = ~/news\n", &cfg, &error, &path),
                     NG_BAD_INPUT);
    assert_non_null(strstr(error, "line 1: invalid value '~/news' for "
                                  "'root': HOME is not set"));
    free(error);
    free(path);
}

/* Sets the environment variable NAME to VALUE, or unsets it if NULL. */
static void set_env(const char *name, const char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
}

static void test_where_the_file_is(void **state)
{
    (void)state;
    static const struct {
        const char *newsgrep_config, *xdg_config_home, *expected;
        int named;
    } cases[] = {
        { NULL, NULL, "/home/reader/.config/newsgrep/config", 0 },
        /* A relative XDG_CONFIG_HOME is ignored, as the specification
         * asks. */
        { NULL, "relative/config", "/home/reader/.config/newsgrep/config", 0 },
        { NULL, "/xdg/config", "/xdg/config/newsgrep/config", 0 },
        /* An empty NEWSGREP_CONFIG is as good as none. */
        { "", "/xdg/config", "/xdg/config/newsgrep/config", 0 },
        { "/etc/my-newsgrep", "/xdg/config", "/etc/my-newsgrep", 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        set_env("NEWSGREP_CONFIG", cases[i].newsgrep_config);
        set_env("XDG_CONFIG_HOME", cases[i].xdg_config_home);
        int named = -1;
        char *path = ng_paths_config(&named);
        assert_string_equal(path, cases[i].expected);
        assert_int_equal(named, cases[i].named);
        free(path);
    }
    unsetenv("NEWSGREP_CONFIG");
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("HOME");
    int named;
    assert_null(ng_paths_config(&named));
}

static void test_config_loaded_from_environment(void **state)
{
    (void)state;
    ng_config_t cfg;
    char *error;
    free(tu_write_file(dir, "newsgrep/config", "max-count = 3\n"));
    setenv("XDG_CONFIG_HOME", dir, 1);
    assert_int_equal(ng_config_load(&cfg, &error), NG_OK);
    assert_int_equal(cfg.max_count, 3);
    ng_config_clear(&cfg);

    char *other = tu_write_file(dir, "other", "max-count = 4\n");
    setenv("NEWSGREP_CONFIG", other, 1);
    assert_int_equal(ng_config_load(&cfg, &error), NG_OK);
    assert_int_equal(cfg.max_count, 4);
    ng_config_clear(&cfg);

    char *gone = tu_path_join(dir, "gone");
    setenv("NEWSGREP_CONFIG", gone, 1);
    assert_int_equal(ng_config_load(&cfg, &error), NG_IO_ERROR);
    assert_non_null(strstr(error, gone));
    free(error);
    free(gone);
    free(other);
}

static void test_index_order(void **state)
{
    (void)state;
    static const struct {
        const char *xdg_data_home, *newsgrep_db, *option, *configured;
        const char *expected;
    } cases[] = {
        { NULL, NULL, NULL, NULL, "/home/reader/.local/share/newsgrep/index" },
        { "/xdg/data", NULL, NULL, NULL, "/xdg/data/newsgrep/index" },
        /* The config file's db beats the XDG default... */
        { "/xdg/data", NULL, NULL, "/from/config", "/from/config" },
        /* ...NEWSGREP_DB beats the config file... */
        { "/xdg/data", "/from/env", NULL, "/from/config", "/from/env" },
        { "/xdg/data", "", NULL, "/from/config", "/from/config" },
        /* ...and --db beats everything. */
        { "/xdg/data", "/from/env", "/from/option", "/from/config",
          "/from/option" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        set_env("XDG_DATA_HOME", cases[i].xdg_data_home);
        set_env("NEWSGREP_DB", cases[i].newsgrep_db);
        char *path = ng_paths_index(cases[i].option, cases[i].configured);
        assert_string_equal(path, cases[i].expected);
        free(path);
    }
}

static void test_settings_are_defaults(void **state)
{
    (void)state;
    ng_config_t cfg;
    char *error, *path;
    cli_options_t opts = { .max_hits = 10, .color = COLOR_AUTO, .quiet = 1 };

    /* An empty config leaves the built-in defaults. */
    assert_int_equal(read_text("\n", &cfg, &error, &path), NG_OK);
    ng_config_apply(&cfg, &opts);
    assert_int_equal(opts.max_hits, 10);
    assert_int_equal(opts.color, COLOR_AUTO);
    assert_null(opts.language);
    assert_int_equal(opts.per_story, 0);
    assert_int_equal(opts.sort, NG_SORT_RELEVANCE);
    assert_null(opts.synonyms);
    assert_int_equal(opts.n_roots, 0);
    ng_config_clear(&cfg);
    free(path);

    assert_int_equal(read_text("max-count = 4\ncolor = always\n"
                               "language = french\nper-story = 1\n"
                               "sort = oldest\nsynonyms = /s\nroot = /r\n"
                               "db = /d\n", &cfg, &error, &path), NG_OK);
    ng_config_apply(&cfg, &opts);
    assert_int_equal(opts.max_hits, 4);
    assert_int_equal(opts.color, COLOR_ALWAYS);
    assert_string_equal(opts.language, "french");
    assert_int_equal(opts.per_story, 1);
    assert_int_equal(opts.sort, NG_SORT_OLDEST);
    assert_string_equal(opts.synonyms, "/s");
    assert_int_equal(opts.n_roots, 1);
    assert_string_equal(opts.roots[0], "/r");
    /* The db ranks below NEWSGREP_DB, so it is not an option's value. */
    assert_null(opts.db);
    /* What the file does not speak of is left alone. */
    assert_int_equal(opts.quiet, 1);
    ng_config_clear(&cfg);
    free(path);
}

static void test_values_shared_with_the_command_line(void **state)
{
    (void)state;
    unsigned n = 7;
    assert_true(ng_config_parse_count("12", &n));
    assert_int_equal(n, 12);
    assert_false(ng_config_parse_count("", &n));
    assert_false(ng_config_parse_count("+-1", &n));
    assert_false(ng_config_parse_count("4294967296", &n));
    assert_int_equal(n, 12);

    ng_sort_t sort = NG_SORT_RELEVANCE;
    assert_true(ng_config_parse_sort("oldest", &sort));
    assert_int_equal(sort, NG_SORT_OLDEST);
    assert_false(ng_config_parse_sort("", &sort));

    color_mode_t color = COLOR_AUTO;
    assert_true(ng_config_parse_color("never", &color));
    assert_int_equal(color, COLOR_NEVER);
    assert_false(ng_config_parse_color("yes", &color));
    assert_int_equal(color, COLOR_NEVER);

    char *error = NULL;
    assert_int_equal(ng_config_check_language("en", &error), NG_OK);
    assert_null(error);
    assert_int_equal(ng_config_check_language("xx", &error),
                     NG_UNKNOWN_LANGUAGE);
    assert_non_null(strstr(error, "english"));
    free(error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_missing_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_mistake_names_file_and_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_home_needed_for_tilde, setup, teardown),
        cmocka_unit_test_setup_teardown(test_where_the_file_is, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_loaded_from_environment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings_are_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_values_shared_with_the_command_line, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
