/* Tests of the file states: the set, and the records kept in the index. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filestate.h"

static void test_put_get_and_replace(void **state)
{
    (void)state;
    ng_filestates_t *set = ng_filestates_new();
    assert_non_null(set);
    assert_null(ng_filestates_get(set, "/a.txt"));
    assert_non_null(ng_filestates_put(set, "/a.txt", "x/a", 10, 20, 30));
    assert_non_null(ng_filestates_put(set, "/b.txt", "x/b", 1, 2, 3));
    ng_filestate_t *a = ng_filestates_put(set, "/a.txt", "x/a2", 11, 21, 31);
    assert_non_null(a);
    assert_int_equal(ng_filestates_count(set), 2);
    a = ng_filestates_get(set, "/a.txt");
    assert_string_equal(a->story_id, "x/a2");
    assert_int_equal(a->size, 11);
    assert_int_equal(a->mtime_ns, 21);
    assert_int_equal(a->hash, 31);
    ng_filestates_free(set);
}

static void test_many_states(void **state)
{
    (void)state;
    ng_filestates_t *set = ng_filestates_new();
    char path[64], id[64];
    for (int i = 0; i < 5000; i++) {
        snprintf(path, sizeof path, "/news/%d.txt", i);
        snprintf(id, sizeof id, "news/%d", i);
        assert_non_null(ng_filestates_put(set, path, id, (uint64_t)i, i, (uint64_t)i * 7));
    }
    assert_int_equal(ng_filestates_count(set), 5000);
    for (int i = 0; i < 5000; i += 97) {
        snprintf(path, sizeof path, "/news/%d.txt", i);
        ng_filestate_t *s = ng_filestates_get(set, path);
        assert_non_null(s);
        assert_int_equal(s->hash, (uint64_t)i * 7);
    }
    assert_null(ng_filestates_get(set, "/news/5000.txt"));
    /* Walking in the order put. */
    assert_string_equal(ng_filestates_at(set, 4999)->path, "/news/4999.txt");
    assert_null(ng_filestates_at(set, 5000));
    ng_filestates_free(set);
}

static void test_encode_decode_round_trip(void **state)
{
    (void)state;
    ng_filestates_t *set = ng_filestates_new();
    /* Spaces in the id and the path need no escaping. */
    ng_filestate_t *s = ng_filestates_put(set, "/my news/a b.txt",
                                          "my news/a b", 12345,
                                          1700000000123456789LL,
                                          0xfedcba9876543210ULL);
    char *value = ng_filestate_encode(s);
    assert_non_null(value);
    ng_filestates_t *back = ng_filestates_new();
    assert_int_equal(ng_filestates_decode(back, value), NG_OK);
    ng_filestate_t *t = ng_filestates_get(back, "/my news/a b.txt");
    assert_non_null(t);
    assert_string_equal(t->story_id, "my news/a b");
    assert_int_equal(t->size, 12345);
    assert_true(t->mtime_ns == 1700000000123456789LL);
    assert_true(t->hash == 0xfedcba9876543210ULL);
    free(value);
    ng_filestates_free(set);
    ng_filestates_free(back);
}

static void test_decode_rejects_damage(void **state)
{
    (void)state;
    const char *bad[] = { "", "12", "1 2 3", "1 2 ff 99 short /p",
                          "1 2 ff 3 abc relative", "x 2 ff 3 abc /p" };
    ng_filestates_t *set = ng_filestates_new();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ng_filestates_decode(set, bad[i]), NG_INDEX_CORRUPT);
    assert_int_equal(ng_filestates_count(set), 0);
    ng_filestates_free(set);
}

static void test_keys_and_hash(void **state)
{
    (void)state;
    char k1[NG_FILESTATE_KEY_MAX], k2[NG_FILESTATE_KEY_MAX];
    char long_path[4096];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[0] = '/';
    long_path[sizeof long_path - 1] = '\0';
    ng_filestate_key(long_path, k1);
    ng_filestate_key("/a.txt", k2);
    assert_true(strncmp(k1, NG_FILESTATE_KEY_PREFIX,
                        strlen(NG_FILESTATE_KEY_PREFIX)) == 0);
    assert_true(strlen(k1) < NG_FILESTATE_KEY_MAX);
    assert_string_not_equal(k1, k2);
    assert_true(ng_filestate_hash("abc", 3) == ng_filestate_hash("abc", 3));
    assert_true(ng_filestate_hash("abc", 3) != ng_filestate_hash("abd", 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_and_replace),
        cmocka_unit_test(test_many_states),
        cmocka_unit_test(test_encode_decode_round_trip),
        cmocka_unit_test(test_decode_rejects_damage),
        cmocka_unit_test(test_keys_and_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
