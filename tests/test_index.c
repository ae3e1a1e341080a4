/*
 * Tests of the index builder's updates: what a second, third... run of
 * "newsgrep index" does with new, changed, touched, moved, deleted and
 * unreadable stories, an interrupted run, and a second writer.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index.h"
#include "schema.h"
#include "search.h"
#include "testutil.h"
#include "xapian-c.h"

typedef struct {
    char *dir, *news, *db;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->dir = tu_tempdir();
    f->news = tu_path_join(f->dir, "news");
    f->db = tu_path_join(f->dir, "index");
    free(tu_write_file(f->news, "a.txt", "Alpha\n\nAardvark one.\n\nAardvark two.\n"));
    free(tu_write_file(f->news, "b.txt", "Bravo\n\nBison paragraph.\n"));
    free(tu_write_file(f->news, "sub/c.txt", "Charlie\n\nCamel paragraph.\n"));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    tu_remove_tree(f->dir);
    free(f->dir);
    free(f->news);
    free(f->db);
    free(f);
    return 0;
}

/* Runs one update of the fixture's index: with its news folder given, or
 * with none (the remembered roots). */
static ng_index_counts_t update(fixture_t *f, int give_path,
                                const ng_index_run_t *run, ng_status_t want)
{
    ng_index_t *index = NULL;
    char *error = NULL;
    ng_index_counts_t c = { 0 };
    ng_status_t st = ng_index_open(f->db, NULL, &index, &error);
    if (st != NG_OK)
        fail_msg("cannot open the index: %s", error);
    char *paths[] = { f->news };
    st = ng_index_update(index, paths, give_path ? 1 : 0, run, &c);
    if (st != want)
        fail_msg("update gave '%s': %s", ng_status_to_string(st),
                 ng_index_error(index));
    ng_index_close(index);
    return c;
}

static unsigned doc_count(fixture_t *f)
{
    xc_db_t *db = NULL;
    unsigned n = 0;
    assert_int_equal(xc_db_open(f->db, XC_OPEN_READ, &db, NULL), XC_OK);
    assert_int_equal(xc_db_doc_count(db, &n), XC_OK);
    xc_db_close(db);
    return n;
}

/* How many paragraphs the index holds of story ID. */
static unsigned story_paragraphs(fixture_t *f, const char *id)
{
    xc_db_t *db = NULL;
    unsigned n = 0;
    char term[256];
    snprintf(term, sizeof term, "%s%s", NG_PREFIX_STORY, id);
    assert_int_equal(xc_db_open(f->db, XC_OPEN_READ, &db, NULL), XC_OK);
    assert_int_equal(xc_db_term_freq(db, term, &n), XC_OK);
    xc_db_close(db);
    return n;
}

/* Number of paragraphs QUERY finds. */
static size_t hits(fixture_t *f, const char *query)
{
    ng_search_options_t so = { .max_hits = 0 };
    ng_results_t *r = NULL;
    char *error = NULL;
    ng_status_t st = ng_search_run(f->db, query, &so, &r, &error);
    if (st != NG_OK && st != NG_NO_MATCH)
        fail_msg("search '%s' failed: %s", query, error);
    size_t n = r->n_hits;
    ng_results_free(r);
    return n;
}

#define assert_counts(c, a, u, r, same, skip) do { \
        assert_int_equal((c).added, a); assert_int_equal((c).updated, u); \
        assert_int_equal((c).removed, r); \
        assert_int_equal((c).unchanged, same); \
        assert_int_equal((c).skipped, skip); } while (0)

static void test_first_run_adds_all(void **state)
{
    fixture_t *f = *state;
    ng_index_counts_t c = update(f, 1, NULL, NG_OK);
    assert_counts(c, 3, 0, 0, 0, 0);
    assert_int_equal(c.paragraphs, 4);
    assert_int_equal(doc_count(f), 4);
    assert_int_equal(story_paragraphs(f, "news/a"), 2);
    assert_int_equal(story_paragraphs(f, "news/sub/c"), 1);
}

static void test_no_change_reads_nothing(void **state)
{
    fixture_t *f = *state;
    update(f, 1, NULL, NG_OK);
    /* With no path, the remembered root. */
    ng_index_counts_t c = update(f, 0, NULL, NG_OK);
    assert_counts(c, 0, 0, 0, 3, 0);
    assert_int_equal(c.paragraphs, 0);
    assert_int_equal(doc_count(f), 4);
}

