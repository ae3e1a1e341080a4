/*
 * heap.h: a search's heap, given its pages before it needs them.
 */
#ifndef NEWSGREP_HEAP_H
#define NEWSGREP_HEAP_H

#include <stddef.h>

/* What a search of one index touches of fresh heap, about: Xapian's
 * B-tree blocks, a few for every term of the query, and the paragraphs
 * read.  A search of many rare words touches more, and faults for it. */
#define CLI_HEAP_SEARCH_BYTES (384u * 1024u)

/* Grows the heap by BYTES and maps its pages in one call, where malloc
 * and the kernel allow it; otherwise does nothing.  Returns how many bytes
 * of heap it mapped: 0 when it did nothing. */
size_t cli_heap_prefault(size_t bytes);

#endif
