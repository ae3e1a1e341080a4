#include <config.h>

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <utf8proc.h>
#include <zlib.h>

#include "formats.h"
#include "xmllib.h"
#include "text.h"

/*
 * Decisions formats.h leaves open:
 *
 *  - Binary files.  A file is binary when more than 8 of the first 8 KB, and
 *    more than 5% of them, are control bytes other than white space and
 *    escape (random bytes hold about 10%).  A few NUL bytes in a text file
 *    do not make it binary: they are repaired into spaces, as story.c does.
 *  - A file made only of white space is an "empty file".
 *  - UTF-16 text with a byte-order mark is converted to UTF-8 first.
 *  - Encodings of HTML and feeds.  A document that declares an encoding
 *    other than UTF-8, ASCII or Latin-1 (such as Shift_JIS or KOI8-R), and
 *    that libxml2 knows, is decoded by libxml2.  Every other document is
 *    repaired into UTF-8 by story.h's rules (Windows-1252 when its invalid
 *    bytes outnumber its multi-byte characters, else U+FFFD for each invalid
 *    byte; control characters become spaces) and given to libxml2 as UTF-8.
 *    Every story of a repaired file has ng_story_t.repaired set; decoding a
 *    document that declares Latin-1 is not a repair.
 *  - libxml2 runs with its default limits (no XML_PARSE_HUGE): a text node
 *    longer than 10 MB or nesting deeper than 256 stops the parser, and
 *    what was read before is kept, with a warning.  Entities are never
 *    expanded and nothing is fetched from the network.
 *  - A feed item or HTML page with a headline but no text gets the headline
 *    as its only paragraph, so that it is found.
 *  - In a JSON Lines file a repeated id, and in a feed a repeated guid, is
 *    skipped with a warning: the first one stays.
 */

/* The first bytes looked at to tell binary from text, and to sniff. */
#define SNIFF_BYTES 8192

/* ---------------------------------------------------------------------- */
/* Small helpers                                                            */

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether the NUL-terminated A and B are equal but for ASCII case. */
static int ascii_ieq(const char *a, const char *b)
{
    for (; *a; a++, b++)
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return 0;
    return *b == '\0';
}

/* Whether the N bytes at S start with PREFIX (lower case) in any case. */
static int ascii_istarts(const char *s, size_t n, const char *prefix)
{
    size_t i = 0;
    for (; prefix[i]; i++)
        if (i >= n || ascii_lower((unsigned char)s[i]) != prefix[i])
            return 0;
    return 1;
}

/* Finds NEEDLE (lower case) in the N bytes at S, in any case; returns its
 * offset or N. */
static size_t ascii_ifind(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (ascii_istarts(s + i, n - i, needle))
            return i;
    return n;
}

static int is_ascii_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
        || c == '\v';
}

static int is_unicode_space(utf8proc_int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return 1;
    default:
        return 0;
    }
}

/* Stores a new copy of MESSAGE in *ERROR (when ERROR is not NULL) and
 * returns NG_BAD_INPUT, or NG_NO_MEMORY if the copy cannot be made. */
static ng_status_t bad_input(char **error, const char *message)
{
    if (error) {
        *error = strdup(message);
        if (!*error)
            return NG_NO_MEMORY;
    }
    return NG_BAD_INPUT;
}

/* 64-bit FNV-1a, continued from HASH over N bytes of S. */
static uint64_t fnv1a(uint64_t hash, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        hash ^= (unsigned char)s[i];
        hash *= UINT64_C(0x100000001b3);
    }
    return hash;
}

#define FNV_START UINT64_C(0xcbf29ce484222325)

/* ---------------------------------------------------------------------- */
/* Reading state and warnings                                               */

typedef struct {
    char *id;
    unsigned number;
} id_slot_t;

/* The ids handed out from one file, to skip repeats. */
typedef struct {
    id_slot_t *slots;
    size_t capacity, count;
} id_set_t;

typedef struct {
    ng_formats_story_fn fn;
    void *ctx;
    ng_formats_warn_fn warn;
    void *warn_ctx;
    time_t mtime;
    int repaired;          /* the file's bytes had to be repaired */
    id_set_t ids;
} reader_t;

static void warnf(reader_t *r, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Tells R's warning callback the formatted message, cut at 1 KB. */
static void warnf(reader_t *r, const char *format, ...)
{
    char message[1024];
    va_list ap;

    if (!r->warn)
        return;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    r->warn(r->warn_ctx, message);
}

/* Writes into OUT (SIZE bytes, at least 8) a copy of the N bytes at S fit to
 * quote in a warning: at most 40 bytes, cut between characters and marked
 * "...", with control characters and quotes made spaces. */
static const char *quote(const char *s, size_t n, char *out, size_t size)
{
    size_t max = size - 4 < 40 ? size - 4 : 40, o = 0, i = 0;

    while (i < n) {
        utf8proc_int32_t cp;
        size_t k = ng_text_utf8_char(s + i, n - i, &cp);
        if (k == 0 || o + k > max)
            break;
        if (cp < 0x20 || cp == 0x7F || cp == '\'')
            out[o++] = ' ';
        else {
            memcpy(out + o, s + i, k);
            o += k;
        }
        i += k;
    }
    if (i < n) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

static uint64_t id_hash(const char *id)
{
    return fnv1a(FNV_START, id, strlen(id));
}

/* Adds ID (copied) with its record NUMBER to SET.  Sets *PREVIOUS to the
 * number of the record that had ID already (then nothing is added), else to
 * 0.  Returns NG_OK or NG_NO_MEMORY. */
static ng_status_t id_set_add(id_set_t *set, const char *id, unsigned number,
                              unsigned *previous)
{
    size_t i;

    *previous = 0;
    if ((set->count + 1) * 2 > set->capacity) {
        size_t want = set->capacity ? set->capacity * 2 : 64;
        id_slot_t *grown;
        if (want > SIZE_MAX / sizeof *grown)
            return NG_NO_MEMORY;
        grown = calloc(want, sizeof *grown);
        if (!grown)
            return NG_NO_MEMORY;
        for (size_t j = 0; j < set->capacity; j++) {
            if (!set->slots[j].id)
                continue;
            i = (size_t)(id_hash(set->slots[j].id) & (want - 1));
            while (grown[i].id)
                i = (i + 1) & (want - 1);
            grown[i] = set->slots[j];
        }
        free(set->slots);
        set->slots = grown;
        set->capacity = want;
    }
    i = (size_t)(id_hash(id) & (set->capacity - 1));
    while (set->slots[i].id) {
        if (strcmp(set->slots[i].id, id) == 0) {
            *previous = set->slots[i].number;
            return NG_OK;
        }
        i = (i + 1) & (set->capacity - 1);
    }
    set->slots[i].id = strdup(id);
    if (!set->slots[i].id)
        return NG_NO_MEMORY;
    set->slots[i].number = number;
    set->count++;
    return NG_OK;
}

static void id_set_free(id_set_t *set)
{
    for (size_t i = 0; i < set->capacity; i++)
        free(set->slots[i].id);
    free(set->slots);
}

/* ---------------------------------------------------------------------- */
/* Building text: white space collapsed, paragraphs split                   */

/*
 * Text is built one paragraph at a time from pieces that may be invalid
 * UTF-8 and hold any white space: the result is valid UTF-8 on one line,
 * with each run of white space made one space.  With a STORY, every finished
 * paragraph is appended to it; without, the text is one line and a
 * paragraph break is a space.
 */
typedef struct {
    ng_story_t *story;     /* where paragraphs go, or NULL */
    size_t capacity;       /* of story->paragraphs */
    char *buf;             /* the paragraph being built */
    size_t len, cap;
    int space;             /* white space is pending */
    int newlines;          /* line breaks in the pending white space */
    int brs;               /* <br> elements since the last character */
    int blank_breaks;      /* whether a blank line ends a paragraph */
    int repaired;          /* an invalid byte or control character seen */
} text_t;

/* Appends the paragraph TEXT (LEN bytes, handed over) to STORY, whose
 * paragraph array holds *CAPACITY.  Frees TEXT on failure.  Returns NG_OK or
 * NG_NO_MEMORY. */
static ng_status_t story_add(ng_story_t *story, size_t *capacity, char *text,
                             size_t len)
{
    if (story->n_paragraphs >= *capacity) {
        size_t want = *capacity ? *capacity * 2 : 8;
        ng_paragraph_t *grown;
        if (want < story->n_paragraphs + 1)
            want = story->n_paragraphs + 1;
        if (want > SIZE_MAX / sizeof *grown) {
            free(text);
            return NG_NO_MEMORY;
        }
        grown = realloc(story->paragraphs, want * sizeof *grown);
        if (!grown) {
            free(text);
            return NG_NO_MEMORY;
        }
        story->paragraphs = grown;
        *capacity = want;
    }
    story->paragraphs[story->n_paragraphs].text = text;
    story->paragraphs[story->n_paragraphs].len = len;
    story->n_paragraphs++;
    return NG_OK;
}

/* Makes room for MORE bytes and a NUL in T's buffer. */
static ng_status_t text_reserve(text_t *t, size_t more)
{
    size_t want;
    char *grown;

    if (t->cap > t->len && t->cap - t->len > more)
        return NG_OK;
    want = t->cap ? t->cap : 64;
    while (want <= t->len || want - t->len <= more) {
        if (want > SIZE_MAX / 2)
            return NG_NO_MEMORY;
        want *= 2;
    }
    grown = realloc(t->buf, want);
    if (!grown)
        return NG_NO_MEMORY;
    t->buf = grown;
    t->cap = want;
    return NG_OK;
}

/* Ends T's paragraph (in line mode: makes it a pending space). */
static ng_status_t text_flush(text_t *t)
{
    char *text;
    size_t len;

    t->newlines = 0;
    t->brs = 0;
    if (!t->story) {
        t->space = 1;
        return NG_OK;
    }
    t->space = 0;
    if (t->len == 0)
        return NG_OK;
    /* Giving back what the buffer has spare matters for long files of
     * short paragraphs; failing to is harmless. */
    text = realloc(t->buf, t->len + 1);
    if (!text)
        text = t->buf;
    text[t->len] = '\0';
    len = t->len;
    t->buf = NULL;
    t->len = t->cap = 0;
    return story_add(t->story, &t->capacity, text, len);
}

/* Appends N bytes of S to T (see text_t). */
static ng_status_t text_append(text_t *t, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        utf8proc_int32_t cp;
        size_t k;
        int space = 0, valid = 1;

        if (c < 0x80) {
            cp = c;
            k = 1;
        } else {
            k = ng_text_utf8_char(s + i, n - i, &cp);
            if (k == 0) {
                cp = 0xFFFD;
                k = 1;
                valid = 0;
                t->repaired = 1;
            }
        }
        if (cp == '\r' && i + 1 < n && s[i + 1] == '\n') {
            i++;
            continue;
        }
        if (cp == '\n' || cp == '\r') {
            space = 1;
            t->newlines++;
        } else if (cp == ' ' || cp == '\t' || cp == '\f' || cp == '\v') {
            space = 1;
        } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            space = 1;
            t->repaired = 1;
        } else if (cp >= 0x80 && is_unicode_space(cp)) {
            space = 1;
        }
        if (space) {
            i += k;
            if (t->blank_breaks && t->newlines >= 2 && t->len > 0) {
                ng_status_t st = text_flush(t);
                if (st != NG_OK)
                    return st;
            } else {
                t->space = 1;
            }
            continue;
        }
        if (text_reserve(t, k + 3) != NG_OK)
            return NG_NO_MEMORY;
        if (t->space && t->len > 0)
            t->buf[t->len++] = ' ';
        t->space = 0;
        t->newlines = 0;
        t->brs = 0;
        if (valid) {
            memcpy(t->buf + t->len, s + i, k);
            t->len += k;
        } else {
            memcpy(t->buf + t->len, "\xEF\xBF\xBD", 3);
            t->len += 3;
        }
        i += k;
    }
    return NG_OK;
}

/* A <br>: one is a space, two in a row end the paragraph. */
static ng_status_t text_br(text_t *t)
{
    if (++t->brs >= 2)
        return text_flush(t);
    t->space = 1;
    return NG_OK;
}

/* Takes T's line (in line mode): a new string, "" when empty, or NULL if out
 * of memory.  T is left empty. */
static char *text_take(text_t *t)
{
    char *line;

    if (text_reserve(t, 0) != NG_OK) {
        free(t->buf);
        line = NULL;
    } else {
        t->buf[t->len] = '\0';
        line = t->buf;
    }
    t->buf = NULL;
    t->len = t->cap = 0;
    t->space = t->newlines = t->brs = 0;
    return line;
}