static void test_new_story_is_added(void **state)
{
    fixture_t *f = *state;
    update(f, 1, NULL, NG_OK);
    free(tu_write_file(f->news, "d.txt", "Delta\n\nDingo paragraph.\n"));
    ng_index_counts_t c = update(f, 0, NULL, NG_OK);
    assert_counts(c, 1, 0, 0, 3, 0);
    assert_int_equal(hits(f, "dingo"), 1);
    assert_int_equal(doc_count(f), 5);
}

static void test_changed_story_is_replaced_whole(void **state)
{
    fixture_t *f = *state;
    update(f, 1, NULL, NG_OK);
    /* One paragraph fewer, and other words. */
    free(tu_write_file(f->news, "a.txt", "Alpha\n\nAntelope only.\n"));
    ng_index_counts_t c = update(f, 0, NULL, NG_OK);
    assert_counts(c, 0, 1, 0, 2, 0);
    assert_int_equal(story_paragraphs(f, "news/a"), 1);
    assert_int_equal(hits(f, "aardvark"), 0);
    assert_int_equal(hits(f, "antelope"), 1);
    assert_int_equal(doc_count(f), 3);
}

static void test_touched_story_is_not_rewritten(void **state)
{
    fixture_t *f = *state;
    update(f, 1, NULL, NG_OK);
    /* Same content written again: a new modification time. */
    char *path = tu_path_join(f->news, "b.txt");
    struct timespec times[2] = { { 0, UTIME_OMIT }, { 1000000000, 0 } };
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
    ng_index_counts_t c = update(f, 0, NULL, NG_OK);
    assert_counts(c, 0, 0, 0, 3, 0);
    assert_int_equal(c.paragraphs, 0);
    /* The record now has the new time: the next run does not read it. */
    c = update(f, 0, NULL, NG_OK);
    assert_counts(c, 0, 0, 0, 3, 0);
    free(path);
}

static void test_moved_story_is_not_indexed_twice(void **state)
{
    fixture_t *f = *state;
    update(f, 1, NULL, NG_OK);
    char *from = tu_path_join(f->news, "b.txt");
    char *to = tu_path_join(f->news, "sub/renamed.txt");
    assert_int_equal(rename(from, to), 0);
    ng_index_counts_t c = update(f, 0, NULL, NG_OK);
    assert_counts(c, 0, 1, 0, 2, 0);
    assert_int_equal(story_paragraphs(f, "news/b"), 0);
    assert_int_equal(story_paragraphs(f, "news/sub/renamed"), 1);
    assert_int_equal(hits(f, "bison"), 1);
    assert_int_equal(doc_count(f), 4);
    free(from);
    free(to);
}

static void test_deleted_story_is_removed(void **state)
{
    fixture_t *f = *state;
    update(f, 1, NULL, NG_OK);
    char *path = tu_path_join(f->news, "sub/c.txt");
    assert_int_equal(unlink(path), 0);
    ng_index_counts_t c = update(f, 0, NULL, NG_OK);
    assert_counts(c, 0, 0, 1, 2, 0);
    assert_int_equal(hits(f, "camel"), 0);
    assert_int_equal(doc_count(f), 3);
    free(path);
}

static void test_unreadable_story_is_kept(void **state)
{
    fixture_t *f = *state;
    update(f, 1, NULL, NG_OK);
    /* A regular file that cannot be read, even by root: reading this
     * process's memory at offset 0 fails. */
    char *path = tu_path_join(f->news, "b.txt");
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink("/proc/self/mem", path), 0);
    ng_index_counts_t c = update(f, 0, NULL, NG_OK);
    assert_counts(c, 0, 0, 0, 2, 1);
    /* What the index had of it stays. */
    assert_int_equal(hits(f, "bison"), 1);
    free(path);
}

static void test_vanished_root_keeps_its_stories(void **state)
{
    fixture_t *f = *state;
    update(f, 1, NULL, NG_OK);
    char *moved = tu_path_join(f->dir, "elsewhere");
    assert_int_equal(rename(f->news, moved), 0);
    ng_index_counts_t c = update(f, 0, NULL, NG_OK);
    assert_counts(c, 0, 0, 0, 0, 0);
    assert_int_equal(doc_count(f), 4);
    free(moved);
}

static void test_interrupted_run_keeps_its_work(void **state)
{
    fixture_t *f = *state;
    volatile sig_atomic_t stop = 1;
    ng_index_run_t run = { .stop = &stop, .batch = 1 };
    /* Stopped before the first story: nothing indexed, nothing lost. */
    ng_index_counts_t c = update(f, 1, &run, NG_INTERRUPTED);
    assert_int_equal(c.added, 0);
    assert_int_equal(doc_count(f), 0);
    c = update(f, 0, NULL, NG_OK);
    assert_counts(c, 3, 0, 0, 0, 0);
    assert_int_equal(doc_count(f), 4);
}

