/*
 * Round trip over the bundled corpus: every word of every paragraph, searched
 * alone as it is written, has that paragraph among all its matches.  This is
 * what ties the indexer's words to the query front end's: a word the index
 * holds in one form and a query asks for in another shows up here by name.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "search.h"
#include "story.h"
#include "testutil.h"
#include "tokenizer.h"

/* One paragraph that must be found: a story id and paragraph number. */
typedef struct {
    char *word;         /* the word as written */
    const char *story;  /* borrowed from the story list */
    unsigned paragraph;
} expect_t;

typedef struct {
    expect_t *items;
    size_t n, cap;
    const char *story;
    unsigned paragraph;
    const char *text;
} expects_t;

static int on_word(void *ctx, const ng_token_t *token)
{
    expects_t *e = ctx;
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 1024;
        e->items = realloc(e->items, e->cap * sizeof *e->items);
        assert_non_null(e->items);
    }
    e->items[e->n].word = strndup(e->text + token->start,
                                  token->end - token->start);
    e->items[e->n].story = e->story;
    e->items[e->n].paragraph = e->paragraph;
    e->n++;
    return 0;
}

static int by_word(const void *a, const void *b)
{
    return strcmp(((const expect_t *)a)->word, ((const expect_t *)b)->word);
}

static int is_story_file(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return n > 4 && strcmp(d->d_name + n - 4, ".txt") == 0;
}

static void test_every_word_finds_its_paragraph(void **state)
{
    (void)state;
    const char *corpus = tu_getenv("NEWSGREP_TEST_CORPUS");
    char *dir = tu_tempdir();
    char *db = tu_path_join(dir, "index");

    /* Index the corpus as newsgrep index does. */
    ng_index_t *index = NULL;
    char *error = NULL;
    assert_int_equal(ng_index_open(db, NULL, &index, &error), NG_OK);
    ng_index_counts_t counts = { 0 };
    char *roots[] = { (char *)corpus };
    assert_int_equal(ng_index_update(index, roots, 1, NULL, &counts), NG_OK);
    ng_index_close(index);
    assert_true(counts.added >= 20);
    assert_int_equal(counts.skipped, 0);

    /* Every word of every paragraph, with where it stands. */
    struct dirent **names;
    int n_files = scandir(corpus, &names, is_story_file, alphasort);
    assert_true(n_files > 0);
    char **ids = calloc((size_t)n_files, sizeof *ids);
    expects_t e = { 0 };
    char *real = realpath(corpus, NULL);
    for (int i = 0; i < n_files; i++) {
        char *path = tu_path_join(real, names[i]->d_name);
        ng_story_t *story = NULL;
        assert_int_equal(ng_story_read_file(path, &story, NULL), NG_OK);
        ids[i] = ng_index_story_id(real, path);
        e.story = ids[i];
        for (size_t p = 0; p < story->n_paragraphs; p++) {
            e.paragraph = (unsigned)p + 1;
            e.text = story->paragraphs[p].text;
            assert_int_equal(ng_tokenize(e.text, story->paragraphs[p].len, 0,
                                         on_word, &e, NULL), 0);
        }
        ng_story_free(story);
        free(path);
        free(names[i]);
    }
    free(names);
    qsort(e.items, e.n, sizeof *e.items, by_word);

    /* Search each distinct word once, for all its matches. */
    size_t failures = 0, searched = 0;
    ng_search_options_t so = { .max_hits = 0 };
    for (size_t i = 0; i < e.n;) {
        size_t j = i;
        while (j < e.n && strcmp(e.items[j].word, e.items[i].word) == 0)
            j++;
        ng_results_t *results = NULL;
        ng_status_t st = ng_search_run(db, e.items[i].word, &so, &results,
                                       &error);
        searched++;
        if (st != NG_OK) {
            print_error("'%s': search failed: %s\n", e.items[i].word,
                        error ? error : ng_status_to_string(st));
            free(error);
            error = NULL;
            failures += j - i;
        } else {
            for (size_t k = i; k < j; k++) {
                int found = 0;
                for (size_t h = 0; h < results->n_hits && !found; h++)
                    found = results->hits[h].paragraph == e.items[k].paragraph &&
                            strcmp(results->hits[h].story, e.items[k].story) == 0;
                if (!found) {
                    print_error("'%s' does not find paragraph %u of %s\n",
                                e.items[k].word, e.items[k].paragraph,
                                e.items[k].story);
                    failures++;
                }
            }
        }
        ng_results_free(results);
        i = j;
    }
    print_message("# searched %zu distinct words from %zu word occurrences\n",
                  searched, e.n);
    for (size_t i = 0; i < e.n; i++)
        free(e.items[i].word);
    free(e.items);
    for (int i = 0; i < n_files; i++)
        free(ids[i]);
    free(ids);
    free(real);
    tu_remove_tree(dir);
    free(db);
    free(dir);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_word_finds_its_paragraph),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