/* Returns a new one-line copy of N bytes of S (see text_t), or NULL if out
 * of memory; sets *REPAIRED when something had to be replaced. */
static char *make_line(const char *s, size_t n, int *repaired)
{
    text_t t = { 0 };
    if (text_append(&t, s, n) != NG_OK) {
        free(t.buf);
        return NULL;
    }
    if (t.repaired)
        *repaired = 1;
    return text_take(&t);
}

/* ---------------------------------------------------------------------- */
/* Sentences and passages                                                   */

/* Abbreviations after which a full stop does not end a sentence. */
static const char *const abbreviations[] = {
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Ft", "Gen",
    "Gov", "Sen", "Rep", "Rev", "Col", "Capt", "Lt", "Sgt", "Cpl", "Maj",
    "Adm", "Cmdr", "Pres", "Supt", "Det", "Insp", "Hon", "Inc", "Ltd", "Co",
    "Corp", "Bros", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
    "Sept", "Oct", "Nov", "Dec", "No", "Nos", "Vol", "vs", "v", "cf", "al",
    "approx", "Ave", "Blvd", "Rd", "Fig", "Ph", "Messrs", NULL
};

/* Whether the word that ends at the full stop S[DOT] is an abbreviation:
 * listed, an initial ("J."), or dotted ("U.S.", "e.g."). */
static int is_abbreviation(const char *s, size_t dot)
{
    size_t start = dot, n;

    while (start > 0 && s[start - 1] != ' ' && dot - start < 32)
        start--;
    while (start < dot && s[start] && strchr("\"'([", s[start]))
        start++;
    n = dot - start;
    if (n == 0)
        return 0;
    if (memchr(s + start, '.', n))
        return 1;
    if (n == 1 && s[start] >= 'A' && s[start] <= 'Z')
        return 1;
    for (size_t i = 0; abbreviations[i]; i++)
        if (strlen(abbreviations[i]) == n
            && memcmp(abbreviations[i], s + start, n) == 0)
            return 1;
    return 0;
}

/* Whether the N bytes at S start a sentence: a capital letter, a letter of
 * a script without case, or an opening quote. */
static int starts_sentence(const char *s, size_t n)
{
    utf8proc_int32_t cp;

    if (n == 0)
        return 0;
    if (s[0] == '"' || s[0] == '\'')
        return 1;
    if (ng_text_utf8_char(s, n, &cp) == 0)
        return 0;
    if (cp == 0x201C || cp == 0x2018 || cp == 0x00AB || cp == 0x201E)
        return 1;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LO:
        return 1;
    default:
        return 0;
    }
}

/* The length of the closing quote or bracket that ends just before S[END],
 * or 0. */
static size_t closing_mark_before(const char *s, size_t end)
{
    if (end >= 1 && strchr("\"')]", s[end - 1]) && s[end - 1] != '\0')
        return 1;
    if (end >= 3 && (memcmp(s + end - 3, "\xE2\x80\x9D", 3) == 0      /* ” */
                     || memcmp(s + end - 3, "\xE2\x80\x99", 3) == 0)) /* ’ */
        return 3;
    if (end >= 2 && memcmp(s + end - 2, "\xC2\xBB", 2) == 0)          /* » */
        return 2;
    return 0;
}

/* Whether the space at S[I] (of LEN bytes) ends a sentence. */
static int ends_sentence(const char *s, size_t len, size_t i)
{
    size_t j = i;

    if (i == 0 || i + 1 >= len || !starts_sentence(s + i + 1, len - i - 1))
        return 0;
    for (int marks = 0; marks < 3; marks++) {
        size_t k = closing_mark_before(s, j);
        if (k == 0)
            break;
        j -= k;
    }
    if (j == 0)
        return 0;
    if (s[j - 1] == '?' || s[j - 1] == '!')
        return 1;
    if (j >= 3 && memcmp(s + j - 3, "\xE2\x80\xA6", 3) == 0)       /* … */
        return 1;
    return s[j - 1] == '.' && !is_abbreviation(s, j - 1);
}

/* Whether the bytes at S (N of them) are a CJK full stop, exclamation or
 * question mark, which end a sentence without a space after them. */
static int is_cjk_stop(const char *s, size_t n)
{
    return n >= 3 && (memcmp(s, "\xE3\x80\x82", 3) == 0
                      || memcmp(s, "\xEF\xBC\x81", 3) == 0
                      || memcmp(s, "\xEF\xBC\x9F", 3) == 0);
}

/* A new array of paragraphs being built, remembering which strings are new
 * copies (so that a failure frees only those). */
typedef struct {
    ng_paragraph_t *paras;
    unsigned char *fresh;
    size_t n, capacity;
} paras_t;

/* Appends TEXT (LEN bytes; a new copy when FRESH) to P. */
static ng_status_t paras_push(paras_t *p, char *text, size_t len, int fresh)
{
    if (p->n == p->capacity) {
        size_t want = p->capacity ? p->capacity * 2 : 16;
        ng_paragraph_t *grown;
        unsigned char *grown_fresh;
        if (want > SIZE_MAX / sizeof *grown)
            return NG_NO_MEMORY;
        grown = realloc(p->paras, want * sizeof *grown);
        if (!grown)
            return NG_NO_MEMORY;
        p->paras = grown;
        grown_fresh = realloc(p->fresh, want);
        if (!grown_fresh)
            return NG_NO_MEMORY;
        p->fresh = grown_fresh;
        p->capacity = want;
    }
    p->paras[p->n].text = text;
    p->paras[p->n].len = len;
    p->fresh[p->n] = (unsigned char)fresh;
    p->n++;
    return NG_OK;
}

/* Appends a new copy of [S + START, S + END), spaces trimmed, to P unless it
 * is empty. */
static ng_status_t add_piece(paras_t *p, const char *s, size_t start,
                             size_t end)
{
    char *text;

    while (start < end && s[start] == ' ')
        start++;
    while (end > start && s[end - 1] == ' ')
        end--;
    if (start == end)
        return NG_OK;
    text = malloc(end - start + 1);
    if (!text)
        return NG_NO_MEMORY;
    memcpy(text, s + start, end - start);
    text[end - start] = '\0';
    if (paras_push(p, text, end - start, 1) != NG_OK) {
        free(text);
        return NG_NO_MEMORY;
    }
    return NG_OK;
}

static size_t distance(size_t a, size_t b)
{
    return a > b ? a - b : b - a;
}

/*
 * Splits the paragraph S (LEN bytes) into passages of at most
 * NG_PASSAGE_MAX_BYTES, appended to P.  Each passage is cut at the sentence
 * end nearest to an even share of what is left, else at the space nearest
 * to it, else between characters.  Looking at most one passage's length
 * ahead each time, and never choosing a cut before a better one, keeps this
 * linear.
 */
static ng_status_t split_paragraph(const char *s, size_t len, paras_t *p)
{
    const size_t max = NG_PASSAGE_MAX_BYTES;
    size_t pos = 0;

    while (pos < len) {
        size_t rest = len - pos, end, next;

        if (rest <= max) {
            end = next = len;
        } else {
            size_t pieces = (rest + max - 1) / max;
            size_t target = pos + rest / pieces, limit = pos + max;
            size_t sentence = SIZE_MAX, space = SIZE_MAX;

            for (size_t i = pos + 1; i <= limit && i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == ' ') {
                    if (space == SIZE_MAX
                        || distance(i, target) < distance(space, target))
                        space = i;
                    if (ends_sentence(s, len, i)
                        && (sentence == SIZE_MAX
                            || distance(i, target)
                                   < distance(sentence, target)))
                        sentence = i;
                } else if ((c == 0xE3 || c == 0xEF) && i + 3 <= limit
                           && is_cjk_stop(s + i, len - i)) {
                    if (sentence == SIZE_MAX
                        || distance(i + 3, target)
                               < distance(sentence, target))
                        sentence = i + 3;
                }
            }
            if (sentence != SIZE_MAX) {
                end = sentence;
                next = end < len && s[end] == ' ' ? end + 1 : end;
            } else if (space != SIZE_MAX) {
                end = space;
                next = end + 1;
            } else {
                end = target;
                while (end > pos + 1
                       && ((unsigned char)s[end] & 0xC0) == 0x80)
                    end--;
                next = end;
            }
        }
        if (add_piece(p, s, pos, end) != NG_OK)
            return NG_NO_MEMORY;
        pos = next;
    }
    return NG_OK;
}

ng_status_t ng_formats_split_long(ng_story_t *story)
{
    paras_t p = { 0 };
    size_t i;
    int any = 0;

    for (i = 0; i < story->n_paragraphs; i++)
        if (story->paragraphs[i].len > NG_PASSAGE_MAX_BYTES)
            any = 1;
    if (!any)
        return NG_OK;
    for (i = 0; i < story->n_paragraphs; i++) {
        ng_paragraph_t *para = &story->paragraphs[i];
        ng_status_t st = para->len > NG_PASSAGE_MAX_BYTES
            ? split_paragraph(para->text, para->len, &p)
            : paras_push(&p, para->text, para->len, 0);
        if (st != NG_OK) {
            for (size_t j = 0; j < p.n; j++)
                if (p.fresh[j])
                    free(p.paras[j].text);
            free(p.paras);
            free(p.fresh);
            return NG_NO_MEMORY;
        }
    }
    for (i = 0; i < story->n_paragraphs; i++)
        if (story->paragraphs[i].len > NG_PASSAGE_MAX_BYTES)
            free(story->paragraphs[i].text);
    free(story->paragraphs);
    free(p.fresh);
    story->paragraphs = p.paras;
    story->n_paragraphs = p.n;
    return NG_OK;
}

/* ---------------------------------------------------------------------- */
/* Headlines                                                                */

/* The byte offset of the character after the first COUNT characters of the
 * N bytes of valid UTF-8 at S, or N. */
static size_t chars_offset(const char *s, size_t n, size_t count)
{
    size_t i = 0;
    while (i < n && count > 0) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        count--;
    }
    return i;
}

/* Returns a new copy of the first END bytes of S, ending in "…" when CUT. */
static char *copy_cut(const char *s, size_t end, int cut)
{
    char *title = malloc(end + 4);
    if (!title)
        return NULL;
    memcpy(title, s, end);
    if (cut)
        memcpy(title + end, "\xE2\x80\xA6", 3);
    title[end + (cut ? 3 : 0)] = '\0';
    return title;
}

/* Returns a new copy of the one-line text S (LEN bytes) cut to at most
 * LIMIT bytes at a space, marked "…", or NULL if out of memory. */
static char *cut_at_word(const char *s, size_t len, size_t limit)
{
    size_t end = limit - 3;
    if (len <= limit)
        return copy_cut(s, len, 0);
    while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80)
        end--;
    for (size_t i = end; i > limit / 2; i--)
        if (s[i] == ' ') {
            end = i;
            break;
        }
    while (end > 0 && s[end - 1] == ' ')
        end--;
    return copy_cut(s, end, 1);
}

/* A headline made from the paragraph S (LEN bytes): its first sentence when
 * that is at most 80 characters, else its first 80 characters cut at a
 * word.  Returns a new string, or NULL if out of memory. */
static char *headline_from(const char *s, size_t len)
{
    size_t limit = chars_offset(s, len, 80);

    for (size_t i = 1; i < limit; i++) {
        if (s[i] == ' ' && ends_sentence(s, len, i))
            return copy_cut(s, i, 0);
        if (is_cjk_stop(s + i, len - i) && i + 3 <= limit)
            return copy_cut(s, i + 3, 0);
    }
    if (limit == len)
        return copy_cut(s, len, 0);
    for (size_t i = limit; i > limit / 2; i--)
        if (s[i] == ' ')
            return copy_cut(s, i, 1);
    return copy_cut(s, limit, 1);
}

/*
 * Makes STORY fit formats.h's promises: a headline (made from the first
 * paragraph when missing), no longer than NG_TITLE_MAX_BYTES (for plain
 * text, FROM_TEXT, a longer one becomes the first paragraph), and
 * paragraphs no longer than NG_PASSAGE_MAX_BYTES.  STORY must have a
 * headline or a paragraph.  Returns NG_OK or NG_NO_MEMORY.
 */