static void test_single_file_given(void **state)
{
    fixture_t *f = *state;
    update(f, 1, NULL, NG_OK);
    char *path = tu_write_file(f->news, "e.txt", "Echo\n\nEmu paragraph.\n");
    ng_index_t *index = NULL;
    char *error = NULL;
    assert_int_equal(ng_index_open(f->db, NULL, &index, &error), NG_OK);
    ng_index_counts_t c = { 0 };
    assert_int_equal(ng_index_update(index, &path, 1, NULL, &c), NG_OK);
    /* Only that file is looked at; nothing else is removed. */
    assert_counts(c, 1, 0, 0, 0, 0);
    /* It lies below a remembered root, so it is not remembered itself. */
    char **roots = NULL;
    assert_int_equal(ng_index_roots(index, &roots), NG_OK);
    assert_non_null(roots[0]);
    assert_null(roots[1]);
    free(roots[0]);
    free(roots);
    ng_index_close(index);
    assert_int_equal(doc_count(f), 5);
    assert_int_equal(story_paragraphs(f, "news/e"), 1);
    free(path);
}

static void test_update_named_files_only(void **state)
{
    fixture_t *f = *state;
    update(f, 1, NULL, NG_OK);
    /* As --watch learns of them: one changed, one deleted, one new, one
     * moved; and one story nobody named, changed, which is left alone. */
    char *a = tu_write_file(f->news, "a.txt", "Alpha\n\nAntelope only.\n");
    char *b = tu_path_join(f->news, "b.txt");
    char *c = tu_path_join(f->news, "sub/c.txt");
    char *c2 = tu_path_join(f->news, "c2.txt");
    char *d = tu_write_file(f->news, "d.txt", "Delta\n\nDingo paragraph.\n");
    assert_int_equal(unlink(b), 0);
    assert_int_equal(rename(c, c2), 0);
    char *resolved = realpath(f->news, NULL);
    char *files[5];
    const char *names[5] = { "a.txt", "b.txt", "sub/c.txt", "c2.txt", "d.txt" };
    for (int i = 0; i < 5; i++)
        files[i] = tu_path_join(resolved, names[i]);
    ng_index_t *index = NULL;
    char *error = NULL;
    assert_int_equal(ng_index_open(f->db, NULL, &index, &error), NG_OK);
    ng_index_counts_t cnt = { 0 };
    assert_int_equal(ng_index_update_files(index, files, 5, NULL, &cnt), NG_OK);
    ng_index_close(index);
    assert_counts(cnt, 1, 2, 1, 0, 0);
    assert_int_equal(hits(f, "antelope"), 1);
    assert_int_equal(hits(f, "bison"), 0);
    assert_int_equal(hits(f, "camel"), 1);
    assert_int_equal(hits(f, "dingo"), 1);
    assert_int_equal(story_paragraphs(f, "news/c2"), 1);
    assert_int_equal(story_paragraphs(f, "news/sub/c"), 0);
    for (int i = 0; i < 5; i++)
        free(files[i]);
    free(resolved);
    free(a); free(b); free(c); free(c2); free(d);
}

static void test_second_writer_is_locked(void **state)
{
    fixture_t *f = *state;
    ng_index_t *first = NULL, *second = NULL;
    char *error = NULL;
    assert_int_equal(ng_index_open(f->db, NULL, &first, &error), NG_OK);
    assert_int_equal(ng_index_open(f->db, NULL, &second, &error),
                     NG_INDEX_LOCKED);
    assert_non_null(error);
    free(error);
    ng_index_close(first);
    assert_int_equal(ng_index_open(f->db, NULL, &second, &error), NG_OK);
    ng_index_close(second);
}

/* A first build over three threads: the same stories as one thread's, no
 * partial index left beside it, and the index updates as any other. */
static void test_build_over_threads(void **state)
{
    fixture_t *f = *state;
    free(tu_write_file(f->news, "sub/d.txt", "Delta\n\nDingo paragraph.\n"));
    free(tu_write_file(f->news, "e.txt", "Echo\n\nEmu one.\n\nEmu two.\n"));
    ng_index_run_t run = { .jobs = 3 };
    ng_index_counts_t c = update(f, 1, &run, NG_OK);
    assert_counts(c, 5, 0, 0, 0, 0);
    assert_int_equal(c.paragraphs, 7);
    assert_int_equal(doc_count(f), 7);
    assert_int_equal(story_paragraphs(f, "news/e"), 2);
    assert_int_equal(hits(f, "aardvark"), 2);
    assert_int_equal(hits(f, "dingo"), 1);
    char *part = NULL;
    struct stat sb;
    for (int i = 1; i <= 3; i++) {
        assert_true(asprintf(&part, "%s.part%d", f->db, i) > 0);
        assert_int_not_equal(stat(part, &sb), 0);
        free(part);
    }
    assert_true(asprintf(&part, "%s.merge", f->db) > 0);
    assert_int_not_equal(stat(part, &sb), 0);
    free(part);

    /* Its records came through the merge: nothing is read again. */
    c = update(f, 0, &run, NG_OK);
    assert_counts(c, 0, 0, 0, 5, 0);
    /* Threads are for first builds only; updates are as before. */
    free(tu_write_file(f->news, "b.txt", "Bravo\n\nBuffalo now.\n"));
    c = update(f, 0, &run, NG_OK);
    assert_counts(c, 0, 1, 0, 4, 0);
    assert_int_equal(hits(f, "bison"), 0);
    assert_int_equal(hits(f, "buffalo"), 1);
}

