/*
 * End-to-end tests of what a search shows: stories and paragraphs per
 * story, paths and counts, date order, context, batch runs for evaluation,
 * synonyms, "did you mean", and that the ranking does not depend on how
 * many hits are asked for.
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

#include <json-c/json.h>

#include "testutil.h"

typedef struct {
    char *dir;
    char *corpus;    /* dir/wire: the stories */
    char *env_db;    /* "NEWSGREP_DB=dir/index" */
} fixture_t;

/* Five paragraphs, two of them about rare earths; dated. */
static const char story_magnets[] =
    "Magnet Makers Scramble\n"
    "Date: 2025-06-10\n"
    "\n"
    "Factories in Ohio said supplies of rare earth magnets ran low.\n"
    "\n"
    "One plant stopped its line for a week.\n"
    "\n"
    "Buyers turned to rare earth stocks held in Japan.\n"
    "\n"
    "Prices of neodymium rose by a third.\n"
    "\n"
    "The union asked for talks.\n";

/* Older, and about tariffs. */
static const char story_duties[] =
    "Tariffs On Steel Return\n"
    "Date: 1987-04-02\n"
    "\n"
    "Washington put new tariffs on steel from Japan.\n"
    "\n"
    "Tokyo called the tariffs unfair.\n";

/* Undated (a JSON Lines record without a date; a plain file would take
 * its modification time): rare news, and a headline that says rare. */
static const char story_undated[] =
    "{\"id\": \"geneva\", \"title\": \"A Rare Day In Geneva\", "
    "\"text\": \"It was rare news that day: the talks ended early.\\n\\n"
    "Rare, rare, rare: the word of the day was rare.\"}\n";

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->dir = tu_tempdir();
    f->corpus = tu_path_join(f->dir, "wire");
    free(tu_write_file(f->corpus, "magnets.txt", story_magnets));
    free(tu_write_file(f->corpus, "duties.txt", story_duties));
    free(tu_write_file(f->corpus, "geneva.jsonl", story_undated));
    char *db = tu_path_join(f->dir, "index");
    if (asprintf(&f->env_db, "NEWSGREP_DB=%s", db) < 0)
        fail();
    free(db);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    tu_remove_tree(f->dir);
    free(f->dir);
    free(f->corpus);
    free(f->env_db);
    free(f);
    return 0;
}

/* Runs newsgrep with the arguments that follow F, up to a NULL. */
static tu_run_t run(fixture_t *f, ...)
{
    const char *argv[16] = { tu_getenv("NEWSGREP_BIN") };
    va_list ap;
    va_start(ap, f);
    for (size_t i = 1; i < 15 && (argv[i] = va_arg(ap, const char *)); i++)
        ;
    va_end(ap);
    const char *env[] = { f->env_db, "NEWSGREP_CORPUS=/nonexistent",
                          "NO_COLOR=", NULL };
    return tu_run(argv, env);
}

static int setup_indexed(void **state)
{
    setup(state);
    fixture_t *f = *state;
    tu_run_t r = run(f, "index", "-q", f->corpus, NULL);
    if (r.status != 0)
        fail_msg("newsgrep index exited %d: %s", r.status, r.err);
    tu_run_free(&r);
    return 0;
}