static ng_status_t finish_story(ng_story_t *story, int from_text)
{
    size_t len = story->title ? strlen(story->title) : 0;

    if (len > NG_TITLE_MAX_BYTES && from_text) {
        ng_paragraph_t *grown;
        if (story->n_paragraphs + 1 > SIZE_MAX / sizeof *grown)
            return NG_NO_MEMORY;
        grown = realloc(story->paragraphs,
                        (story->n_paragraphs + 1) * sizeof *grown);
        if (!grown)
            return NG_NO_MEMORY;
        story->paragraphs = grown;
        memmove(grown + 1, grown, story->n_paragraphs * sizeof *grown);
        grown[0].text = story->title;
        grown[0].len = len;
        story->n_paragraphs++;
        story->title = NULL;
        len = 0;
    }
    if (len == 0 && story->n_paragraphs > 0) {
        char *title = headline_from(story->paragraphs[0].text,
                                    story->paragraphs[0].len);
        if (!title)
            return NG_NO_MEMORY;
        free(story->title);
        story->title = title;
        len = strlen(title);
    }
    /* A first sentence of 80 wide characters can be longer too. */
    if (len > NG_TITLE_MAX_BYTES) {
        char *cut = cut_at_word(story->title, len, NG_TITLE_MAX_BYTES);
        if (!cut)
            return NG_NO_MEMORY;
        free(story->title);
        story->title = cut;
    }
    if (!story->title) {
        story->title = strdup("");
        if (!story->title)
            return NG_NO_MEMORY;
    }
    return ng_formats_split_long(story);
}

/* Gives STORY the headline as its only paragraph when it has none. */
static ng_status_t headline_as_text(ng_story_t *story)
{
    size_t capacity = 0;
    char *copy;

    if (story->n_paragraphs > 0 || !story->title || !story->title[0])
        return NG_OK;
    copy = strdup(story->title);
    if (!copy)
        return NG_NO_MEMORY;
    return story_add(story, &capacity, copy, strlen(copy));
}

/* ---------------------------------------------------------------------- */
/* Dates                                                                    */

/* Writes "YYYY-MM-DD" to OUT if the date is real; returns whether it is. */
static int put_date(char out[11], int year, int month, int day)
{
    if (!ng_text_real_date(year, month, day))
        return 0;
    out[0] = (char)('0' + year / 1000);
    out[1] = (char)('0' + year / 100 % 10);
    out[2] = (char)('0' + year / 10 % 10);
    out[3] = (char)('0' + year % 10);
    out[4] = out[7] = '-';
    out[5] = (char)('0' + month / 10);
    out[6] = (char)('0' + month % 10);
    out[8] = (char)('0' + day / 10);
    out[9] = (char)('0' + day % 10);
    out[10] = '\0';
    return 1;
}

/* Writes the UTC date of T to OUT; returns 0 if it has none. */
static int time_date(char out[11], time_t t)
{
    struct tm tm;
    if (t == (time_t)-1 || !gmtime_r(&t, &tm) || tm.tm_year < 1 - 1900
        || tm.tm_year > 9999 - 1900)
        return 0;
    return put_date(out, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The month (1 to 12) named by the N letters at S ("Jun", "June",
 * "Sept"...), or 0. */
static int month_number(const char *s, size_t n)
{
    static const char *const months[12] = {
        "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december"
    };
    if (n < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(months[m]), i;
        if (n > full)
            continue;
        for (i = 0; i < n; i++)
            if (ascii_lower((unsigned char)s[i]) != months[m][i])
                break;
        if (i == n)
            return m + 1;
    }
    return 0;
}

/*
 * Reads a date written as ISO 8601 ("2025-06-05", "2025-06-05T14:00:00Z",
 * "2025/06/05", "20250605"), RFC 822 ("Thu, 05 Jun 2025 14:00:00 GMT", with
 * a two-digit year too), "5 June 2025", "June 5, 2025", or seconds (or
 * milliseconds) since the epoch, from the N bytes at S.  The time and zone
 * are ignored: the date is the publisher's.  Writes "YYYY-MM-DD" to OUT and
 * returns 1, or returns 0 if S holds no real date.
 */
static int parse_date(const char *s, size_t n, char out[11])
{
    const char *end = s + n;
    const char *tok[4];
    size_t len[4];
    int count = 0;

    while (s < end && is_ascii_space((unsigned char)*s))
        s++;
    n = (size_t)(end - s);

    /* ISO 8601, extended and basic. */
    if (n >= 8 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2])
        && is_digit(s[3])) {
        if (n >= 10 && (s[4] == '-' || s[4] == '/' || s[4] == '.')
            && s[7] == s[4] && is_digit(s[5]) && is_digit(s[6])
            && is_digit(s[8]) && is_digit(s[9])
            && (n == 10 || !is_digit(s[10])))
            return put_date(out, digits_value(s, 4), digits_value(s + 5, 2),
                            digits_value(s + 8, 2));
        size_t d = 0;
        while (d < n && is_digit(s[d]))
            d++;
        if (d == 8 && (n == 8 || s[8] == 'T'))
            return put_date(out, digits_value(s, 4), digits_value(s + 4, 2),
                            digits_value(s + 6, 2));
        /* Seconds or milliseconds since the epoch. */
        if (d >= 9 && d <= 14 && (d == n || s[d] == '.')) {
            long long v = 0;
            for (size_t i = 0; i < d; i++)
                v = v * 10 + (s[i] - '0');
            if (d >= 12)
                v /= 1000;
            if ((long long)(time_t)v != v)
                return 0;
            return time_date(out, (time_t)v);
        }
    }

    /* Words and numbers: [weekday] day month year, or month day year. */
    while (s < end && count < 4) {
        const char *t;
        while (s < end && !is_alpha(*s) && !is_digit(*s))
            s++;
        if (s == end)
            break;
        t = s;
        if (is_digit(*s))
            while (s < end && is_digit(*s))
                s++;
        while (s < end && is_alpha(*s))
            s++;
        tok[count] = t;
        len[count] = (size_t)(s - t);
        count++;
    }
    int first = 0;
    if (count > 0 && is_alpha(tok[0][0]) && len[0] >= 3
        && month_number(tok[0], len[0]) == 0)
        first = 1;   /* a weekday */
    if (count - first < 3)
        return 0;
    const char **w = tok + first;
    size_t *wl = len + first;
    int day, month, year;
    size_t dl, yl;

    for (yl = 0; yl < wl[2] && is_digit(w[2][yl]); yl++)
        ;
    if (yl != 2 && yl != 4)
        return 0;
    year = digits_value(w[2], yl);
    if (yl == 2)
        year += year < 50 ? 2000 : 1900;
    if (is_digit(w[0][0]) && is_alpha(w[1][0])) {
        month = month_number(w[1], wl[1]);
        for (dl = 0; dl < wl[0] && is_digit(w[0][dl]); dl++)
            ;
        if (dl > 2)
            return 0;
        day = digits_value(w[0], dl);
    } else if (is_alpha(w[0][0]) && is_digit(w[1][0])) {
        month = month_number(w[0], wl[0]);
        for (dl = 0; dl < wl[1] && is_digit(w[1][dl]); dl++)
            ;
        if (dl > 2)
            return 0;
        day = digits_value(w[1], dl);
    } else {
        return 0;
    }
    return month && put_date(out, year, month, day);
}

/* Finds "/YYYY/MM/DD/" or "/YYYY-MM-DD/" with a real date in URL, as
 * story.c does, and writes it to OUT; returns whether it did. */
static int url_date(const char *url, char out[11])
{
    size_t len = strlen(url);
    for (size_t i = 0; i + 12 <= len; i++) {
        const char *s = url + i;
        if (s[0] == '/' && s[11] == '/' && (s[5] == '/' || s[5] == '-')
            && s[8] == s[5] && is_digit(s[1]) && is_digit(s[2])
            && is_digit(s[3]) && is_digit(s[4]) && is_digit(s[6])
            && is_digit(s[7]) && is_digit(s[9]) && is_digit(s[10])
            && put_date(out, digits_value(s + 1, 4), digits_value(s + 6, 2),
                        digits_value(s + 9, 2)))
            return 1;
    }
    return 0;
}

/* Sets STORY's date to DATE (when not empty), else to the date in its
 * source URL, else to the UTC date of MTIME (when not (time_t)-1). */
static ng_status_t set_date(ng_story_t *story, const char *date, time_t mtime)
{
    char buf[11];

    if (date && date[0]) {
        memcpy(buf, date, 11);
    } else if (!(story->source && url_date(story->source, buf))
               && !time_date(buf, mtime)) {
        return NG_OK;
    }
    story->date = strdup(buf);
    return story->date ? NG_OK : NG_NO_MEMORY;
}

/* ---------------------------------------------------------------------- */
/* Gzip, UTF-16 and binary files                                            */

/*
 * Decompresses the gzip data DATA (LEN bytes), every member of it, into
 * *OUT (newly allocated, caller frees) and *OUT_LEN.  Sets *TRUNCATED when
 * the data ends before the stream does (*OUT then holds what came before),
 * and *TRAILING when bytes other than zeros follow the last member.
 * Returns NG_OK, NG_BAD_INPUT with the reason in *WHY, or NG_NO_MEMORY.
 */
static ng_status_t gunzip(const char *data, size_t len, char **out,
                          size_t *out_len, int *truncated, int *trailing,
                          const char **why)
{
    const size_t limit = NG_FORMATS_MAX_DECOMPRESSED;
    const unsigned char *in = (const unsigned char *)data;
    size_t in_left = len, used = 0, cap;
    unsigned char *buf;
    z_stream zs;
    ng_status_t st = NG_OK;

    *out = NULL;
    *out_len = 0;
    *truncated = *trailing = 0;
    cap = len < limit / 4 ? len * 4 + 4096 : limit + 1;
    if (cap > limit + 1)
        cap = limit + 1;
    buf = malloc(cap);
    if (!buf)
        return NG_NO_MEMORY;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 15 + 16) != Z_OK) {
        free(buf);
        return NG_NO_MEMORY;
    }
    for (;;) {
        int rc;
        size_t room;

        if (zs.avail_in == 0 && in_left > 0) {
            uInt chunk = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
            zs.next_in = (unsigned char *)(uintptr_t)in;
            zs.avail_in = chunk;
            in += chunk;
            in_left -= chunk;
        }
        if (used == cap) {
            unsigned char *grown;
            size_t want;
            if (cap > limit) {
                *why = "too large once decompressed";
                st = NG_BAD_INPUT;
                break;
            }
            want = cap > (limit + 1) / 2 ? limit + 1 : cap * 2;
            grown = realloc(buf, want);
            if (!grown) {
                st = NG_NO_MEMORY;
                break;
            }
            buf = grown;
            cap = want;
        }
        room = cap - used > UINT_MAX ? UINT_MAX : cap - used;
        zs.next_out = buf + used;
        zs.avail_out = (uInt)room;
        rc = inflate(&zs, Z_NO_FLUSH);
        used += room - zs.avail_out;
        if (used > limit) {
            *why = "too large once decompressed";
            st = NG_BAD_INPUT;
            break;
        }
        if (rc == Z_STREAM_END) {
            /* Another member may follow, as "cat a.gz b.gz" makes. */
            const unsigned char *rest = zs.next_in;
            size_t rest_len = zs.avail_in + in_left;
            if (rest_len >= 2 && rest[0] == 0x1f && rest[1] == 0x8b) {
                if (inflateReset(&zs) != Z_OK) {
                    st = NG_NO_MEMORY;
                    break;
                }
                in = rest;
                in_left = rest_len;
                zs.avail_in = 0;
                continue;
            }
            for (size_t i = 0; i < rest_len; i++)
                if (rest[i] != 0) {
                    *trailing = 1;
                    break;
                }
            break;
        }
        if (rc == Z_MEM_ERROR) {
            st = NG_NO_MEMORY;
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            *why = "corrupt gzip data";
            st = NG_BAD_INPUT;
            break;
        }
        if (zs.avail_in == 0 && in_left == 0 && zs.avail_out > 0) {
            *truncated = 1;
            break;
        }
    }
    inflateEnd(&zs);
    if (st != NG_OK) {
        free(buf);
        return st;
    }
    *out = (char *)buf;
    *out_len = used;
    return NG_OK;
}

/* Converts UTF-16 text S (N bytes, after its byte-order mark; big-endian
 * when BIG) into new UTF-8 in *OUT and *OUT_LEN.  A lone surrogate or odd
 * byte becomes U+FFFD.  Returns NG_OK or NG_NO_MEMORY. */
