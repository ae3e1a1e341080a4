/*
 * heap.c: a search's heap, given its pages before it needs them.
 *
 * The first touch of a page of heap is a page fault.  On the virtual
 * machines that newsgrep was measured on, a fault costs about 15 us,
 * while mapping pages in one madvise(MADV_POPULATE_WRITE) call costs
 * about 4 us a page; a search touches a few hundred KB of fresh heap, and
 * its faults were the largest part of what it cost beyond Xapian's own
 * quest (bench/RESULTS.md).  On a machine where faults are cheap the call
 * costs about as much as it saves.
 *
 * glibc's malloc takes small blocks from the heap it grows with brk:
 * this grows it by BYTES at once, keeps free() from giving the space
 * back, and maps the pages.  Anything else (another malloc, a sanitizer's
 * or valgrind's, a kernel before Linux 5.14) leaves the heap as it was.
 */
#include <config.h>

#include "heap.h"

#if defined(HAVE_MALLOPT) && defined(HAVE_MALLINFO2) && \
    HAVE_DECL_MADV_POPULATE_WRITE
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

size_t cli_heap_prefault(size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (bytes == 0 || bytes > 64u * 1024u * 1024u || page == (size_t)-1)
        return 0;
    /* The block must come from the heap, not a mapping of its own, and
     * stay in the heap once freed. */
    if (!mallopt(M_MMAP_THRESHOLD, (int)(2 * bytes)) ||
        !mallopt(M_TRIM_THRESHOLD, (int)(4 * bytes)))
        return 0;
    char *before = sbrk(0);
    size_t in_use = mallinfo2().arena;
    void *volatile block = malloc(bytes);
    free(block);
    char *after = sbrk(0);
    if (before == (char *)-1 || after == (char *)-1 || after <= before ||
        in_use > (uintptr_t)before)
        return 0;
    /* From the heap's first whole page: the pages of it already touched
     * cost nothing more. */
    uintptr_t start = ((uintptr_t)before - in_use + page - 1) & ~(page - 1);
    if ((uintptr_t)after <= start ||
        madvise((void *)start, (uintptr_t)after - start,
                MADV_POPULATE_WRITE) != 0)
        return 0;
    return (uintptr_t)after - start;
}
#else
size_t cli_heap_prefault(size_t bytes)
{
    (void)bytes;
    return 0;
}
#endif
