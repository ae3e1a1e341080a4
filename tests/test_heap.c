/*
 * The heap a search is given before it starts: its pages are mapped, so
 * that touching them is no page fault each, either populated or on one
 * huge page.
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

/* Touching PAGES pages of blocks of WHAT takes no page fault each, and
 * neither does it again once they are freed: the heap keeps its pages. */
static void assert_few_faults(size_t pages, const char *what)
{
    for (int round = 1; round <= 2; round++) {
        long taken = faults_touching(pages);
        if (taken >= 8)
            fail_msg("touching %zu pages of %s took %ld page faults (round "
                     "%d)", pages, what, taken, round);
    }
}

static void test_populated_heap_takes_no_faults(void **state)
{
    (void)state;
    size_t mapped = cli_heap_populate(CLI_HEAP_SEARCH_BYTES);
    if (mapped == 0) {
        /* Another malloc than glibc's (a sanitizer's, valgrind's), or a
         * kernel before Linux 5.14: nothing is mapped, and searches fault
         * as before.  (cmocka's skip() reads as a failure in TAP.) */
        print_message("# the heap cannot be mapped here; nothing to check\n");
        return;
    }
    assert_int_equal(mapped, CLI_HEAP_SEARCH_BYTES);
    /* 256 KB of blocks: a page fault for each of 64 pages without it. */
    assert_few_faults(64, "the populated heap");
}

static void test_huge_page_takes_no_faults(void **state)
{
    (void)state;
    size_t mapped = cli_heap_huge();
    if (mapped == 0) {
        /* Also where the kernel gives no transparent huge pages, or had
         * none free. */
        print_message("# no huge page for the heap here; nothing to check\n");
        return;
    }
    assert_int_equal(mapped, CLI_HEAP_HUGE_PAGE);
    /* 1.5 MB of blocks, three times what populating maps: a fault for each
     * of 384 pages without the huge page. */
    assert_few_faults(384, "the huge page");
    /* Once in a process: a second would only hold memory. */
    assert_int_equal(cli_heap_huge(), 0);
}

static void test_smaller_populate_keeps_larger_heap(void **state)
{
    (void)state;
    /* 4 MB at the heap's top, as a huge page not given leaves it: mapping
     * 512 KB next must not let free() hand the top back, pages and all. */
    if (cli_heap_populate(4u * 1024u * 1024u) == 0 ||
        cli_heap_populate(CLI_HEAP_SEARCH_BYTES) == 0) {
        print_message("# the heap cannot be mapped here; nothing to check\n");
        return;
    }
    assert_few_faults(64, "the heap populated after a larger one");
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
        cmocka_unit_test(test_populated_heap_takes_no_faults),
        cmocka_unit_test(test_huge_page_takes_no_faults),
        cmocka_unit_test(test_smaller_populate_keeps_larger_heap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