static ng_status_t from_utf16(const unsigned char *s, size_t n, int big,
                              char **out, size_t *out_len)
{
    size_t units = n / 2, o = 0, i = 0;
    char *buf;

    if (units > (SIZE_MAX - 8) / 3)
        return NG_NO_MEMORY;
    buf = malloc(units * 3 + 8);
    if (!buf)
        return NG_NO_MEMORY;
    while (i < units) {
        unsigned u = big ? (unsigned)s[2 * i] << 8 | s[2 * i + 1]
                         : (unsigned)s[2 * i + 1] << 8 | s[2 * i];
        utf8proc_int32_t cp = (utf8proc_int32_t)u;
        i++;
        if (u >= 0xD800 && u <= 0xDBFF && i < units) {
            unsigned v = big ? (unsigned)s[2 * i] << 8 | s[2 * i + 1]
                             : (unsigned)s[2 * i + 1] << 8 | s[2 * i];
            if (v >= 0xDC00 && v <= 0xDFFF) {
                cp = (utf8proc_int32_t)(0x10000 + ((u - 0xD800) << 10)
                                        + (v - 0xDC00));
                i++;
            } else {
                cp = 0xFFFD;
            }
        } else if (u >= 0xD800 && u <= 0xDFFF) {
            cp = 0xFFFD;
        }
        o += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)buf + o);
    }
    if (n % 2)
        o += (size_t)utf8proc_encode_char(0xFFFD,
                                          (utf8proc_uint8_t *)buf + o);
    *out = buf;
    *out_len = o;
    return NG_OK;
}

/* Whether the start of DATA looks like binary data (see the decisions). */
static int looks_binary(const char *data, size_t len)
{
    size_t sample = len < SNIFF_BYTES ? len : SNIFF_BYTES, control = 0;

    for (size_t i = 0; i < sample; i++) {
        unsigned char c = (unsigned char)data[i];
        if ((c < 0x20 && !is_ascii_space(c) && c != 0x1B) || c == 0x7F)
            control++;
    }
    return control > 8 && control * 20 > sample;
}

/* Whether DATA holds nothing but white space and byte-order marks. */
static int is_blank_file(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (is_ascii_space((unsigned char)data[i]))
            continue;
        if (i + 3 <= len && memcmp(data + i, "\xEF\xBB\xBF", 3) == 0) {
            i += 2;
            continue;
        }
        return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------------- */
/* Repairing the bytes of HTML and XML                                     */

static int is_control_byte(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
}

/*
 * Makes DATA (LEN bytes, without a byte-order mark) valid UTF-8 without
 * control characters but tab and line ends, by story.h's rules.  Sets *OUT
 * to a new buffer (caller frees) and *OUT_LEN, or *OUT to NULL when DATA
 * needs nothing.  Sets *REPAIRED when an invalid byte or a control
 * character was replaced, or when Windows-1252 was converted but LATIN1
 * (declared) is not set.  Returns NG_OK or NG_NO_MEMORY.
 */
static ng_status_t repair_bytes(const char *data, size_t len, int latin1,
                                char **out, size_t *out_len, int *repaired)
{
    size_t i = 0, multibyte = 0, invalid = 0, control = 0, size = 0, o = 0;
    int cp1252;
    char *buf;

    *out = NULL;
    while (i < len) {
        unsigned char c = (unsigned char)data[i];
        utf8proc_int32_t cp;
        size_t k;
        if (c < 0x80) {
            control += is_control_byte(c);
            i++;
            continue;
        }
        k = ng_text_utf8_char(data + i, len - i, &cp);
        if (k == 0) {
            invalid++;
            i++;
        } else {
            multibyte++;
            if (cp <= 0x9F)
                control++;
            i += k;
        }
    }
    if (invalid == 0 && control == 0)
        return NG_OK;
    cp1252 = invalid > multibyte;

    /* One pass to size the result exactly, one to write it. */
    for (int pass = 0; pass < 2; pass++) {
        for (i = 0; i < len;) {
            unsigned char c = (unsigned char)data[i];
            utf8proc_int32_t cp;
            size_t k = 1;
            if (c < 0x80) {
                cp = is_control_byte(c) ? ' ' : c;
            } else if (cp1252) {
                cp = ng_text_cp1252((unsigned char)c);
            } else {
                k = ng_text_utf8_char(data + i, len - i, &cp);
                if (k == 0) {
                    k = 1;
                    cp = 0xFFFD;
                }
            }
            if (cp >= 0x80 && cp <= 0x9F)
                cp = ' ';
            i += k;
            if (pass == 0) {
                utf8proc_uint8_t tmp[4];
                size += (size_t)utf8proc_encode_char(cp, tmp);
            } else {
                o += (size_t)utf8proc_encode_char(
                    cp, (utf8proc_uint8_t *)buf + o);
            }
        }
        if (pass == 0) {
            buf = malloc(size + 1);
            if (!buf)
                return NG_NO_MEMORY;
        }
    }
    buf[o] = '\0';
    if (control > 0 || (cp1252 ? !latin1 : invalid > 0))
        *repaired = 1;
    *out = buf;
    *out_len = o;
    return NG_OK;
}

/* Copies into OUT (SIZE bytes) the encoding named by an attribute value at
 * S (N bytes): letters, digits and ".-_:", lower case.  Returns whether one
 * was found. */
static int copy_encoding_name(const char *s, size_t n, char *out, size_t size)
{
    size_t i = 0, o = 0;
    while (i < n && (is_ascii_space((unsigned char)s[i]) || s[i] == '='
                     || s[i] == '"' || s[i] == '\''))
        i++;
    while (i < n && o + 1 < size
           && (is_alpha(s[i]) || is_digit(s[i]) || strchr(".-_:", s[i]))
           && s[i] != '\0')
        out[o++] = (char)ascii_lower((unsigned char)s[i++]);
    out[o] = '\0';
    return o > 0;
}

/* Finds the encoding a document declares in its first bytes: in its XML
 * declaration, or (HTML) in a <meta> tag's charset.  Writes it in lower
 * case to OUT (SIZE bytes) and returns whether there is one. */
static int declared_encoding(const char *data, size_t len, int html,
                             char *out, size_t size)
{
    size_t n = len < 4096 ? len : 4096, i = 0;

    while (i < n && is_ascii_space((unsigned char)data[i]))
        i++;
    if (ascii_istarts(data + i, n - i, "<?xml")) {
        size_t end = i + ascii_ifind(data + i, n - i, "?>");
        size_t at = i + ascii_ifind(data + i, end - i, "encoding");
        if (at < end && copy_encoding_name(data + at + 8, end - at - 8, out,
                                           size))
            return 1;
    }
    if (!html)
        return 0;
    while (i < n) {
        size_t meta = i + ascii_ifind(data + i, n - i, "<meta");
        size_t close, at;
        if (meta >= n)
            break;
        close = meta + ascii_ifind(data + meta, n - meta, ">");
        at = meta + ascii_ifind(data + meta, close - meta, "charset");
        if (at < close
            && copy_encoding_name(data + at + 7, close - at - 7, out, size))
            return 1;
        i = close;
    }
    return 0;
}

/* What libxml2 is given: DATA and LEN, in ENCODING, with EXTRA options. */
typedef struct {
    const char *data;
    size_t len;
    char *owned;           /* DATA when it had to be repaired */
    char encoding[48];
    int extra_options;
} markup_t;

/* Prepares LEN bytes of DATA for libxml2 (see the decisions at the top).
 * TRANSCODED says DATA was converted from UTF-16, so that a declaration no
 * longer holds.  Returns NG_OK or NG_NO_MEMORY. */
static ng_status_t prepare_markup(reader_t *r, const char *data, size_t len,
                                  int html, int transcoded, markup_t *m)
{
    static const char *const ours[] = {
        "utf-8", "utf8", "us-ascii", "ascii", NULL
    };
    static const char *const latin1[] = {
        "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1",
        "windows-1252", "cp1252", "x-cp1252", NULL
    };
    char name[48];
    int is_latin1 = 0, ours_or_latin1 = 0;
    size_t out_len = 0;

    memset(m, 0, sizeof *m);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    if (!transcoded && declared_encoding(data, len, html, name, sizeof name)) {
        for (size_t i = 0; ours[i]; i++)
            if (strcmp(name, ours[i]) == 0)
                ours_or_latin1 = 1;
        for (size_t i = 0; latin1[i]; i++)
            if (strcmp(name, latin1[i]) == 0)
                ours_or_latin1 = is_latin1 = 1;
        /* A UTF-16 or UTF-32 declaration on text that has no such byte-order
         * mark and passed as text is wrong. */
        if (!ours_or_latin1 && strncmp(name, "utf-16", 6) != 0
            && strncmp(name, "utf-32", 6) != 0 && strncmp(name, "utf16", 5)
            && strncmp(name, "utf32", 5) && strncmp(name, "ucs", 3)
            && strcmp(name, "unicode") != 0) {
            xmlCharEncodingHandlerPtr handler =
                ng_xml.xmlFindCharEncodingHandler(name);
            if (handler) {
                ng_xml.xmlCharEncCloseFunc(handler);
                m->data = data;
                m->len = len;
                memcpy(m->encoding, name, sizeof m->encoding);
                return NG_OK;
            }
        }
    }
    if (repair_bytes(data, len, is_latin1, &m->owned, &out_len,
                     &r->repaired) != NG_OK)
        return NG_NO_MEMORY;
    m->data = m->owned ? m->owned : data;
    m->len = m->owned ? out_len : len;
    strcpy(m->encoding, "UTF-8");
    m->extra_options = XML_PARSE_IGNORE_ENC;
    return NG_OK;
}

/* ---------------------------------------------------------------------- */
/* Walking libxml2 trees                                                    */

/*
 * Trees are walked without recursion, so that deep nesting cannot overflow
 * the stack: each step enters a node or leaves an element that was entered
 * with its children.  Only elements are descended into; in particular an
 * entity reference's children (the entity itself) never are.
 */
typedef struct {
    xmlNodePtr root, node;
    int leaving;
} walk_t;

static xmlNodePtr walk_start(walk_t *w, xmlNodePtr root)
{
    w->root = root;
    w->node = root ? root->children : NULL;
    w->leaving = 0;
    return w->node;
}

/* Steps on from the current node, into its children when DESCEND. */
static xmlNodePtr walk_next(walk_t *w, int descend)
{
    xmlNodePtr n = w->node;

    if (!n)
        return NULL;
    if (!w->leaving && descend && n->type == XML_ELEMENT_NODE) {
        if (n->children) {
            w->node = n->children;
            return w->node;
        }
        w->leaving = 1;
        return n;
    }
    if (n->next) {
        w->node = n->next;
        w->leaving = 0;
        return w->node;
    }
    n = n->parent;
    if (!n || n == w->root || n->type != XML_ELEMENT_NODE) {
        w->node = NULL;
        return NULL;
    }
    w->node = n;
    w->leaving = 1;
    return n;
}

/* Whether N is an element named NAME (lower case) in any case. */
static int is_element(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->name
        && ascii_ieq((const char *)n->name, name);
}

/* Whether N is an element with one of NAMES (lower case, NULL-ended). */
static int is_one_of(xmlNodePtr n, const char *const *names)
{
    if (!n || n->type != XML_ELEMENT_NODE || !n->name)
        return 0;
    for (size_t i = 0; names[i]; i++)
        if (ascii_ieq((const char *)n->name, names[i]))
            return 1;
    return 0;
}

/* N's attribute NAME (any case, any namespace), borrowed from the tree: ""
 * when it has no value, NULL when absent. */
static const char *attribute(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        if (!a->name || !ascii_ieq((const char *)a->name, name))
            continue;
        if (a->children && a->children->type == XML_TEXT_NODE
            && a->children->content)
            return (const char *)a->children->content;
        return "";
    }
    return NULL;
}

