/*
 * fuzz_formats.c: a libFuzzer target for ng_formats_read(), which runs the
 * format detection, every reader (plain text, HTML, feeds, JSON Lines), gzip
 * and the passage splitting on arbitrary bytes.
 *
 * Besides crashes, leaks and undefined behaviour, it stops on any broken
 * promise of formats.h: a story without a headline, a paragraph longer than
 * NG_PASSAGE_MAX_BYTES or not valid UTF-8 on one line, a status other than
 * those listed, or an error message without NG_BAD_INPUT.
 *
 * Build (from the top of the tree, with an empty config.h in BUILD):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -IBUILD -Iindexer \
 *     $(pkg-config --cflags libxml-2.0 json-c) tests/fuzz/fuzz_formats.c \
 *     indexer/formats.c indexer/story.c indexer/status.c \
 *     $(pkg-config --libs libxml-2.0 zlib json-c libutf8proc) -o fuzz_formats
 * Run:
 *   ./fuzz_formats -dict=tests/fuzz/formats.dict -max_total_time=600 \
 *     CORPUS tests/fuzz/seeds/formats
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reports a broken promise and stops the fuzzer. */
static void broken(const char *what)
{
    fprintf(stderr, "fuzz_formats: %s\n", what);
    abort();
}

/* Whether the N bytes at S are valid UTF-8 on one line, without control
 * characters. */
static int one_clean_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t got = utf8proc_iterate(
            (const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (got <= 0 || cp < 0x20 || cp == 0x7F)
            return 0;
        i += (size_t)got;
    }
    return 1;
}

static int take_story(void *ctx, const char *id, ng_story_t *story)
{
    size_t *count = ctx;

    if (id && (!id[0] || !one_clean_line(id, strlen(id))))
        broken("bad id");
    if (!story->title || !story->title[0]
        || strlen(story->title) > NG_TITLE_MAX_BYTES
        || !one_clean_line(story->title, strlen(story->title)))
        broken("bad headline");
    if (story->date && strlen(story->date) != 10)
        broken("bad date");
    for (size_t i = 0; i < story->n_paragraphs; i++) {
        const ng_paragraph_t *p = &story->paragraphs[i];
        if (p->len == 0 || p->len > NG_PASSAGE_MAX_BYTES
            || strlen(p->text) != p->len || !one_clean_line(p->text, p->len))
            broken("bad paragraph");
    }
    ng_story_free(story);
    /* Stopping part way must be clean too. */
    return ++*count >= 5000;
}

static void take_warning(void *ctx, const char *message)
{
    (void)ctx;
    if (!message[0])
        broken("empty warning");
}

/* Built with FUZZ_PREFIX, the input is put after it, so that detection
 * chooses one reader and the fuzzer spends its time there: the targets
 * fuzz_html, fuzz_feed and fuzz_jsonl are this file with a prefix. */
#ifndef FUZZ_PREFIX
#define FUZZ_PREFIX ""
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t count = 0;
    char *error = NULL;
    static const char prefix[] = FUZZ_PREFIX;
    size_t n = sizeof prefix - 1;
    char *input = malloc(n + size + 1);
    if (!input)
        return 0;
    memcpy(input, prefix, n);
    if (size)
        memcpy(input + n, data, size);
    ng_status_t st = ng_formats_read(input, n + size, 0, take_story,
                                     &count, take_warning, NULL, &error);

    if (st != NG_OK && st != NG_BAD_INPUT && st != NG_NO_MEMORY
        && st != NG_INTERRUPTED)
        broken("unexpected status");
    if ((st == NG_BAD_INPUT) != (error != NULL))
        broken("error message without NG_BAD_INPUT, or the reverse");
    free(error);
    (void)ng_formats_detect(input, n + size);
    free(input);
    return 0;
}