/* A first build that fills several partial indexes per thread: all of
 * them merged, none left beside the index, nor one a stopped build left. */
/* Adds 150 one-paragraph stories about wombats to F's news. */
static void write_wombats(fixture_t *f)
{
    for (int i = 0; i < 150; i++) {
        char name[32], text[64];
        snprintf(name, sizeof name, "many/%03d.txt", i);
        snprintf(text, sizeof text, "Story %d\n\nWombat number w%d.\n", i, i);
        free(tu_write_file(f->news, name, text));
    }
}

static void test_build_over_many_parts(void **state)
{
    fixture_t *f = *state;
    write_wombats(f);
    char *stale = NULL;
    assert_true(asprintf(&stale, "%s.part17", f->db) > 0);
    assert_int_equal(mkdir(stale, 0777), 0);
    free(tu_write_file(stale, "postlist.glass", "left by a stopped build"));

    ng_index_run_t run = { .jobs = 2, .part_paragraphs = 1 };
    ng_index_counts_t c = update(f, 1, &run, NG_OK);
    assert_counts(c, 153, 0, 0, 0, 0);
    assert_int_equal(hits(f, "wombat"), 150);
    assert_int_equal(hits(f, "w149"), 1);
    assert_int_equal(hits(f, "aardvark"), 2);
    struct stat sb;
    assert_int_not_equal(stat(stale, &sb), 0);
    free(stale);
    DIR *d = opendir(f->dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        assert_null(strstr(e->d_name, ".part"));
    closedir(d);

    c = update(f, 0, &run, NG_OK);
    assert_counts(c, 0, 0, 0, 153, 0);
}

/* A partial index that cannot be started in the middle of a build (a
 * file stands where its folder would go): the build fails naming it, the
 * index still opens, and the same command run again indexes what is
 * missing. */
static void test_part_that_cannot_start(void **state)
{
    fixture_t *f = *state;
    write_wombats(f);
    char *blocker = NULL;
    assert_true(asprintf(&blocker, "%s.part2", f->db) > 0);
    FILE *file = fopen(blocker, "w");
    assert_non_null(file);
    fclose(file);

    ng_index_run_t run = { .jobs = 2, .part_paragraphs = 1 };
    ng_index_t *index = NULL;
    char *error = NULL;
    assert_int_equal(ng_index_open(f->db, NULL, &index, &error), NG_OK);
    char *paths[] = { f->news };
    ng_index_counts_t c = { 0 };
    assert_int_not_equal(ng_index_update(index, paths, 1, &run, &c), NG_OK);
    assert_non_null(strstr(ng_index_error(index), blocker));
    ng_index_close(index);
    assert_true(doc_count(f) < 155);

    /* The same command again. */
    update(f, 1, &run, NG_OK);
    assert_int_equal(hits(f, "wombat"), 150);
    assert_int_equal(hits(f, "aardvark"), 2);
    c = update(f, 0, &run, NG_OK);
    assert_counts(c, 0, 0, 0, 153, 0);
    struct stat sb;
    assert_int_equal(stat(blocker, &sb), 0);  /* not ours to remove */
    free(blocker);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
        T(test_first_run_adds_all),
        T(test_no_change_reads_nothing),
        T(test_new_story_is_added),
        T(test_changed_story_is_replaced_whole),
        T(test_touched_story_is_not_rewritten),
        T(test_moved_story_is_not_indexed_twice),
        T(test_deleted_story_is_removed),
        T(test_unreadable_story_is_kept),
        T(test_vanished_root_keeps_its_stories),
        T(test_interrupted_run_keeps_its_work),
        T(test_single_file_given),
        T(test_update_named_files_only),
        T(test_second_writer_is_locked),
        T(test_build_over_threads),
        T(test_build_over_many_parts),
        T(test_part_that_cannot_start),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