/* How many times NEEDLE occurs in HAYSTACK. */
static int occurrences(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void test_per_story_and_more(void **state)
{
    fixture_t *f = *state;
    /* By default two paragraphs of a story, under one headline. */
    tu_run_t r = run(f, "rare", "earth", NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(occurrences(r.out, "Magnet Makers Scramble\n"), 1);
    assert_non_null(strstr(r.out, "magnets.txt:1\n  Factories in Ohio"));
    assert_non_null(strstr(r.out, "/wire/magnets.txt:3\n  Buyers turned"));
    assert_null(strstr(r.out, "more paragraph"));
    tu_run_free(&r);

    /* One a story: the other is counted, not shown. */
    r = run(f, "--per-story", "1", "rare", "earth", NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(occurrences(r.out, "magnets.txt:"), 1);
    assert_non_null(strstr(r.out, "  +1 more paragraph in this story\n"));
    tu_run_free(&r);

    r = run(f, "--per-story", "0", "rare", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--per-story"));
    tu_run_free(&r);
}

/* A long story's held-back paragraphs are all counted, however many. */
static void test_more_counts_a_long_story(void **state)
{
    fixture_t *f = *state;
    size_t n = 300;
    char *text = malloc(n * 64 + 64), *p = text;
    assert_non_null(text);
    p += sprintf(p, "Cobalt Diary\n\n");
    for (size_t i = 1; i <= n; i++)
        p += sprintf(p, "Entry %zu: cobalt shipments were counted.\n\n", i);
    free(tu_write_file(f->corpus, "diary.txt", text));
    free(text);
    tu_run_t r = run(f, "index", "-q", f->corpus, NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    r = run(f, "--per-story", "2", "cobalt", NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(occurrences(r.out, "diary.txt:"), 2);
    assert_non_null(strstr(r.out, "  +298 more paragraphs in this story\n"));
    tu_run_free(&r);
}

/* A quoted phrase is lifted by a headline that has its words, in any
 * order: the same paragraph under "War Over Trade Looms" ranks above it
 * under "Markets Calm". */
static void test_phrase_lifted_by_headline_words(void **state)
{
    fixture_t *f = *state;
    static const char para[] = "Officials warned of a trade war with Europe.";
    char text[256];
    snprintf(text, sizeof text, "Markets Calm\n\n%s\n", para);
    free(tu_write_file(f->corpus, "a-calm.txt", text));
    snprintf(text, sizeof text, "War Over Trade Looms\n\n%s\n", para);
    free(tu_write_file(f->corpus, "b-looms.txt", text));
    tu_run_t r = run(f, "index", "-q", f->corpus, NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    r = run(f, "\"trade war\"", NULL);
    assert_int_equal(r.status, 0);
    const char *looms = strstr(r.out, "b-looms.txt:1");
    const char *calm = strstr(r.out, "a-calm.txt:1");
    assert_non_null(looms);
    assert_non_null(calm);
    assert_true(looms < calm);
    tu_run_free(&r);
}

static void test_stories(void **state)
{
    fixture_t *f = *state;
    tu_run_t r = run(f, "--stories", "--json", "rare", NULL);
    assert_int_equal(r.status, 0);
    /* Each story once, with how many of its other paragraphs matched. */
    assert_int_equal(occurrences(r.out, "\"story\":\"wire/magnets\""), 1);
    assert_int_equal(occurrences(r.out, "\"story\":\"geneva\""), 1);
    assert_non_null(strstr(r.out, "\"more\":1"));
    tu_run_free(&r);

    r = run(f, "--stories", "-n", "1", "rare", NULL);
    assert_int_equal(occurrences(r.out, "\n\n"), 1);
    tu_run_free(&r);
}

static void test_paths_and_counts(void **state)
{
    fixture_t *f = *state;
    char *magnets = tu_path_join(f->corpus, "magnets.txt");
    char *geneva = tu_path_join(f->corpus, "geneva.jsonl");
    tu_run_t r = run(f, "-l", "rare", NULL);
    assert_int_equal(r.status, 0);
    /* Absolute paths, each once on a line of its own. */
    assert_int_equal(strlen(r.out), strlen(magnets) + strlen(geneva) + 2);
    assert_non_null(strstr(r.out, magnets));
    assert_non_null(strstr(r.out, geneva));
    tu_run_free(&r);

    r = run(f, "-c", "tariffs", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "2\n");
    tu_run_free(&r);
    r = run(f, "-c", "--stories", "rare", NULL);
    assert_string_equal(r.out, "2\n");
    tu_run_free(&r);
    r = run(f, "-c", "--json", "tariffs", NULL);
    assert_string_equal(r.out, "{\"count\":2}\n");
    tu_run_free(&r);
    /* Every matching paragraph counts, not only those a story shows. */
    free(tu_write_file(f->corpus, "zinc.txt", "Zinc Week\n\nZinc rose.\n\n"
                       "Zinc fell.\n\nZinc held.\n"));
    r = run(f, "index", "-q", NULL);
    tu_run_free(&r);
    r = run(f, "-c", "zinc", NULL);
    assert_string_equal(r.out, "3\n");
    tu_run_free(&r);
    r = run(f, "-c", "--stories", "zinc", NULL);
    assert_string_equal(r.out, "1\n");
    tu_run_free(&r);
    /* None: 0, and the exit status says so, as grep -c. */
    r = run(f, "-c", "zeppelin", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "0\n");
    tu_run_free(&r);
    free(magnets);
    free(geneva);
}

/* The stories of the hits of a --json run, in order, joined by spaces. */
static char *stories_of(const char *json_lines)
{
    char *out = calloc(1, strlen(json_lines) + 1);
    const char *p = json_lines;
    while ((p = strstr(p, "\"story\":\""))) {
        p += strlen("\"story\":\"");
        const char *end = strchr(p, '"');
        if (*out)
            strcat(out, " ");
        strncat(out, p, (size_t)(end - p));
        p = end;
    }
    return out;
}

static void test_sort_by_date(void **state)
{
    fixture_t *f = *state;
    tu_run_t r = run(f, "--sort=newest", "--stories", "--json", "rare", NULL);
    assert_int_equal(r.status, 0);
    char *order = stories_of(r.out);
    /* Undated stories come last, whichever way. */
    assert_string_equal(order, "wire/magnets geneva");
    free(order);
    tu_run_free(&r);

    r = run(f, "--sort", "oldest", "--stories", "--json", "japan", NULL);
    order = stories_of(r.out);
    assert_string_equal(order, "wire/duties wire/magnets");
    free(order);
    tu_run_free(&r);

    /* Sorted by date, plain words must all be in the paragraph. */
    r = run(f, "--sort=newest", "--json", "tariffs", "japan", NULL);
    assert_int_equal(occurrences(r.out, "\n"), 1);
    assert_non_null(strstr(r.out, "new tariffs on steel from Japan"));
    tu_run_free(&r);

    r = run(f, "--sort=latest", "rare", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "'latest'"));
    tu_run_free(&r);
}

static void test_context(void **state)
{
    fixture_t *f = *state;
    tu_run_t r = run(f, "-C", "1", "neodymium", NULL);
    assert_int_equal(r.status, 0);
    /* The paragraphs around the hit, numbered as grep numbers lines. */
    assert_non_null(strstr(r.out,
                           "  3- Buyers turned to rare earth stocks held in Japan.\n"
                           "  4: Prices of neodymium rose by a third.\n"
                           "  5- The union asked for talks.\n"));
    tu_run_free(&r);

    /* Two hits of one story share their context, each paragraph once. */
    r = run(f, "-C", "1", "rare", "earth", NULL);
    assert_int_equal(occurrences(r.out, "  2- One plant stopped"), 1);
    assert_non_null(strstr(r.out, "  1: Factories"));
    assert_non_null(strstr(r.out, "  3: Buyers"));
    assert_non_null(strstr(r.out, "  4- Prices"));
    tu_run_free(&r);

    r = run(f, "--json", "--context", "2", "union", NULL);
    json_object *hit = json_tokener_parse(r.out);
    assert_non_null(hit);
    json_object *before, *after;
    assert_true(json_object_object_get_ex(hit, "before", &before));
    assert_true(json_object_object_get_ex(hit, "after", &after));
    assert_int_equal(json_object_array_length(before), 2);
    assert_int_equal(json_object_array_length(after), 0);
    json_object *p4 = json_object_array_get_idx(before, 1), *v;
    assert_true(json_object_object_get_ex(p4, "paragraph", &v));
    assert_int_equal(json_object_get_int(v), 4);
    json_object_put(hit);
    tu_run_free(&r);
}

static void test_batch_trec_run(void **state)
{
    fixture_t *f = *state;
    char *queries = tu_write_file(f->dir, "queries.tsv",
                                  "q1\trare earth magnets\n"
                                  "q2\tWhat did Tokyo say about the tariffs on steel?\n"
                                  "q3\tzeppelin\n");
    tu_run_t r = run(f, "search", "--stories", "--batch", queries, NULL);
    assert_int_equal(r.status, 0);
    /* TREC run lines: qid Q0 story rank score newsgrep. */
    char qid[8], q0[8], story[64], tag[16];
    int rank;
    double score;
    assert_int_equal(sscanf(r.out, "%7s %7s %63s %d %lf %15s", qid, q0, story,
                            &rank, &score, tag), 6);
    assert_string_equal(qid, "q1");
    assert_string_equal(q0, "Q0");
    assert_string_equal(story, "wire/magnets");
    assert_int_equal(rank, 1);
    assert_true(score > 0);
    assert_string_equal(tag, "newsgrep");
    /* A long question works; the best story for it is the one about
     * Tokyo and the steel tariffs. */
    assert_non_null(strstr(r.out, "\nq2 Q0 wire/duties 1 "));
    assert_null(strstr(r.out, "q3 "));
    tu_run_free(&r);

    /* Paragraphs are story#paragraph; -n holds per query. */
    r = run(f, "search", "-n", "1", "--batch", queries, NULL);
    assert_int_equal(occurrences(r.out, "\n"), 2);
    assert_non_null(strstr(r.out, "q1 Q0 wire/magnets#1 1 "));
    tu_run_free(&r);

    r = run(f, "search", "--json", "-n", "1", "--batch", queries, NULL);
    assert_non_null(strstr(r.out, "{\"qid\":\"q1\",\"rank\":1,"));
    tu_run_free(&r);

    /* Scores go down with the rank, as trec_eval orders by them: here
     * Geneva's second paragraph, with only "rare", weighs more than the
     * magnets story's paragraphs ranked above it. */
    free(tu_write_file(f->dir, "queries.tsv", "q1\trare talks\n"));
    r = run(f, "search", "--per-story", "9", "--batch", queries, NULL);
    assert_int_equal(occurrences(r.out, "\n"), 5);
    assert_non_null(strstr(r.out, "q1 Q0 geneva#2 5 "));
    double previous = 0;
    const char *p = r.out;
    for (int i = 0; i < 5; i++, p = strchr(p, '\n') + 1) {
        assert_int_equal(sscanf(p, "%7s %7s %63s %d %lf %15s", qid, q0,
                                story, &rank, &score, tag), 6);
        if (i > 0 && !(score < previous))
            fail_msg("rank %d scores %f, not below %f", rank, score,
                     previous);
        previous = score;
    }
    tu_run_free(&r);

    /* A bad line is named; the other queries still run. */
    free(tu_write_file(f->dir, "queries.tsv",
                       "q1\trare\nno tab here\nq2\t(unclosed\nq3\ttariffs\n"));
    r = run(f, "search", "--batch", queries, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "line 2"));
    assert_non_null(strstr(r.err, "line 3"));
    assert_non_null(strstr(r.out, "q1 Q0 "));
    assert_non_null(strstr(r.out, "q3 Q0 "));
    tu_run_free(&r);

    r = run(f, "search", "--batch", "/nonexistent/queries", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "'/nonexistent/queries'"));
    tu_run_free(&r);
    free(queries);
}

static void test_synonyms_and_suggestions(void **state)
{
    fixture_t *f = *state;
    /* "duty" is in the shipped list with "tariff". */
    tu_run_t r = run(f, "duty", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Tokyo called the tariffs unfair"));
    tu_run_free(&r);
    r = run(f, "--no-synonyms", "duty", NULL);
    assert_int_equal(r.status, 1);
    tu_run_free(&r);
    /* Synonyms are for plain words: a field or an excluded word is never
     * matched past (the tariffs story is from 1987). */
    r = run(f, "duty", "date:2025", NULL);
    assert_int_equal(r.status, 1);
    tu_run_free(&r);
    r = run(f, "duty -steel", NULL);
    assert_int_equal(r.status, 1);
    tu_run_free(&r);

    r = run(f, "neodymiun", NULL);
    assert_non_null(strstr(r.err, "did you mean 'neodymium'?"));
    tu_run_free(&r);
    r = run(f, "neodymium", NULL);
    assert_string_equal(r.err, "");
    tu_run_free(&r);
}

static void test_all_words_first(void **state)
{
    fixture_t *f = *state;
    /* "rare news" has both words in one paragraph only; the paragraph with
     * "rare" four times, in a story whose headline says rare, still ranks
     * below it. */
    tu_run_t r = run(f, "--json", "rare", "news", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "{\"rank\":1,\"story\":\"geneva\""));
    const char *first_line_end = strchr(r.out, '\n');
    assert_non_null(strstr(r.out, "It was rare news"));
    assert_true(strstr(r.out, "It was rare news") < first_line_end);
    tu_run_free(&r);
}

/* A story's paragraph that lacks a word of a short query is not pulled up
 * beside its best one, above another story's paragraph that has them all. */
static void test_grouping_keeps_all_words_first(void **state)
{
    fixture_t *f = *state;
    free(tu_write_file(f->corpus, "talks.txt",
                       "Talks Resume\n\nThe talks were rare, and short.\n"));
    tu_run_t r = run(f, "index", "-q", NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    r = run(f, "--json", "rare", "talks", NULL);
    assert_int_equal(r.status, 0);
    char *order = stories_of(r.out);
    /* Both stories' paragraphs with both words, then the rest. */
    if (strncmp(order, "geneva wire/talks ", 18) != 0 &&
        strncmp(order, "wire/talks geneva ", 18) != 0)
        fail_msg("order: %s", order);
    free(order);
    tu_run_free(&r);
}

/* A story's paragraphs with all the words and those with some share its
 * limit: Geneva's first paragraph has "rare" and "talks", its second only
 * "rare"; the magnets story has the words apart, in three paragraphs.  The
 * paragraphs with both words come first, and a paragraph with some of them
 * is not pulled up beside them. */
static void test_per_story_across_tiers(void **state)
{
    fixture_t *f = *state;
    static const char *const expected[][2] = {
        { "1", "geneva wire/magnets" },
        { "2", "geneva wire/magnets wire/magnets geneva" },
        { "9", "geneva wire/magnets wire/magnets wire/magnets geneva" },
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        tu_run_t r = run(f, "--json", "--per-story", expected[i][0], "rare",
                         "talks", NULL);
        assert_int_equal(r.status, 0);
        static const char first[] = "{\"rank\":1,\"story\":\"geneva\",";
        assert_true(strncmp(r.out, first, strlen(first)) == 0);
        char *order = stories_of(r.out);
        if (strcmp(order, expected[i][1]) != 0)
            fail_msg("--per-story %s: %s", expected[i][0], order);
        free(order);
        tu_run_free(&r);
    }

    /* "rare news": the best paragraph with only some of the words is
     * Geneva's second, which --per-story 1 leaves out; the second place
     * goes to the next story. */
    tu_run_t r = run(f, "--json", "--per-story", "1", "-n", "2", "rare",
                     "news", NULL);
    assert_int_equal(r.status, 0);
    char *order = stories_of(r.out);
    assert_string_equal(order, "geneva wire/magnets");
    free(order);
    tu_run_free(&r);
}

static void test_ranking_does_not_depend_on_n(void **state)
{
    fixture_t *f = *state;
    static const char *const queries[][3] = {
        { "rare", "earth", NULL }, { "rare", NULL, NULL },
        { "tariffs", "japan", NULL }, { "rare", "news", NULL },
    };
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        tu_run_t all = run(f, "--json", "--per-story", "9", "-n", "20",
                           queries[q][0], queries[q][1], NULL);
        for (int n = 1; n <= 3; n++) {
            char count[4];
            snprintf(count, sizeof count, "%d", n);
            tu_run_t some = run(f, "--json", "--per-story", "9", "-n", count,
                                queries[q][0], queries[q][1], NULL);
            /* The first N lines of the longer run, "rank" fields and
             * all, are the shorter run. */
            const char *end = all.out;
            for (int i = 0; i < n && end && *end; i++)
                end = strchr(end, '\n') + 1;
            size_t len = (size_t)(end - all.out);
            if (strlen(some.out) != len ||
                memcmp(some.out, all.out, len) != 0)
                fail_msg("'%s %s' -n %d:\n%s\nis not the start of -n 20:\n%s",
                         queries[q][0], queries[q][1] ? queries[q][1] : "",
                         n, some.out, all.out);
            tu_run_free(&some);
        }
        tu_run_free(&all);
    }
}

static void test_compact_keeps_every_answer(void **state)
{
    fixture_t *f = *state;
    const char *db = f->env_db + strlen("NEWSGREP_DB=");
    static const char *const queries[] = { "rare earth", "tariffs",
                                           "\"rare news\"", "talks" };
    char *before[4];
    for (size_t i = 0; i < 4; i++) {
        tu_run_t r = run(f, "--json", "--per-story", "9", "-n", "50",
                         queries[i], NULL);
        before[i] = strdup(r.out);
        tu_run_free(&r);
    }
    /* A copy left by a compaction that was stopped does not get in the
     * way. */
    char *stale = NULL;
    assert_true(asprintf(&stale, "%s.compact", db) > 0);
    free(tu_write_file(stale, "junk", "left over\n"));

    tu_run_t r = run(f, "compact", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "compacted '"));
    assert_string_equal(r.out, "");
    tu_run_free(&r);
    struct stat sb;
    assert_int_not_equal(stat(stale, &sb), 0);

    for (size_t i = 0; i < 4; i++) {
        r = run(f, "--json", "--per-story", "9", "-n", "50", queries[i],
                NULL);
        if (strcmp(r.out, before[i]) != 0)
            fail_msg("'%s' after compact:\n%s\nbefore:\n%s", queries[i],
                     r.out, before[i]);
        tu_run_free(&r);
        free(before[i]);
    }
    /* The compact index takes updates as before. */
    free(tu_write_file(f->corpus, "late.txt",
                       "Late Story\n\nZeppelins returned to Geneva.\n"));
    r = run(f, "index", "-q", NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    r = run(f, "zeppelins", NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);

    r = run(f, "compact", "extra", NULL);
    assert_int_equal(r.status, 2);
    tu_run_free(&r);
    r = run(f, "--db", "/nonexistent/index", "compact", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "'/nonexistent/index'"));
    tu_run_free(&r);
    free(stale);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_per_story_and_more, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_more_counts_a_long_story, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_phrase_lifted_by_headline_words, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_stories, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_paths_and_counts, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_sort_by_date, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_context, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_batch_trec_run, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_synonyms_and_suggestions, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_all_words_first, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_grouping_keeps_all_words_first, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_per_story_across_tiers, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_ranking_does_not_depend_on_n, setup_indexed, teardown),
        cmocka_unit_test_setup_teardown(test_compact_keeps_every_answer, setup_indexed, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
