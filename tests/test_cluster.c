/* Tests of clusters: the cluster file, routing, shards that do not answer,
 * and a cluster of local shards indexed and searched as one index. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cluster.h"
#include "index.h"
#include "schema.h"
#include "search.h"
#include "terms.h"
#include "testutil.h"
#include "xapian-c.h"

/* Loads a cluster file of CONTENT written in DIR; returns the status and
 * leaves the cluster or the message in the out-parameters. */
static ng_status_t load_text(const char *dir, const char *content,
                             ng_cluster_t **cluster, char **error)
{
    char *path = tu_write_file(dir, "cluster", content);
    ng_status_t st = ng_cluster_load(path, cluster, error);
    free(path);
    return st;
}

static void test_load_shards(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    ng_cluster_t *c = NULL;
    char *error = NULL;
    assert_int_equal(load_text(dir, "# three shards\n\nauto here\n"
                                    "  glass /abs/there  \n"
                                    "remote 127.0.0.1:4711\n"
                                    "remote [::1]:4712\n",
                               &c, &error), NG_OK);
    assert_null(error);
    assert_int_equal(c->n_shards, 4);
    char *here = tu_path_join(dir, "here");
    assert_string_equal(c->shards[0].path, here);
    assert_string_equal(c->shards[0].name, "here");
    assert_string_equal(c->shards[1].path, "/abs/there");
    assert_null(c->shards[2].path);
    assert_string_equal(c->shards[2].host, "127.0.0.1");
    assert_int_equal(c->shards[2].port, 4711);
    assert_string_equal(c->shards[2].name, "127.0.0.1:4711");
    assert_string_equal(c->shards[3].host, "::1");
    assert_int_equal(c->shards[3].port, 4712);
    assert_int_equal(ng_cluster_shard_in(
                         c, "Couldn't connect (context: "
                            "remote:tcp(127.0.0.1:4711))"), 2);
    assert_int_equal(ng_cluster_shard_in(c, "remote:tcp([::1]:4712)"), 3);
    assert_int_equal(ng_cluster_shard_in(c, "remote:tcp(127.0.0.1:47)"), 4);
    free(here);
    ng_cluster_free(c);
    tu_remove_tree(dir);
    free(dir);
}

static void test_bad_cluster_files(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *says;
    } cases[] = {
        { "auto a\nremote :xapian-progsrv db\n", "line 2: remote programs" },
        { "remote example.org\n", "line 1: expected 'remote HOST:PORT'" },
        { "remote example.org:0\n", "line 1" },
        { "remote example.org:99999\n", "line 1" },
        { "inmemory\n", "line 1: expected 'auto PATH'" },
        { "\n# nothing\n", "names no shard" },
    };
    char *dir = tu_tempdir();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ng_cluster_t *c = NULL;
        char *error = NULL;
        assert_int_equal(load_text(dir, cases[i].text, &c, &error),
                         NG_BAD_INPUT);
        assert_null(c);
        assert_non_null(strstr(error, cases[i].says));
        assert_non_null(strstr(error, "cluster '"));
        free(error);
    }
    ng_cluster_t *c = NULL;
    char *error = NULL;
    char *missing = tu_path_join(dir, "missing");
    assert_int_equal(ng_cluster_load(missing, &c, &error), NG_IO_ERROR);
    assert_non_null(strstr(error, "cannot open cluster"));
    free(error);
    free(missing);
    tu_remove_tree(dir);
    free(dir);
}

static void test_route_is_stable_and_spread(void **state)
{
    (void)state;
    unsigned on[3] = { 0 };
    char id[32];
    for (int i = 0; i < 300; i++) {
        snprintf(id, sizeof id, "news/story-%d", i);
        size_t shard = ng_cluster_route(id, 3);
        assert_true(shard < 3);
        assert_int_equal(ng_cluster_route(id, 3), shard);
        assert_int_equal(ng_cluster_route(id, 1), 0);
        on[shard]++;
    }
    for (int s = 0; s < 3; s++)
        assert_true(on[s] > 60);
}

