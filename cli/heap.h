/*
 * heap.h: a search's heap, given its pages before it needs them.
 */
#ifndef NEWSGREP_HEAP_H
#define NEWSGREP_HEAP_H

#include <stddef.h>

/* What a search of one index touches of fresh heap, about: Xapian's
 * B-tree blocks, a few for every term of the query, and the paragraphs
 * read.  A search of many rare words touches more, and faults for it
 * where there is no huge page. */
#define CLI_HEAP_SEARCH_BYTES (512u * 1024u)

/* The size of a transparent huge page on x86-64 (and of arm64's with 4 KB
 * pages). */
#define CLI_HEAP_HUGE_PAGE (2u * 1024u * 1024u)

/* Puts the next CLI_HEAP_HUGE_PAGE bytes that malloc gives out on one
 * huge page, mapped, where malloc and the kernel allow it (once in a
 * process).  Returns CLI_HEAP_HUGE_PAGE, or 0 when it did nothing. */
size_t cli_heap_huge(void);

/* Grows the heap by BYTES and maps their pages in one call, where malloc
 * and the kernel allow it.  Returns BYTES (to whole pages), or 0 when it
 * did nothing. */
size_t cli_heap_populate(size_t bytes);

/* Gives the next BYTES of heap their pages: on a huge page when they fit
 * one and the kernel has one, else by cli_heap_populate().  Returns how
 * many bytes are mapped, 0 when nothing was done. */
size_t cli_heap_prefault(size_t bytes);

#endif
