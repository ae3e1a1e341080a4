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
#include "terms.h"

#define H(path) ng_filestate_path_hash(path)

static void test_put_get_and_replace(void **state)
{
    (void)state;
    ng_filestates_t *set = ng_filestates_new();
    assert_non_null(set);
    assert_null(ng_filestates_get(set, H("/a.txt")));
    ng_filestate_t *a = ng_filestates_put(set, H("/a.txt"), 10, 20, 30);
    assert_non_null(a);
    a->seen = 1;
    a->mark = 1;
    assert_non_null(ng_filestates_put(set, H("/b.txt"), 1, 2, 3));
    a = ng_filestates_put(set, H("/a.txt"), 11, 21, 31);
    assert_non_null(a);
    assert_int_equal(ng_filestates_count(set), 2);
    a = ng_filestates_get(set, H("/a.txt"));
    assert_int_equal(a->size, 11);
    assert_int_equal(a->mtime_ns, 21);
    assert_int_equal(a->hash, 31);
    /* Replacing keeps the caller's flags. */
    assert_true(a->seen && a->mark);
    assert_false(ng_filestates_get(set, H("/b.txt"))->seen);
    ng_filestates_free(set);
}

static void test_many_states(void **state)
{
    (void)state;
    ng_filestates_t *set = ng_filestates_new();
    char path[64];
    for (int i = 0; i < 5000; i++) {
        snprintf(path, sizeof path, "/news/%d.txt", i);
        assert_non_null(ng_filestates_put(set, H(path), (uint64_t)i, i,
                                          (uint64_t)i * 7));
    }
    assert_int_equal(ng_filestates_count(set), 5000);
    for (int i = 0; i < 5000; i += 97) {
        snprintf(path, sizeof path, "/news/%d.txt", i);
        ng_filestate_t *s = ng_filestates_get(set, H(path));
        assert_non_null(s);
        assert_int_equal(s->hash, (uint64_t)i * 7);
    }
    assert_null(ng_filestates_get(set, H("/news/5000.txt")));
    /* Walking in the order put. */
    assert_true(ng_filestates_at(set, 4999)->path_hash ==
                H("/news/4999.txt"));
    assert_null(ng_filestates_at(set, 5000));
    ng_filestates_free(set);
}

static void test_encode_parse_round_trip(void **state)
{
    (void)state;
    ng_filestates_t *set = ng_filestates_new();
    ng_filestate_t *s = ng_filestates_put(set, H("/my news/a b.txt"), 12345,
                                          1700000000123456789LL,
                                          0xfedcba9876543210ULL);
    /* Spaces in the id and the path need no escaping. */
    char *value = ng_filestate_encode(s, "/my news/a b.txt", "my news/a b");
    assert_non_null(value);
    ng_filerecord_t rec;
    assert_int_equal(ng_filestate_parse(value, &rec), NG_OK);
    assert_string_equal(rec.path, "/my news/a b.txt");
    assert_int_equal(rec.id_len, strlen("my news/a b"));
    assert_memory_equal(rec.story_id, "my news/a b", rec.id_len);
    assert_true(rec.state.path_hash == H("/my news/a b.txt"));
    assert_int_equal(rec.state.size, 12345);
    assert_true(rec.state.mtime_ns == 1700000000123456789LL);
    assert_true(rec.state.hash == 0xfedcba9876543210ULL);
    assert_false(rec.state.seen || rec.state.mark);
    free(value);
    ng_filestates_free(set);
}

static void test_parse_rejects_damage(void **state)
{
    (void)state;
    const char *bad[] = { "", "12", "1 2 3", "1 2 ff 99 short /p",
                          "1 2 ff 3 abc relative", "x 2 ff 3 abc /p" };
    ng_filerecord_t rec;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ng_filestate_parse(bad[i], &rec), NG_INDEX_CORRUPT);
}

static void test_keys_and_hash(void **state)
{
    (void)state;
    char k1[NG_FILESTATE_KEY_MAX], k2[NG_FILESTATE_KEY_MAX];
    char long_path[4096];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[0] = '/';
    long_path[sizeof long_path - 1] = '\0';
    ng_filestate_key(H(long_path), k1);
    ng_filestate_key(H("/a.txt"), k2);
    assert_true(strncmp(k1, NG_FILESTATE_KEY_PREFIX,
                        strlen(NG_FILESTATE_KEY_PREFIX)) == 0);
    assert_true(strlen(k1) < NG_FILESTATE_KEY_MAX);
    assert_string_not_equal(k1, k2);
    assert_true(ng_filestate_hash("abc", 3) == ng_filestate_hash("abc", 3));
    assert_true(ng_filestate_hash("abc", 3) != ng_filestate_hash("abd", 3));
    /* A file's XF term is named by the same hash as its record. */
    char t1[NG_TERMS_FILE_TERM_MAX], t2[NG_TERMS_FILE_TERM_MAX];
    ng_terms_file_term("/news/a.txt", t1);
    ng_terms_file_term_of(H("/news/a.txt"), t2);
    assert_string_equal(t1, t2);
    ng_terms_file_term_of(H("/news/b.txt"), t2);
    assert_string_not_equal(t1, t2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_and_replace),
        cmocka_unit_test(test_many_states),
        cmocka_unit_test(test_encode_parse_round_trip),
        cmocka_unit_test(test_parse_rejects_damage),
        cmocka_unit_test(test_keys_and_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