/* A port of the loopback interface with a socket bound to it, in *FD:
 * listening when LISTEN, so that connections are taken but never
 * answered. */
static unsigned bound_port(int listen_too, int *fd)
{
    struct sockaddr_in a = { 0 };
    socklen_t len = sizeof a;
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(*fd >= 0);
    assert_int_equal(bind(*fd, (struct sockaddr *)&a, sizeof a), 0);
    if (listen_too)
        assert_int_equal(listen(*fd, 4), 0);
    assert_int_equal(getsockname(*fd, (struct sockaddr *)&a, &len), 0);
    return ntohs(a.sin_port);
}

/* Opens the one remote shard at PORT with a timeout of 300 ms through a
 * cluster file and through a searcher; both fail naming it, with SAYS. */
static void expect_shard_failure(unsigned port, const char *says)
{
    char *dir = tu_tempdir();
    char text[64], name[32];
    snprintf(text, sizeof text, "remote 127.0.0.1:%u\n", port);
    snprintf(name, sizeof name, "shard '127.0.0.1:%u' ", port);
    char *path = tu_write_file(dir, "cluster", text);
    ng_cluster_t *c = NULL;
    char *error = NULL;
    assert_int_equal(ng_cluster_load(path, &c, &error), NG_OK);
    xc_db_t *db = NULL;
    assert_int_equal(ng_cluster_open_shard(c, 0, XC_OPEN_READ, 300, &db,
                                           &error), NG_SHARD_FAILED);
    assert_null(db);
    assert_non_null(strstr(error, name));
    assert_non_null(strstr(error, says));
    free(error);

    ng_searcher_config_t config = { 300, 1 };
    ng_searcher_t *s = NULL;
    assert_int_equal(ng_searcher_open_with(path, &config, &s, &error),
                     NG_SHARD_FAILED);
    assert_null(s);
    assert_non_null(strstr(error, "no shard of"));
    free(error);
    ng_cluster_free(c);
    free(path);
    tu_remove_tree(dir);
    free(dir);
}

static void test_shard_that_is_down(void **state)
{
    (void)state;
    int fd;
    unsigned port = bound_port(0, &fd);  /* bound, not listening */
    expect_shard_failure(port, "cannot be reached");
    close(fd);
}

static void test_shard_that_does_not_answer(void **state)
{
    (void)state;
    int fd;
    unsigned port = bound_port(1, &fd);  /* connects, never greets */
    expect_shard_failure(port, "did not answer within 0.3 s");
    close(fd);
}

static const char *const stories[] = {
    "Tariffs on steel\n\nThe tariffs on steel rise.\n\nSteel makers "
    "complain about tariffs.\n",
    "Rare earth mine\n\nA rare earth mine opens.\n\nTariffs may follow.\n",
    "Chip makers\n\nChip makers cut output.\n\nTariffs hurt chip makers.\n",
    "Oil prices\n\nOil prices hold steady.\n",
    "Trade talks\n\nTrade talks on tariffs go on.\n\nNo tariffs yet.\n",
    "Tariffs again\n\nThe tariffs on steel rise.\n",
};

/* The documents holding TERM in the index or shard at PATH. */
static unsigned term_freq(const char *path, const char *term)
{
    xc_db_t *db = NULL;
    unsigned n = 0;
    assert_int_equal(xc_db_open(path, XC_OPEN_READ, &db, NULL), XC_OK);
    assert_int_equal(xc_db_term_freq(db, term, &n), XC_OK);
    xc_db_close(db);
    return n;
}

/* Indexes the folder NEWS into the index or cluster at DB. */
static void index_folder(const char *db, const char *news)
{
    ng_index_t *index = NULL;
    char *error = NULL;
    ng_index_counts_t counts = { 0 };
    char *paths[] = { (char *)news };
    assert_int_equal(ng_index_open(db, NULL, &index, &error), NG_OK);
    ng_index_run_t run = { 0 };
    run.jobs = 1;
    assert_int_equal(ng_index_update(index, paths, 1, &run, &counts), NG_OK);
    assert_int_equal(counts.skipped, 0);
    ng_index_close(index);
}

