/*
 * The heap a search is given before it starts: its pages are mapped, so
 * that touching them is no page fault each.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../cli/heap.h"

static long minor_faults(void)
{
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_minflt;
}

/* Touches N fresh blocks of 4 KB from malloc; returns the page faults it
 * took.  The blocks are freed after all are touched. */
static long faults_touching(size_t n)
{
    char **blocks = calloc(n, sizeof *blocks);
    assert_non_null(blocks);
    long before = minor_faults();
    for (size_t i = 0; i < n; i++) {
        blocks[i] = malloc(4096);
        assert_non_null(blocks[i]);
        memset(blocks[i], 1, 4096);
    }
    long taken = minor_faults() - before;
    for (size_t i = 0; i < n; i++)
        free(blocks[i]);
    free(blocks);
    return taken;
}

static void test_mapped_heap_takes_no_faults(void **state)
{
    (void)state;
    size_t mapped = cli_heap_prefault(CLI_HEAP_SEARCH_BYTES);
    if (mapped == 0) {
        /* Another malloc than glibc's (a sanitizer's, valgrind's), or a
         * kernel before Linux 5.14: nothing is mapped, and searches fault
         * as before.  (cmocka's skip() reads as a failure in TAP.) */
        print_message("# the heap cannot be mapped here; nothing to check\n");
        return;
    }
    assert_true(mapped >= CLI_HEAP_SEARCH_BYTES);
    /* 256 KB of blocks: a page fault for each of 64 pages without it. */
    long taken = faults_touching(64);
    if (taken >= 8)
        fail_msg("touching 64 pages of the mapped heap took %ld page faults",
                 taken);
    /* The heap keeps its pages after the blocks are freed. */
    assert_true(faults_touching(64) < 8);
}

static void test_nothing_asked_nothing_done(void **state)
{
    (void)state;
    assert_int_equal(cli_heap_prefault(0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_asked_nothing_done),
        cmocka_unit_test(test_mapped_heap_takes_no_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