/* Whether the text node N holds text to take. */
static int is_text(xmlNodePtr n)
{
    return (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
        && n->content;
}

/* How much of a page is left out as furniture. */
enum { SKIP_TAGS, SKIP_LIGHT, SKIP_FULL };

static const char *const furniture_tags[] = {
    "script", "style", "noscript", "template", "nav", "header", "footer",
    "aside", "form", "figure", "figcaption", "svg", "math", "iframe",
    "object", "embed", "canvas", "button", "select", "textarea", "input",
    "head", "title", "video", "audio", "picture", "map", "dialog", "menu",
    NULL
};

/* The same, but for finding a page's date and headline, which often sit in
 * the article's <header>. */
static const char *const light_furniture_tags[] = {
    "script", "style", "noscript", "template", "nav", "footer", "aside",
    "form", "figure", "figcaption", "svg", "iframe", "head", NULL
};

/* Words of a class or id that mark page furniture, as prefixes; and words
 * that mark content, which win (as in Readability). */
static const char *const furniture_words[] = {
    "nav", "menu", "footer", "share", "sharing", "social", "related",
    "comment", "cookie", "subscri", "advert", "promo", "newsletter",
    "breadcrumb", "sidebar", "popup", "modal", "sponsor", NULL
};
static const char *const content_words[] = {
    "article", "body", "content", "main", "story", "post", "entry", "text",
    NULL
};

/* Whether the class or id VALUE names furniture. */
static int furniture_name(const char *value)
{
    int furniture = 0;
    const char *s = value;

    while (*s) {
        const char *w;
        size_t n;
        while (*s && !is_alpha(*s) && !is_digit(*s))
            s++;
        w = s;
        while (*s && (is_alpha(*s) || is_digit(*s)))
            s++;
        n = (size_t)(s - w);
        if (n == 0)
            continue;
        for (size_t i = 0; content_words[i]; i++)
            if (ascii_istarts(w, n, content_words[i]))
                return 0;
        if ((n == 2 && ascii_istarts(w, n, "ad"))
            || (n == 3 && ascii_istarts(w, n, "ads")))
            furniture = 1;
        if (ascii_istarts(w, n, "commentary"))
            continue;
        for (size_t i = 0; furniture_words[i]; i++)
            if (ascii_istarts(w, n, furniture_words[i]))
                furniture = 1;
    }
    return furniture;
}

/* Whether the element N is left out of a page's text at LEVEL. */
static int is_furniture(xmlNodePtr n, int level)
{
    static const char *const containers[] = {
        "html", "body", "main", "article", NULL
    };
    const char *value;

    if (is_one_of(n, level == SKIP_LIGHT ? light_furniture_tags
                                         : furniture_tags))
        return 1;
    if (level == SKIP_TAGS)
        return 0;
    if (attribute(n, "hidden"))
        return 1;
    value = attribute(n, "aria-hidden");
    if (value && ascii_ieq(value, "true"))
        return 1;
    if (is_one_of(n, containers))
        return 0;
    value = attribute(n, "class");
    if (value && furniture_name(value))
        return 1;
    value = attribute(n, "id");
    return value && furniture_name(value);
}

static const char *const block_tags[] = {
    "address", "article", "aside", "blockquote", "body", "center", "dd",
    "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "frameset", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu",
    "nav", "noframes", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption", "option",
    NULL
};

/* Appends the text below ROOT (not ROOT's own) to T: inline elements join,
 * <br> breaks, each block element ends a paragraph (also a <div> in a <p>
 * libxml2 did not close, as a browser shows it), and furniture at LEVEL is
 * left out. */
static ng_status_t element_text(xmlNodePtr root, text_t *t, int level)
{
    walk_t w;
    int descend = 0;

    for (xmlNodePtr n = walk_start(&w, root); n; n = walk_next(&w, descend)) {
        ng_status_t st = NG_OK;
        descend = 0;
        if (w.leaving) {
            if (is_one_of(n, block_tags))
                st = text_flush(t);
        } else if (is_text(n)) {
            st = text_append(t, (const char *)n->content,
                             strlen((const char *)n->content));
        } else if (n->type == XML_ELEMENT_NODE && !is_furniture(n, level)) {
            if (is_element(n, "br"))
                st = text_br(t);
            else if (is_one_of(n, block_tags))
                st = text_flush(t);
            descend = 1;   /* a <br> has nothing below it */
        }
        if (st != NG_OK)
            return st;
    }
    return NG_OK;
}


/* Appends the text of each <p> below ROOT to T as a paragraph. */
static ng_status_t p_text(xmlNodePtr root, text_t *t)
{
    walk_t w;
    int descend = 0;

    for (xmlNodePtr n = walk_start(&w, root); n; n = walk_next(&w, descend)) {
        descend = 0;
        if (w.leaving || n->type != XML_ELEMENT_NODE
            || is_furniture(n, SKIP_FULL))
            continue;
        if (is_element(n, "p")) {
            ng_status_t st = element_text(n, t, SKIP_FULL);
            if (st == NG_OK)
                st = text_flush(t);
            if (st != NG_OK)
                return st;
        } else {
            descend = 1;
        }
    }
    return NG_OK;
}

/* The bytes of text in the <p> elements below ROOT (a rough measure). */
static size_t p_text_length(xmlNodePtr root)
{
    walk_t w;
    int descend = 0, in_p = 0;
    size_t total = 0;

    for (xmlNodePtr n = walk_start(&w, root); n; n = walk_next(&w, descend)) {
        descend = 0;
        if (w.leaving) {
            if (is_element(n, "p"))
                in_p = 0;
        } else if (is_text(n)) {
            if (in_p)
                total += strlen((const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE
                   && !is_furniture(n, SKIP_FULL)) {
            if (is_element(n, "p"))
                in_p = 1;
            descend = 1;
        }
    }
    return total;
}

/* The outermost <article> (or with WANT_MAIN, <main> or role="main") below
 * ROOT with the most <p> text, or NULL if none has any.  Nested ones are
 * comments or embeds; skipping them keeps this linear. */
static xmlNodePtr best_container(xmlNodePtr root, int want_main)
{
    walk_t w;
    int descend = 0;
    xmlNodePtr best = NULL;
    size_t best_len = 0;

    for (xmlNodePtr n = walk_start(&w, root); n; n = walk_next(&w, descend)) {
        const char *role;
        descend = 0;
        if (w.leaving || n->type != XML_ELEMENT_NODE
            || is_furniture(n, SKIP_FULL))
            continue;
        role = attribute(n, "role");
        if (want_main
                ? is_element(n, "main") || (role && ascii_ieq(role, "main"))
                : is_element(n, "article")) {
            size_t len = p_text_length(n);
            if (len > best_len) {
                best = n;
                best_len = len;
            }
        } else {
            descend = 1;
        }
    }
    return best;
}

/* Returns a new one-line copy of the text below N, or NULL if out of
 * memory.  Entity references are left out. */
static char *node_line(xmlNodePtr n, int *repaired)
{
    text_t t = { 0 };

    if (element_text(n, &t, SKIP_TAGS) != NG_OK) {
        free(t.buf);
        return NULL;
    }
    if (t.repaired)
        *repaired = 1;
    return text_take(&t);
}

/* Silences libxml2's error reports while one file is read.  They go to
 * stderr by default, where newsgrep's own diagnostics go. */
static void ignore_error(void *ctx, const char *message, ...)
{
    (void)ctx;
    (void)message;
}

static void ignore_structured_error(void *ctx, xmlErrorPtr error)
{
    (void)ctx;
    (void)error;
}

/* Parses an HTML fragment (UTF-8) and appends its text to T, a paragraph
 * per block, <br><br> or blank line. */
static ng_status_t html_fragment(const char *s, size_t n, text_t *t)
{
    htmlDocPtr doc;
    ng_status_t st;
    int blank_breaks = t->blank_breaks;

    if (is_blank_file(s, n))
        return NG_OK;
    if (n > INT_MAX)
        return text_append(t, s, n);
    doc = ng_xml.htmlReadMemory(s, (int)n, NULL, "UTF-8",
                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR
                         | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
                         | HTML_PARSE_IGNORE_ENC);
    /* Without a tree (libxml2 out of memory) the raw text is better than
     * nothing. */
    if (!doc)
        return text_append(t, s, n);
    t->blank_breaks = 1;
    st = element_text((xmlNodePtr)doc, t, SKIP_FULL);
    t->blank_breaks = blank_breaks;
    ng_xml.xmlFreeDoc(doc);
    return st;
}

/* ---------------------------------------------------------------------- */
/* HTML pages                                                               */

/* What a page's <head> (and stray <meta> tags) say. */
typedef struct {
    const char *og_title, *twitter_title, *site_name, *canonical, *og_url;
    xmlNodePtr title;
    xmlNodePtr ld_json[8];
    int n_ld_json;
    char date[11];
    int date_rank;         /* lower is better; INT_MAX for none */
} page_meta_t;

/* Offers the date written in VALUE with RANK to META. */
static void offer_date(page_meta_t *meta, int rank, const char *value)
{
    char date[11];
    if (value && rank < meta->date_rank
        && parse_date(value, strlen(value), date)) {
        memcpy(meta->date, date, sizeof date);
        meta->date_rank = rank;
    }
}

/* The rank of a <meta> tag KEY (its property, name or itemprop) as a date,
 * or -1 if it names no date. */
static int date_key_rank(const char *key)
{
    static const char *const keys[] = {
        "pubdate", "publishdate", "publish-date", "publish_date", "date",
        "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date",
        "dcterms.created", "dcterms.issued", "sailthru.date",
        "parsely-pub-date", "article.published", "og:published_time",
        "original-publish-date", "datepublished", "publication_date", NULL
    };
    if (ascii_ieq(key, "article:published_time"))
        return 0;
    for (size_t i = 0; keys[i]; i++)
        if (ascii_ieq(key, keys[i]))
            return 2;
    return -1;
}

static void read_meta_tag(xmlNodePtr n, page_meta_t *meta)
{
    static const char *const key_attributes[] = { "property", "name",
                                                  "itemprop" };
    const char *content = attribute(n, "content");

    if (!content)
        return;
    for (size_t i = 0; i < 3; i++) {
        const char *key = attribute(n, key_attributes[i]);
        int rank;
        if (!key)
            continue;
        if (ascii_ieq(key, "og:title") && !meta->og_title)
            meta->og_title = content;
        else if (ascii_ieq(key, "twitter:title") && !meta->twitter_title)
            meta->twitter_title = content;
        else if (ascii_ieq(key, "og:site_name") && !meta->site_name)
            meta->site_name = content;
        else if (ascii_ieq(key, "og:url") && !meta->og_url)
            meta->og_url = content;
        else if (i == 2 && ascii_ieq(key, "datePublished"))
            offer_date(meta, 1, content);
        else if ((rank = date_key_rank(key)) >= 0)
            offer_date(meta, rank, content);
    }
}

/* Whether the rel attribute value REL holds the word WORD. */
static int rel_has(const char *rel, const char *word)
{
    size_t n = strlen(word);
    const char *s = rel;
    while (*s) {
        const char *w;
        while (*s && is_ascii_space((unsigned char)*s))
            s++;
        w = s;
        while (*s && !is_ascii_space((unsigned char)*s))
            s++;
        if ((size_t)(s - w) == n && ascii_istarts(w, n, word))
            return 1;
    }
    return 0;
}

/* Reads the metadata of the page DOC into META. */
static void read_page_meta(htmlDocPtr doc, page_meta_t *meta)
{
    walk_t w;
    int descend = 0;

    for (xmlNodePtr n = walk_start(&w, (xmlNodePtr)doc); n;
         n = walk_next(&w, descend)) {
        const char *value;
        descend = 0;
        if (w.leaving || n->type != XML_ELEMENT_NODE)
            continue;
        descend = 1;
        if (is_element(n, "meta")) {
            read_meta_tag(n, meta);
        } else if (is_element(n, "title")) {
            if (!meta->title)
                meta->title = n;
            descend = 0;
        } else if (is_element(n, "link")) {
            value = attribute(n, "rel");
            if (value && rel_has(value, "canonical") && !meta->canonical)
                meta->canonical = attribute(n, "href");
        } else if (is_element(n, "script")) {
            value = attribute(n, "type");
            if (value && ascii_ieq(value, "application/ld+json")
                && meta->n_ld_json < 8)
                meta->ld_json[meta->n_ld_json++] = n;
            descend = 0;
        } else if (is_element(n, "svg") || is_element(n, "style")) {
            descend = 0;
        }
    }
}

/* Looks for "datePublished" in the JSON-LD value O (DEPTH deep). */
static void ld_json_date(json_object *o, int depth, page_meta_t *meta)
{
    if (!o || depth > 16 || meta->date_rank <= 3)
        return;
    if (json_object_is_type(o, json_type_array)) {
        size_t n = json_object_array_length(o);
        for (size_t i = 0; i < n && i < 256; i++)
            ld_json_date(json_object_array_get_idx(o, i), depth + 1, meta);
    } else if (json_object_is_type(o, json_type_object)) {
        json_object *date;
        struct json_object_iterator it = json_object_iter_begin(o);
        struct json_object_iterator end = json_object_iter_end(o);
        if (json_object_object_get_ex(o, "datePublished", &date)
            && json_object_is_type(date, json_type_string))
            offer_date(meta, 3, json_object_get_string(date));
        for (int i = 0; !json_object_iter_equal(&it, &end) && i < 256; i++) {
            ld_json_date(json_object_iter_peek_value(&it), depth + 1, meta);
            json_object_iter_next(&it);
        }
    }
}

/* Offers the JSON-LD scripts' datePublished to META. */
static ng_status_t read_ld_json(page_meta_t *meta)
{
    for (int i = 0; i < meta->n_ld_json && meta->date_rank > 3; i++) {
        int repaired = 0;
        char *text = node_line(meta->ld_json[i], &repaired);
        json_object *o;
        if (!text)
            return NG_NO_MEMORY;
        o = json_tokener_parse(text);
        free(text);
        ld_json_date(o, 0, meta);
        json_object_put(o);
    }
    return NG_OK;
}

/* Finds the first <h1> and the first <time datetime> below ROOT. */
static void find_h1_and_time(xmlNodePtr root, xmlNodePtr *h1,
                             const char **time_value)
{
    walk_t w;
    int descend = 0;

    for (xmlNodePtr n = walk_start(&w, root); n && !(*h1 && *time_value);
         n = walk_next(&w, descend)) {
        descend = 0;
        if (w.leaving || n->type != XML_ELEMENT_NODE
            || is_furniture(n, SKIP_LIGHT))
            continue;
        descend = 1;
        if (is_element(n, "h1") && !*h1)
            *h1 = n;
        if (is_element(n, "time") && !*time_value) {
            const char *value = attribute(n, "datetime");
            char date[11];
            if (value && parse_date(value, strlen(value), date))
                *time_value = value;
        }
    }
}

/* Removes from TITLE (a one-line headline) a " - SITE", " | SITE" or
 * similar suffix naming the site. */
static void strip_site_name(char *title, const char *site)
{
    static const char *const separators[] = {
        " - ", " | ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: ", " \xC2\xB7 ",
        NULL
    };
    size_t len = strlen(title), site_len = strlen(site);

    if (site_len == 0 || site_len >= len)
        return;
    if (!ascii_ieq(title + len - site_len, site))
        return;
    for (size_t i = 0; separators[i]; i++) {
        size_t sep = strlen(separators[i]);
        if (len >= site_len + sep + 1
            && memcmp(title + len - site_len - sep, separators[i], sep) == 0) {
            title[len - site_len - sep] = '\0';
            return;
        }
    }
}

/* Builds the story of the page DOC into STORY. */
static ng_status_t page_story(reader_t *r, htmlDocPtr doc, ng_story_t *story)
{
    page_meta_t meta;
    xmlNodePtr root = ng_xml.xmlDocGetRootElement(doc), body = NULL, container;
    xmlNodePtr h1 = NULL;
    const char *time_value = NULL, *source;
    text_t t = { 0 };
    ng_status_t st;
    int repaired = 0;

    memset(&meta, 0, sizeof meta);
    meta.date_rank = INT_MAX;
    read_page_meta(doc, &meta);
    st = read_ld_json(&meta);
    if (st != NG_OK)
        return st;

    for (xmlNodePtr n = root ? root->children : NULL; n && !body; n = n->next)
        if (is_element(n, "body"))
            body = n;
    if (!body)
        body = root;

    /* The paragraphs: the article's <p> elements, else its blocks, else
     * the body's blocks with less and less left out. */
    container = body ? best_container(body, 0) : NULL;
    if (!container && body)
        container = best_container(body, 1);
    if (!container)
        container = body;
    t.story = story;
    if (container) {
        st = p_text(container, &t);
        if (st == NG_OK && story->n_paragraphs == 0)
            st = element_text(container, &t, SKIP_FULL);
        if (st == NG_OK && story->n_paragraphs == 0 && container != body)
            st = element_text(body, &t, SKIP_FULL);
        if (st == NG_OK && story->n_paragraphs == 0)
            st = element_text(body, &t, SKIP_TAGS);
    }
    free(t.buf);
    if (st != NG_OK)
        return st;
    story->repaired = t.repaired || r->repaired;

    if (container)
        find_h1_and_time(container, &h1, &time_value);
    if (body && body != container && (!h1 || !time_value))
        find_h1_and_time(body, &h1, &time_value);

    /* The headline: og:title, else <title>, else the first <h1>. */
    {
        const char *value = meta.og_title ? meta.og_title
                                          : meta.twitter_title;
        if (value) {
            story->title = make_line(value, strlen(value), &repaired);
            if (!story->title)
                return NG_NO_MEMORY;
        }
    }
    if ((!story->title || !story->title[0]) && meta.title) {
        free(story->title);
        story->title = node_line(meta.title, &repaired);
        if (!story->title)
            return NG_NO_MEMORY;
        if (meta.site_name) {
            char *site = make_line(meta.site_name, strlen(meta.site_name),
                                   &repaired);
            if (!site)
                return NG_NO_MEMORY;
            strip_site_name(story->title, site);
            free(site);
        }
    }
    if ((!story->title || !story->title[0]) && h1) {
        free(story->title);
        story->title = node_line(h1, &repaired);
        if (!story->title)
            return NG_NO_MEMORY;
    }
    if (!story->title) {
        story->title = strdup("");
        if (!story->title)
            return NG_NO_MEMORY;
    }

    /* The source: the canonical link when absolute, else og:url. */
    source = meta.canonical;
    if (meta.og_url && (!source || !strstr(source, "://")))
        source = meta.og_url;
    if (source) {
        story->source = make_line(source, strlen(source), &repaired);
        if (!story->source)
            return NG_NO_MEMORY;
        if (!story->source[0]) {
            free(story->source);
            story->source = NULL;
        }
    }

    /* The date: metadata, then <time>, then the URL, then MTIME. */
    if (time_value)
        offer_date(&meta, 4, time_value);
    st = set_date(story, meta.date_rank < INT_MAX ? meta.date : NULL,
                  r->mtime);
    if (repaired)
        story->repaired = 1;
    return st;
}

/* Reads LEN bytes of DATA as an HTML page. */
static ng_status_t read_html(reader_t *r, const char *data, size_t len,
                             int transcoded, char **error)
{
    markup_t m;
    htmlParserCtxtPtr ctxt;
    htmlDocPtr doc;
    ng_story_t *story;
    ng_status_t st;
    int stopped;

    st = prepare_markup(r, data, len, 1, transcoded, &m);
    if (st != NG_OK)
        return st;
    if (m.len > INT_MAX) {
        free(m.owned);
        return bad_input(error, "too large for the html parser");
    }
    ctxt = ng_xml.htmlNewParserCtxt();
    if (!ctxt) {
        free(m.owned);
        return NG_NO_MEMORY;
    }
    doc = ng_xml.htmlCtxtReadMemory(ctxt, m.data, (int)m.len, NULL, m.encoding,
                             HTML_PARSE_RECOVER | HTML_PARSE_NOERROR
                             | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
                             | m.extra_options);
    /* libxml2 reports a text node over its 10 MB limit as if memory had run
     * out, and stops there. */
    stopped = ctxt->errNo == XML_ERR_NO_MEMORY;
    ng_xml.htmlFreeParserCtxt(ctxt);
    free(m.owned);
    if (!doc)
        return stopped ? NG_NO_MEMORY
                       : bad_input(error, "malformed html: nothing could be "
                                          "read");
    if (stopped)
        warnf(r, "the html parser stopped early (a text over 10 MB?): the "
                 "rest of the page is left out");
    story = calloc(1, sizeof *story);
    if (!story) {
        ng_xml.xmlFreeDoc(doc);
        return NG_NO_MEMORY;
    }
    st = page_story(r, doc, story);
    ng_xml.xmlFreeDoc(doc);
    if (st == NG_OK && !story->title[0] && story->n_paragraphs == 0)
        st = bad_input(error, "no text in html page");
    if (st == NG_OK)
        st = headline_as_text(story);
    if (st == NG_OK)
        st = finish_story(story, 0);
    if (st != NG_OK) {
        ng_story_free(story);
        return st;
    }
    return r->fn(r->ctx, NULL, story) ? NG_INTERRUPTED : NG_OK;
}

/* ---------------------------------------------------------------------- */
/* Feeds                                                                    */

#define ATOM_NS "http://www.w3.org/2005/Atom"

/* Whether N is in the Media RSS namespace, whose <media:title>,
 * <media:description> and <media:content> describe pictures and videos,
 * not the item. */
static int is_media(xmlNodePtr n)
{
    return n->ns && n->ns->href
        && strstr((const char *)n->ns->href, "search.yahoo.com/mrss");
}

/* N's first child element named NAME (not Media RSS), or NULL. */
static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (is_element(c, name) && !is_media(c))
            return c;
    return NULL;
}

/* Whether N has element children (XHTML inside a feed element). */
static int has_element_children(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return 1;
    return 0;
}

/* How a feed element's text is written. */
enum { TEXT_PLAIN, TEXT_HTML, TEXT_XHTML, TEXT_NONE };

/* The kind of text in the feed element N: by its Atom type attribute when
 * ATOM, else HTML (RSS); XHTML whenever it holds elements. */
static int text_kind(xmlNodePtr n, int atom)
{
    const char *type = attribute(n, "type");

    if (has_element_children(n))
        return TEXT_XHTML;
    if (!atom)
        return TEXT_HTML;
    if (attribute(n, "src"))
        return TEXT_NONE;
    if (!type || ascii_ieq(type, "text") || ascii_istarts(type, strlen(type),
                                                          "text/plain"))
        return TEXT_PLAIN;
    if (ascii_ieq(type, "html") || ascii_istarts(type, strlen(type),
                                                 "text/html"))
        return TEXT_HTML;
    if (ascii_ieq(type, "xhtml") || ascii_istarts(type, strlen(type),
                                                  "application/xhtml"))
        return TEXT_XHTML;
    if (ascii_istarts(type, strlen(type), "text/"))
        return TEXT_PLAIN;
    return TEXT_NONE;
}

/* Returns a new copy of the text of the element N as it stands, line
 * breaks and all (node_line() would join them), or NULL if out of memory. */
static char *raw_text(xmlNodePtr n)
{
    text_t raw = { 0 };
    walk_t w;
    int descend = 0;

    for (xmlNodePtr c = walk_start(&w, n); c; c = walk_next(&w, descend)) {
        descend = !w.leaving && c->type == XML_ELEMENT_NODE;
        if (!w.leaving && is_text(c)) {
            size_t len = strlen((const char *)c->content);
            if (text_reserve(&raw, len) != NG_OK) {
                free(raw.buf);
                return NULL;
            }
            memcpy(raw.buf + raw.len, c->content, len);
            raw.len += len;
        }
    }
    return text_take(&raw);
}

/* Appends the text of the feed element N to T (see text_kind()). */
static ng_status_t feed_text(xmlNodePtr n, int atom, text_t *t)
{
    int kind = text_kind(n, atom), blank_breaks = t->blank_breaks;
    char *raw;
    ng_status_t st;

    if (kind == TEXT_XHTML)
        return element_text(n, t, SKIP_FULL);
    if (kind == TEXT_NONE)
        return NG_OK;
    raw = raw_text(n);
    if (!raw)
        return NG_NO_MEMORY;
    if (kind == TEXT_HTML) {
        st = html_fragment(raw, strlen(raw), t);
    } else {
        t->blank_breaks = 1;
        st = text_append(t, raw, strlen(raw));
        t->blank_breaks = blank_breaks;
    }
    free(raw);
    if (st == NG_OK)
        st = text_flush(t);
    return st;
}

/* Returns the one-line text of the feed element N (a title), as
 * feed_text() reads it, or NULL if out of memory. */
static char *feed_line(xmlNodePtr n, int atom, int *repaired)
{
    text_t t = { 0 };
    ng_status_t st;
    int kind = text_kind(n, atom);

    if (kind == TEXT_HTML && !atom) {
        /* RSS titles are plain text, whatever the descriptions are. */
        return node_line(n, repaired);
    }
    st = feed_text(n, atom, &t);
    if (st != NG_OK) {
        free(t.buf);
        return NULL;
    }
    if (t.repaired)
        *repaired = 1;
    return text_take(&t);
}

/* Sets *LINK to a new copy of the feed item's link, or NULL if it has none:
 * an RSS <link>'s text, else an Atom link with rel="alternate" (or no rel).
 * Returns NG_OK or NG_NO_MEMORY. */
static ng_status_t item_link(xmlNodePtr item, char **link, int *repaired)
{
    const char *href = NULL;

    *link = NULL;
    for (xmlNodePtr c = item->children; c; c = c->next) {
        const char *value, *rel;
        if (!is_element(c, "link"))
            continue;
        value = attribute(c, "href");
        if (value) {
            rel = attribute(c, "rel");
            if (!href && (!rel || ascii_ieq(rel, "alternate")))
                href = value;
        } else if (!*link) {
            *link = node_line(c, repaired);
            if (!*link)
                return NG_NO_MEMORY;
            if (!(*link)[0]) {
                free(*link);
                *link = NULL;
            }
        }
    }
    if (!*link && href) {
        *link = make_line(href, strlen(href), repaired);
        if (!*link)
            return NG_NO_MEMORY;
        if (!(*link)[0]) {
            free(*link);
            *link = NULL;
        }
    }
    return NG_OK;
}

/* Hands STORY with ID to the callback unless the file had ID already
 * (then it is skipped with a warning naming WHAT and NUMBER). */
static ng_status_t hand_over(reader_t *r, const char *id, ng_story_t *story,
                             const char *what, unsigned number)
{
    unsigned previous;
    ng_status_t st = id_set_add(&r->ids, id, number, &previous);

    if (st != NG_OK) {
        ng_story_free(story);
        return st;
    }
    if (previous) {
        char q[64];
        warnf(r, "%s %u: same id '%s' as %s %u: skipped", what, number,
              quote(id, strlen(id), q, sizeof q), what, previous);
        ng_story_free(story);
        return NG_OK;
    }
    return r->fn(r->ctx, id, story) ? NG_INTERRUPTED : NG_OK;
}

/* The date elements of an item, best first. */
static const char *const item_date_names[] = {
    "pubdate", "published", "issued", "date", "created", "updated",
    "modified", NULL
};

/* Reads the feed item or entry ITEM, number NUMBER, and hands it over. */
static ng_status_t read_item(reader_t *r, xmlNodePtr item, unsigned number,
                             int atom)
{
    ng_story_t *story = calloc(1, sizeof *story);
    text_t t = { 0 };
    xmlNodePtr n, date_node = NULL;
    char *id = NULL, *link = NULL, *date_text = NULL, date[11] = "";
    char q[64];
    int repaired = r->repaired;
    ng_status_t st = NG_OK;

    if (!story)
        return NG_NO_MEMORY;
    t.story = story;

    /* The text: full content, else the summary. */
    static const char *const text_names[][3] = {
        { "encoded", "content", NULL }, { "description", "summary", NULL }
    };
    for (int k = 0; k < 2 && st == NG_OK && story->n_paragraphs == 0; k++)
        for (n = item->children; n && st == NG_OK; n = n->next)
            if (is_one_of(n, text_names[k]) && !is_media(n)) {
                st = feed_text(n, atom, &t);
                if (story->n_paragraphs > 0)
                    break;
            }
    free(t.buf);
    t.buf = NULL;
    if (t.repaired)
        repaired = 1;
    if (st != NG_OK)
        goto done;

    n = child(item, "title");
    if (n) {
        story->title = feed_line(n, atom, &repaired);
        if (!story->title) {
            st = NG_NO_MEMORY;
            goto done;
        }
    }
    if ((!story->title || !story->title[0]) && story->n_paragraphs == 0) {
        warnf(r, "item %u: no title or text: skipped", number);
        goto done;
    }
    st = item_link(item, &link, &repaired);
    if (st != NG_OK)
        goto done;
    story->source = link;
    link = NULL;

    /* The date. */
    for (size_t i = 0; item_date_names[i] && !date_node; i++)
        date_node = child(item, item_date_names[i]);
    if (date_node) {
        date_text = node_line(date_node, &repaired);
        if (!date_text) {
            st = NG_NO_MEMORY;
            goto done;
        }
        if (!parse_date(date_text, strlen(date_text), date))
            warnf(r, "item %u: date '%s' not understood", number,
                  quote(date_text, strlen(date_text), q, sizeof q));
    } else {
        warnf(r, "item %u: no date", number);
    }
    st = set_date(story, date, (time_t)-1);
    if (st == NG_OK)
        st = headline_as_text(story);
    if (st == NG_OK)
        st = finish_story(story, 0);
    if (st != NG_OK)
        goto done;
    story->repaired = repaired;

    /* The id: the guid or Atom id, else the link, else a hash. */
    n = child(item, atom ? "id" : "guid");
    if (!n && !atom)
        n = child(item, "id");
    if (n) {
        id = node_line(n, &repaired);
        if (!id) {
            st = NG_NO_MEMORY;
            goto done;
        }
    }
    if ((!id || !id[0]) && !atom) {
        const char *about = attribute(item, "about");
        if (about) {
            free(id);
            id = make_line(about, strlen(about), &repaired);
            if (!id) {
                st = NG_NO_MEMORY;
                goto done;
            }
        }
    }
    if ((!id || !id[0]) && story->source) {
        free(id);
        id = strdup(story->source);
        if (!id) {
            st = NG_NO_MEMORY;
            goto done;
        }
    }
    if (!id || !id[0]) {
        uint64_t hash = fnv1a(FNV_START, story->title,
                              strlen(story->title) + 1);
        for (size_t i = 0; i < story->n_paragraphs; i++)
            hash = fnv1a(hash, story->paragraphs[i].text,
                         story->paragraphs[i].len + 1);
        free(id);
        id = malloc(24);
        if (!id) {
            st = NG_NO_MEMORY;
            goto done;
        }
        snprintf(id, 24, "item-%016" PRIx64, hash);
        warnf(r, "item %u: no guid or link: named %s from its headline and "
                 "text", number, id);
    }
    st = hand_over(r, id, story, "item", number);
    story = NULL;

done:
    ng_story_free(story);
    free(id);
    free(link);
    free(date_text);
    return st;
}

/* Reads LEN bytes of DATA as an RSS, RDF or Atom feed. */
static ng_status_t read_feed(reader_t *r, const char *data, size_t len,
                             int transcoded, char **error)
{
    markup_t m;
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    xmlNodePtr root;
    ng_status_t st;
    int well_formed, stopped, atom;
    unsigned number = 0;

    st = prepare_markup(r, data, len, 0, transcoded, &m);
    if (st != NG_OK)
        return st;
    if (m.len > INT_MAX) {
        free(m.owned);
        return bad_input(error, "too large for the xml parser");
    }
    ctxt = ng_xml.xmlNewParserCtxt();
    if (!ctxt) {
        free(m.owned);
        return NG_NO_MEMORY;
    }
    /* Never XML_PARSE_NOENT or XML_PARSE_DTDLOAD: entities stay unexpanded
     * and nothing is loaded from outside. */
    doc = ng_xml.xmlCtxtReadMemory(ctxt, m.data, (int)m.len, NULL, m.encoding,
                            XML_PARSE_RECOVER | XML_PARSE_NONET
                            | XML_PARSE_NOERROR | XML_PARSE_NOWARNING
                            | XML_PARSE_NOCDATA | m.extra_options);
    well_formed = ctxt->wellFormed;
    stopped = ctxt->errNo == XML_ERR_NO_MEMORY;
    ng_xml.xmlFreeParserCtxt(ctxt);
    free(m.owned);
    root = doc ? ng_xml.xmlDocGetRootElement(doc) : NULL;
    if (!root || !(is_element(root, "rss") || is_element(root, "feed")
                   || is_element(root, "rdf"))) {
        ng_xml.xmlFreeDoc(doc);
        return bad_input(error, "malformed xml: no feed could be read");
    }
    if (!well_formed)
        warnf(r, "malformed xml: %s", stopped
              ? "the parser stopped early (a text over 10 MB?), the rest is "
                "left out"
              : "recovered what could be read");
    atom = is_element(root, "feed")
        || (root->ns && root->ns->href
            && strcmp((const char *)root->ns->href, ATOM_NS) == 0);

    for (xmlNodePtr n = root->children; n && st == NG_OK; n = n->next) {
        if (is_element(n, "item") || is_element(n, "entry")) {
            st = read_item(r, n, ++number, atom);
        } else if (is_element(n, "channel")) {
            for (xmlNodePtr i = n->children; i && st == NG_OK; i = i->next)
                if (is_element(i, "item"))
                    st = read_item(r, i, ++number, atom);
        }
    }
    ng_xml.xmlFreeDoc(doc);
    if (st == NG_OK && number == 0)
        warnf(r, "feed has no items");
    return st;
}

/* ---------------------------------------------------------------------- */
/* JSON Lines                                                               */

static const char not_an_object[] = "not a json object";

/* Parses the line S (N bytes) as one JSON object with TOK.  Returns it (the
 * caller puts it), or NULL with the reason in *WHY: not_an_object, or what
 * is broken. */
static json_object *parse_object(json_tokener *tok, const char *s, size_t n,
                                 const char **why)
{
    json_object *obj;
    size_t end;

    *why = NULL;
    if (n > INT_MAX) {
        *why = "line too long for the json parser";
        return NULL;
    }
    json_tokener_reset(tok);
    obj = json_tokener_parse_ex(tok, s, (int)n);
    if (!obj) {
        enum json_tokener_error err = json_tokener_get_error(tok);
        if (err == json_tokener_continue)
            *why = "unexpected end of line";
        else if (err == json_tokener_success)
            *why = not_an_object;   /* a bare null */
        else
            *why = json_tokener_error_desc(err);
        return NULL;
    }
    end = json_tokener_get_parse_end(tok);
    while (end < n && is_ascii_space((unsigned char)s[end]))
        end++;
    if (end < n) {
        json_object_put(obj);
        *why = "more after the object";
        return NULL;
    }
    if (!json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        *why = not_an_object;
        return NULL;
    }
    return obj;
}

/* Whether DATA looks like JSON Lines (see ng_formats_detect()). */
static int looks_like_jsonl(const char *data, size_t len)
{
    const char *s = data, *end = data + len;
    json_tokener *tok;
    int lines = 0, found = 0;

    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    while (s < end && is_ascii_space((unsigned char)*s))
        s++;
    if (s == end || *s != '{')
        return 0;
    tok = json_tokener_new();
    while (s < end && lines < 8 && !found) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        if (!e)
            e = end;
        if (!is_blank_file(s, (size_t)(e - s))) {
            lines++;
            if (tok) {
                const char *why;
                json_object *obj = parse_object(tok, s, (size_t)(e - s), &why);
                found = obj != NULL;
                json_object_put(obj);
            } else {
                /* Out of memory: judge by the braces. */
                const char *last = e;
                while (last > s && is_ascii_space((unsigned char)last[-1]))
                    last--;
                found = *s == '{' && last > s && last[-1] == '}';
            }
        }
        s = e < end ? e + 1 : end;
    }
    json_tokener_free(tok);
    return found;
}

/* The string form of the JSON value O when a string or number, else
 * NULL; borrowed from O. */
static const char *json_text(json_object *o, size_t *len)
{
    if (!o)
        return NULL;
    switch (json_object_get_type(o)) {
    case json_type_string:
        *len = (size_t)json_object_get_string_len(o);
        return json_object_get_string(o);
    case json_type_int:
    case json_type_double: {
        const char *s = json_object_get_string(o);
        *len = strlen(s);
        return s;
    }
    default:
        return NULL;
    }
}

/* Reads the JSON Lines record OBJ of line NUMBER and hands it over. */
static ng_status_t read_record(reader_t *r, json_object *obj,
                               unsigned number)
{
    json_object *value;
    const char *s;
    size_t len = 0;
    char *id = NULL, date[11] = "", q[64];
    int repaired = 0;
    ng_story_t *story;
    text_t t = { 0 };
    ng_status_t st = NG_OK;

    if (!json_object_object_get_ex(obj, "id", &value)
        || json_object_is_type(value, json_type_null)) {
        warnf(r, "line %u: no id: skipped", number);
        return NG_OK;
    }
    s = json_text(value, &len);
    if (!s) {
        warnf(r, "line %u: id is not a string or number: skipped", number);
        return NG_OK;
    }
    id = make_line(s, len, &repaired);
    if (!id)
        return NG_NO_MEMORY;
    if (!id[0]) {
        warnf(r, "line %u: empty id: skipped", number);
        free(id);
        return NG_OK;
    }
    if (!json_object_object_get_ex(obj, "text", &value)
        || !json_object_is_type(value, json_type_string)) {
        warnf(r, "line %u: %s: skipped", number,
              value && !json_object_is_type(value, json_type_null)
                  ? "text is not a string" : "no text");
        free(id);
        return NG_OK;
    }
    story = calloc(1, sizeof *story);
    if (!story) {
        free(id);
        return NG_NO_MEMORY;
    }
    t.story = story;
    t.blank_breaks = 1;
    st = text_append(&t, json_object_get_string(value),
                     (size_t)json_object_get_string_len(value));
    if (st == NG_OK)
        st = text_flush(&t);
    free(t.buf);
    if (t.repaired)
        repaired = 1;
    if (st != NG_OK)
        goto done;
    if (story->n_paragraphs == 0) {
        warnf(r, "line %u: no text: skipped", number);
        goto done;
    }

    if (json_object_object_get_ex(obj, "title", &value)
        && !json_object_is_type(value, json_type_null)) {
        if (json_object_is_type(value, json_type_string)) {
            story->title = make_line(json_object_get_string(value),
                                     (size_t)json_object_get_string_len(value),
                                     &repaired);
            if (!story->title) {
                st = NG_NO_MEMORY;
                goto done;
            }
        } else {
            warnf(r, "line %u: title is not a string: ignored", number);
        }
    }
    if ((json_object_object_get_ex(obj, "source", &value)
         && json_object_is_type(value, json_type_string))
        || (json_object_object_get_ex(obj, "url", &value)
            && json_object_is_type(value, json_type_string))) {
        story->source = make_line(json_object_get_string(value),
                                  (size_t)json_object_get_string_len(value),
                                  &repaired);
        if (!story->source) {
            st = NG_NO_MEMORY;
            goto done;
        }
        if (!story->source[0]) {
            free(story->source);
            story->source = NULL;
        }
    }
    if (json_object_object_get_ex(obj, "date", &value)
        && !json_object_is_type(value, json_type_null)) {
        s = json_text(value, &len);
        if (!s || !parse_date(s, len, date))
            warnf(r, "line %u: date '%s' not understood", number,
                  s ? quote(s, len, q, sizeof q) : "(not a string)");
    }
    st = set_date(story, date, (time_t)-1);
    if (st == NG_OK)
        st = finish_story(story, 0);
    if (st != NG_OK)
        goto done;
    story->repaired = repaired;
    st = hand_over(r, id, story, "line", number);
    story = NULL;

done:
    ng_story_free(story);
    free(id);
    return st;
}

/* Reads LEN bytes of DATA as JSON Lines. */
static ng_status_t read_jsonl(reader_t *r, const char *data, size_t len)
{
    const char *s = data, *end = data + len;
    json_tokener *tok = json_tokener_new();
    unsigned number = 0;
    ng_status_t st = NG_OK;

    if (!tok)
        return NG_NO_MEMORY;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    while (s < end && st == NG_OK) {
        const char *e = memchr(s, '\n', (size_t)(end - s)), *why;
        json_object *obj;
        if (!e)
            e = end;
        number++;
        if (!is_blank_file(s, (size_t)(e - s))) {
            obj = parse_object(tok, s, (size_t)(e - s), &why);
            if (obj) {
                st = read_record(r, obj, number);
                json_object_put(obj);
            } else {
                warnf(r, "line %u: %s%s: skipped", number,
                      why == not_an_object ? "" : "broken json: ", why);
            }
        }
        s = e < end ? e + 1 : end;
    }
    json_tokener_free(tok);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Plain text                                                               */

static ng_status_t read_text(reader_t *r, const char *data, size_t len,
                             char **error)
{
    ng_story_t *story;
    ng_status_t st = ng_story_parse(data, len, r->mtime, &story, error);

    if (st != NG_OK)
        return st;
    st = finish_story(story, 1);
    if (st != NG_OK) {
        ng_story_free(story);
        return st;
    }
    return r->fn(r->ctx, NULL, story) ? NG_INTERRUPTED : NG_OK;
}

/* ---------------------------------------------------------------------- */
/* Detection and the entry point                                            */

/* Skips an XML prolog (declaration, comments, processing instructions,
 * doctype) from S; returns where the root element should start, or END. */
static const char *skip_prolog(const char *s, const char *end)
{
    for (;;) {
        size_t n, at;
        while (s < end && is_ascii_space((unsigned char)*s))
            s++;
        n = (size_t)(end - s);
        if (ascii_istarts(s, n, "<?")) {
            at = ascii_ifind(s, n, "?>");
            s = at < n ? s + at + 2 : end;
        } else if (ascii_istarts(s, n, "<!--")) {
            at = ascii_ifind(s, n, "-->");
            s = at < n ? s + at + 3 : end;
        } else if (ascii_istarts(s, n, "<!")) {
            /* A doctype, perhaps with an internal subset in brackets. */
            int depth = 0;
            size_t i = 2;
            for (; i < n; i++) {
                if (s[i] == '[')
                    depth++;
                else if (s[i] == ']' && depth > 0)
                    depth--;
                else if (s[i] == '>' && depth == 0)
                    break;
            }
            s = i < n ? s + i + 1 : end;
        } else {
            return s;
        }
    }
}

/* Non-zero if the NAME_LEN bytes of NAME name an element an HTML page
 * commonly opens with. */
static int is_html_element(const char *name, size_t name_len)
{
    static const char *const elements[] = {
        "html", "head", "body", "title", "meta", "link", "script", "style",
        "base", "div", "p", "article", "main", "section", "header", "nav",
        "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "span",
        "a", "br", "img", "form", "iframe", "noscript", "svg", "center",
        "font", "b", "i", "em", "strong", "pre", "blockquote", "figure",
    };
    for (size_t i = 0; i < sizeof elements / sizeof *elements; i++)
        if (strlen(elements[i]) == name_len &&
            ascii_istarts(name, name_len, elements[i]))
            return 1;
    return 0;
}

ng_format_t ng_formats_detect(const char *data, size_t len)
{
    const char *s = data, *end = data + len;
    size_t n;

    if (!data)
        return NG_FORMAT_TEXT;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    while (s < end && is_ascii_space((unsigned char)*s))
        s++;
    if (s < end && *s == '{')
        return looks_like_jsonl(data, len) ? NG_FORMAT_JSONL : NG_FORMAT_TEXT;
    if (s + 1 < end && *s == '<'
        && (is_alpha(s[1]) || s[1] == '!' || s[1] == '?')) {
        const char *limit = (size_t)(end - s) > 65536 ? s + 65536 : end;
        const char *root = skip_prolog(s, limit), *name, *colon = NULL;
        int prolog = root != s;
        size_t name_len;
        if (root >= limit || *root != '<')
            return NG_FORMAT_HTML;
        name = ++root;
        while (root < limit && (is_alpha(*root) || is_digit(*root)
                                || *root == ':' || *root == '-'
                                || *root == '_' || *root == '.')) {
            if (*root == ':')
                colon = root;
            root++;
        }
        if (colon)
            name = colon + 1;
        name_len = (size_t)(root - name);
        if ((name_len == 3 && (ascii_istarts(name, 3, "rss")
                               || ascii_istarts(name, 3, "rdf")))
            || (name_len == 4 && ascii_istarts(name, 4, "feed")))
            return NG_FORMAT_FEED;
        /* A story may well open with "<" and a word: Reuters headlines
         * such as "<BANK OF CHINA> TO JOIN VISA NETWORK" name companies so.
         * Only a prolog, a doctype or an HTML element makes it a page. */
        if (prolog || is_html_element(name, name_len))
            return NG_FORMAT_HTML;
    }
    n = (size_t)(end - s) < 1024 ? (size_t)(end - s) : 1024;
    if (ascii_ifind(s, n, "<!doctype html") < n
        || ascii_ifind(s, n, "<html") < n)
        return NG_FORMAT_HTML;
    return NG_FORMAT_TEXT;
}

const char *ng_format_name(ng_format_t format)
{
    switch (format) {
    case NG_FORMAT_TEXT: return "text";
    case NG_FORMAT_HTML: return "html";
    case NG_FORMAT_FEED: return "feed";
    case NG_FORMAT_JSONL: return "jsonl";
    }
    return "unknown";
}

/* Reads an HTML page or a feed with libxml2, loaded now if it was not,
 * and quiet: what its parser says is no use to a reader of news. */
static ng_status_t read_markup(reader_t *r, ng_format_t format,
                               const char *data, size_t len, int transcoded,
                               char **error)
{
    const char *why = NULL;
    if (ng_xmllib_load(&why) != NG_OK)
        return bad_input(error, why);
    xmlGenericErrorFunc old_generic = *ng_xml.genericError();
    void *old_generic_ctx = *ng_xml.genericErrorContext();
    xmlStructuredErrorFunc old_structured = *ng_xml.structuredError();
    void *old_structured_ctx = *ng_xml.structuredErrorContext();
    ng_xml.xmlSetGenericErrorFunc(NULL, ignore_error);
    ng_xml.xmlSetStructuredErrorFunc(NULL, ignore_structured_error);
    ng_status_t st = format == NG_FORMAT_HTML
        ? read_html(r, data, len, transcoded, error)
        : read_feed(r, data, len, transcoded, error);
    ng_xml.xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    ng_xml.xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);
    return st;
}

ng_status_t ng_formats_read(const char *data, size_t len, time_t mtime,
                            ng_formats_story_fn fn, void *ctx,
                            ng_formats_warn_fn warn, void *warn_ctx,
                            char **error)
{
    reader_t r;
    char *owned = NULL;
    int truncated = 0, trailing = 0, transcoded = 0;
    ng_status_t st = NG_OK;
    ng_format_t format;

    if (error)
        *error = NULL;
    if (!fn || (!data && len > 0))
        return NG_BAD_ARGUMENT;
    if (len == 0)
        return bad_input(error, "empty file");
    memset(&r, 0, sizeof r);
    r.fn = fn;
    r.ctx = ctx;
    r.warn = warn;
    r.warn_ctx = warn_ctx;
    r.mtime = mtime;

    if (len >= 2 && (unsigned char)data[0] == 0x1f
        && (unsigned char)data[1] == 0x8b) {
        const char *why = NULL;
        st = gunzip(data, len, &owned, &len, &truncated, &trailing, &why);
        if (st == NG_BAD_INPUT)
            return bad_input(error, why);
        if (st != NG_OK)
            return st;
        data = owned;
        if (len == 0) {
            free(owned);
            return bad_input(error, truncated ? "truncated gzip data"
                                              : "empty file");
        }
    }
    if (len >= 2 && ((unsigned char)data[0] == 0xFF
                     || (unsigned char)data[0] == 0xFE)
        && (unsigned char)data[1] == ((unsigned char)data[0] ^ 0x01)
        && !(len >= 4 && data[2] == 0 && data[3] == 0)) {
        char *utf8;
        size_t utf8_len;
        st = from_utf16((const unsigned char *)data + 2, len - 2,
                        (unsigned char)data[0] == 0xFE, &utf8, &utf8_len);
        free(owned);
        if (st != NG_OK)
            return st;
        owned = utf8;
        data = utf8;
        len = utf8_len;
        transcoded = 1;
    }
    if (looks_binary(data, len)) {
        free(owned);
        return bad_input(error, "binary file");
    }
    if (is_blank_file(data, len)) {
        free(owned);
        return bad_input(error, "empty file");
    }
    format = ng_formats_detect(data, len);
    if (truncated) {
        const char *last = NULL;
        unsigned lines = 0;
        if (format == NG_FORMAT_JSONL)
            for (size_t i = len; i > 0 && !last; i--)
                if (data[i - 1] == '\n')
                    last = data + i - 1;
        if (!last) {
            free(owned);
            return bad_input(error, "truncated gzip data");
        }
        len = (size_t)(last - data) + 1;
        for (const char *s = data;
             (s = memchr(s, '\n', (size_t)(last + 1 - s))) != NULL; s++)
            lines++;
        warnf(&r, "truncated gzip data: only the %u complete lines are read",
              lines);
    }
    if (trailing)
        warnf(&r, "data after the gzip stream is left out");

    switch (format) {
    case NG_FORMAT_TEXT:
        st = read_text(&r, data, len, error);
        break;
    case NG_FORMAT_HTML:
    case NG_FORMAT_FEED:
        st = read_markup(&r, format, data, len, transcoded, error);
        break;
    case NG_FORMAT_JSONL:
        st = read_jsonl(&r, data, len);
        break;
    }

    id_set_free(&r.ids);
    free(owned);
    if (st != NG_BAD_INPUT && error && *error) {
        free(*error);
        *error = NULL;
    }
    return st;
}

void ng_formats_cleanup(void)
{
    if (ng_xmllib_loaded())
        ng_xml.xmlCleanupParser();
}

void ng_formats_init(void)
{
    /* A library that cannot be loaded is reported by the first page or
     * feed that needs it. */
    ng_xmllib_load(NULL);
}