/* Searches QUERY in both and expects the same hits, scores included. */
static void expect_same(const char *one, const char *cluster,
                        const char *query)
{
    ng_search_options_t so = { .max_hits = 50, .per_story = 0,
                               .held_back = 1, .suggest = 1 };
    ng_results_t *a = NULL, *b = NULL;
    char *error = NULL;
    ng_status_t sa = ng_search_run(one, query, &so, &a, &error);
    assert_null(error);
    ng_status_t sb = ng_search_run(cluster, query, &so, &b, &error);
    assert_null(error);
    assert_int_equal(sa, sb);
    assert_int_equal(a->n_hits, b->n_hits);
    assert_int_equal(a->matches, b->matches);
    for (size_t i = 0; i < a->n_hits; i++) {
        assert_string_equal(a->hits[i].story, b->hits[i].story);
        assert_int_equal(a->hits[i].paragraph, b->hits[i].paragraph);
        assert_true(a->hits[i].score == b->hits[i].score);
        assert_int_equal(a->hits[i].more, b->hits[i].more);
    }
    if (a->suggestion)
        assert_string_equal(a->suggestion, b->suggestion);
    else
        assert_null(b->suggestion);
    assert_int_equal(b->n_missing, 0);
    ng_results_free(a);
    ng_results_free(b);
}

static void test_local_shards_search_as_one_index(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    char *news = tu_path_join(dir, "news");
    char name[32];
    for (size_t i = 0; i < sizeof stories / sizeof stories[0]; i++) {
        snprintf(name, sizeof name, "news/story%zu.txt", i);
        free(tu_write_file(dir, name, stories[i]));
    }
    char *cluster = tu_write_file(dir, "cluster",
                                  "auto s0\nauto s1\nauto s2\n");
    char *one = tu_path_join(dir, "one");
    index_folder(cluster, news);
    index_folder(one, news);
    expect_same(one, cluster, "tariffs");
    expect_same(one, cluster, "steel tariffs");
    expect_same(one, cluster, "chip makers");
    expect_same(one, cluster, "tarifs");

    /* Each story on one shard, the one its id is routed to; a changed
     * story is replaced there. */
    char *shards[3];
    for (int s = 0; s < 3; s++) {
        snprintf(name, sizeof name, "s%d", s);
        shards[s] = tu_path_join(dir, name);
    }
    free(tu_write_file(dir, "news/story3.txt",
                       "Oil prices\n\nOil prices fall.\n\nOil prices "
                       "fall again.\n"));
    index_folder(cluster, news);
    for (size_t i = 0; i < sizeof stories / sizeof stories[0]; i++) {
        char id[32];
        snprintf(id, sizeof id, "news/story%zu", i);
        char *term = ng_terms_id_term(NG_PREFIX_STORY, id, "");
        size_t home = ng_cluster_route(id, 3);
        for (size_t s = 0; s < 3; s++)
            if (s != home)
                assert_int_equal(term_freq(shards[s], term), 0);
        if (i == 3)
            assert_int_equal(term_freq(shards[home], term), 2);
        else
            assert_true(term_freq(shards[home], term) > 0);
        free(term);
    }
    index_folder(one, news);
    expect_same(one, cluster, "oil prices");
    for (int s = 0; s < 3; s++)
        free(shards[s]);
    free(one);
    free(cluster);
    free(news);
    tu_remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_shards),
        cmocka_unit_test(test_bad_cluster_files),
        cmocka_unit_test(test_route_is_stable_and_spread),
        cmocka_unit_test(test_shard_that_is_down),
        cmocka_unit_test(test_shard_that_does_not_answer),
        cmocka_unit_test(test_local_shards_search_as_one_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
