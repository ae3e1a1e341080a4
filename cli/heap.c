/*
 * heap.c: a search's heap, given its pages before it needs them.
 *
 * The first touch of a page of heap is a page fault.  On the virtual
 * machines that newsgrep was measured on, a fault costs about 15 us,
 * mapping pages in one madvise(MADV_POPULATE_WRITE) call about 5 us a
 * page, and one transparent huge page of 2 MB about 150 us in all; a
 * search touches a few hundred KB of fresh heap, and its faults were the
 * largest part of what it cost beyond Xapian's own quest
 * (bench/RESULTS.md).  On a machine where faults are cheap either way
 * costs about as much as it saves.
 *
 * glibc's malloc takes small blocks from the heap it grows with brk.
 * cli_heap_huge() puts the next 2 MB of that heap on one huge page;
 * cli_heap_populate() grows the heap by some bytes and maps their pages.
 * Both keep free() from giving the space back, so that freed blocks stay
 * mapped.  Anything else (another malloc, a sanitizer's or valgrind's, a
 * kernel without huge pages or before Linux 5.14) leaves the heap as it
 * was.
 */
#include <config.h>

#include "heap.h"

#if defined(HAVE_MALLOPT) && defined(HAVE_MALLINFO2)
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Non-zero if the LEN bytes at P lie in the heap that glibc's malloc
 * grows with brk, which is what holds the blocks it gives out when it is
 * the malloc in use. */
static int in_heap(const void *p, size_t len)
{
    const char *end = sbrk(0);
    size_t size = mallinfo2().arena;
    return end != (char *)-1 && (uintptr_t)end >= size &&
           (const char *)p >= end - size && (uintptr_t)p + len >= len &&
           (const char *)p + len <= end;
}

/* Has malloc take blocks of up to twice BYTES from the heap, and free()
 * leave up to four times BYTES free at its top; never less than an
 * earlier call asked, so that a heap grown for a huge page that was not
 * given is not trimmed, with the pages mapped after it, by the next
 * free().  Returns 0 if malloc would not take the settings. */
static int keep_in_heap(size_t bytes)
{
    static size_t kept;
    if (bytes <= kept)
        return 1;
    if (bytes > INT_MAX / 4 || !mallopt(M_MMAP_THRESHOLD, (int)(2 * bytes)) ||
        !mallopt(M_TRIM_THRESHOLD, (int)(4 * bytes)))
        return 0;
    kept = bytes;
    return 1;
}

static size_t page_size(void)
{
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t)page : 0;
}
#endif

#if defined(HAVE_MALLOPT) && defined(HAVE_MALLINFO2) && \
    HAVE_DECL_MADV_HUGEPAGE
/* What lies below the huge page in the block it was carved from: kept
 * allocated, untouched, so that malloc goes on from the huge page. */
static void *below_huge_page;

size_t cli_heap_huge(void)
{
    size_t page = page_size();
    if (below_huge_page || page == 0 || !keep_in_heap(2 * CLI_HEAP_HUGE_PAGE))
        return 0;
    size_t size = 2 * CLI_HEAP_HUGE_PAGE + page;
    char *block = malloc(size);
    if (!block)
        return 0;
    /* The first whole huge page of the block, a page or more in. */
    char *huge = (char *)(((uintptr_t)block + page + CLI_HEAP_HUGE_PAGE - 1) &
                          ~(uintptr_t)(CLI_HEAP_HUGE_PAGE - 1));
    unsigned char last = 0;
    if (!in_heap(block, size) ||
        madvise(huge, CLI_HEAP_HUGE_PAGE, MADV_HUGEPAGE) != 0) {
        free(block);
        return 0;
    }
    /* One fault maps the whole huge page where the kernel has one to give
     * (its last small page is then there too); else it maps one page. */
    *(volatile char *)huge = 0;
    if (mincore(huge + CLI_HEAP_HUGE_PAGE - page, page, &last) != 0 ||
        !(last & 1)) {
        free(block);
        return 0;
    }
    /* Shrunk in place to end where the huge page starts (glibc's block
     * header is 16 bytes before the pointer, its size a multiple of 16
     * counting 8 of the header): the rest goes back to the top of the
     * heap, where malloc takes its next blocks. */
    uintptr_t was = (uintptr_t)block;
    char *kept = realloc(block, (size_t)(huge - block) + 8);
    if (!kept) {
        free(block);
        return 0;
    }
    if ((uintptr_t)kept != was) {
        /* Moved, not shrunk: not glibc's realloc, and the huge page was
         * given back with the rest. */
        free(kept);
        return 0;
    }
    below_huge_page = kept;
    return CLI_HEAP_HUGE_PAGE;
}
#else
size_t cli_heap_huge(void)
{
    return 0;
}
#endif

#if defined(HAVE_MALLOPT) && defined(HAVE_MALLINFO2) && \
    HAVE_DECL_MADV_POPULATE_WRITE
size_t cli_heap_populate(size_t bytes)
{
    size_t page = page_size();
    if (bytes == 0 || bytes > 64u * 1024u * 1024u || page == 0 ||
        !keep_in_heap(bytes))
        return 0;
    /* A block this size comes from the top of the heap, where malloc
     * takes what it has not yet given out: its pages are the next ones
     * malloc touches.  Freed, it stays there. */
    bytes = (bytes + page - 1) & ~(page - 1);
    char *block = malloc(bytes + page);
    if (!block)
        return 0;
    char *start = (char *)(((uintptr_t)block + page - 1) &
                           ~(uintptr_t)(page - 1));
    int mapped = in_heap(block, bytes + page) &&
                 madvise(start, bytes, MADV_POPULATE_WRITE) == 0;
    free(block);
    return mapped ? bytes : 0;
}
#else
size_t cli_heap_populate(size_t bytes)
{
    (void)bytes;
    return 0;
}
#endif

size_t cli_heap_prefault(size_t bytes)
{
    if (bytes == 0)
        return 0;
    size_t huge = bytes <= CLI_HEAP_HUGE_PAGE ? cli_heap_huge() : 0;
    return huge ? huge : cli_heap_populate(bytes);
}
