/*
 * tokenizer.c: splits UTF-8 text into normalised words.
 *
 * The scanner mirrors parse_terms() of Xapian 1.4's TermGenerator
 * (termgenerator_internal.cc): word characters, check_infix(),
 * check_infix_digit(), the acronym rule and check_suffix(), so that every
 * word we report is one word, unchanged, to Xapian's QueryParser.  Where we
 * differ from Xapian it is on purpose:
 *
 *  - Invalid UTF-8 bytes separate words (Xapian reads them as Latin-1).
 *  - Combining marks are transparent: they never start a word and never
 *    split one, so splitting does not depend on accents that normalisation
 *    strips.
 *    "a'\u0301b" is one word, as its normalised form "a'b" is to Xapian.
 *  - A word whose normalised form has a character that is not a word
 *    character ("⑴" becomes "(1)"), or that kept an infix character, is
 *    split again by the same rules after normalisation, and only what lands
 *    in the pieces is kept, joined: "⑴" gives "1".  This is what keeps
 *    every reported word whole for the QueryParser.
 *  - A word that normalises to nothing is not a word and takes no position;
 *    a word too long to report still takes one (see tokenizer.h).
 *  - Xapian's CJK n-grams are not made: a run of ideographs is one word.
 *
 * Memory is one fixed buffer per word, whatever the input, and time is linear
 * in the input's length.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "tokenizer.h"

/* Compatibility decomposition, combining marks removed, case folded.
 * Without UTF8PROC_COMPOSE, decomposing a word code point by code point gives
 * exactly what utf8proc_map() gives for the whole word: every character with
 * a non-zero combining class is a mark, and marks are stripped, so canonical
 * reordering never has anything to reorder. */
#define NORMALIZE_OPTIONS                                                   \
    ((utf8proc_option_t)(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |             \
                         UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD |           \
                         UTF8PROC_STABLE))

/* The longest decomposition of one code point under NORMALIZE_OPTIONS is 18
 * code points (U+FDFA); this leaves room to spare. */
#define MAX_DECOMPOSITION 32

/* Returned by the infix checks for a character that is dropped from inside a
 * word (zero-width spaces and joiners), as Xapian's UNICODE_IGNORE. */
#define INFIX_IGNORE (-2)

/* How a code point takes part in words. */
enum char_class { CLASS_SEPARATOR, CLASS_WORD, CLASS_MARK };

/* A word being built: its normalised text and where it lies in the input. */
typedef struct {
    char text[NG_TOKEN_MAX_BYTES + 1];
    /* The normalised length in bytes.  Once it exceeds NG_TOKEN_MAX_BYTES it
     * is pinned at NG_TOKEN_MAX_BYTES + 1 and nothing more is stored: the
     * word cannot be reported, and normalising the rest would be waste. */
    size_t len;
    /* Set when normalisation produced a character that is not a word
     * character, or an infix character was kept: the normalised text must
     * then be split again. */
    int resplit;
    size_t start, end;
} word_t;

/* Where a scan of one buffer stands. */
typedef struct {
    const unsigned char *s;
    size_t len;
    size_t i;                 /* where the search for the next word starts */
    size_t acronym_fail_end;  /* acronym scans starting before this offset
                                 are known to fail */
} scanner_t;

/* Decodes the character at S[I] (I < LEN) into *CP, or -1 for a byte that
 * does not start a valid UTF-8 sequence.  Returns its length in bytes, 1 for
 * an invalid byte.  Cannot fail. */
static size_t decode(const unsigned char *s, size_t len, size_t i,
                     int32_t *cp)
{
    if (s[i] < 0x80) {
        *cp = s[i];
        return 1;
    }
    size_t avail = len - i;
    if (avail > 4)
        avail = 4;
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t)avail, &c);
    if (n <= 0) {
        *cp = -1;
        return 1;
    }
    *cp = c;
    return (size_t)n;
}

/* Non-zero if C is an ASCII word character (Xapian's is_wordchar()).
 * Cannot fail. */
static inline int is_ascii_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* word_put() of the ASCII word character C, lower-cased.  Cannot fail. */
static inline void word_put_ascii(word_t *w, unsigned char c)
{
    if (w->len >= NG_TOKEN_MAX_BYTES) {
        w->len = NG_TOKEN_MAX_BYTES + 1;
        return;
    }
    w->text[w->len++] = (char)((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
}

/* Returns how CP (-1 for an invalid byte) takes part in words: Xapian's
 * is_wordchar() classes, with the marks told apart.  Cannot fail. */
static enum char_class classify(int32_t cp)
{
    if (cp < 0)
        return CLASS_SEPARATOR;
    if (cp < 0x80)
        return is_ascii_word((unsigned char)cp) ? CLASS_WORD : CLASS_SEPARATOR;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LM:
        /* The halfwidth katakana sound marks are letters that normalise to
         * combining marks, which are stripped: they behave as marks. */
        if (cp == 0xff9e || cp == 0xff9f)
            return CLASS_MARK;
        return CLASS_WORD;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_PC:
        return CLASS_WORD;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return CLASS_MARK;
    default:
        return CLASS_SEPARATOR;
    }
}

/* Returns whether CP is a decimal digit (Unicode Nd).  Cannot fail. */
static int is_digit(int32_t cp)
{
    if (cp < 0x80)
        return cp >= '0' && cp <= '9';
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

/* Returns whether CP is one of the zero-width characters Xapian drops from
 * inside a word.  Cannot fail. */
static int is_zero_width(int32_t cp)
{
    return (cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff;
}

/* Xapian's check_infix(): what CP becomes between two word characters, 0 if
 * it ends the word, INFIX_IGNORE if it is dropped.  Cannot fail. */
static int32_t check_infix(int32_t cp)
{
    if (cp == '\'' || cp == '&' || cp == 0xb7 || cp == 0x5f4 || cp == 0x2027)
        return cp;
    if (cp == 0x2019 || cp == 0x201b)
        return '\'';
    if (is_zero_width(cp))
        return INFIX_IGNORE;
    return 0;
}

/* Xapian's check_infix_digit(): the same between two decimal digits, from
 * Unicode's word boundary rules.  Cannot fail. */
static int32_t check_infix_digit(int32_t cp)
{
    switch (cp) {
    case ',':
    case '.':
    case ';':
    case 0x037e:  /* Greek question mark */
    case 0x0589:  /* Armenian full stop */
    case 0x060d:  /* Arabic date separator */
    case 0x07f8:  /* NKo comma */
    case 0x2044:  /* fraction slash */
    case 0xfe10:  /* presentation form for vertical comma */
    case 0xfe13:  /* presentation form for vertical colon */
    case 0xfe14:  /* presentation form for vertical semicolon */
        return cp;
    }
    if (is_zero_width(cp))
        return INFIX_IGNORE;
    return 0;
}

/* Appends N bytes of normalised text to W, or only counts them once W is too
 * long to report.  Cannot fail. */
static void word_put(word_t *w, const void *bytes, size_t n)
{
    if (w->len > NG_TOKEN_MAX_BYTES)
        return;
    if (w->len + n > NG_TOKEN_MAX_BYTES) {
        w->len = NG_TOKEN_MAX_BYTES + 1;
        return;
    }
    memcpy(w->text + w->len, bytes, n);
    w->len += n;
}

/* Stores the normalised form of CP in OUT (room for MAX_DECOMPOSITION code
 * points).  An apostrophe variant becomes U+0027, as it does inside a word,
 * so that ng_normalize() of a word's slice gives the word.  Zero-width
 * characters are kept: dropping them is a splitting rule, which Xapian's
 * QueryParser applies again to normalised query text.  Returns the number of
 * code points stored, or -1 if CP cannot be normalised, which does not
 * happen with these options. */
static int normalize_char(int32_t cp, utf8proc_int32_t *out)
{
    if (cp < 0x80) {
        out[0] = (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
        return 1;
    }
    if (cp == 0x2019 || cp == 0x201b) {
        out[0] = '\'';
        return 1;
    }
    int boundclass = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, out, MAX_DECOMPOSITION,
                                                 NORMALIZE_OPTIONS,
                                                 &boundclass);
    if (n < 0 || n > MAX_DECOMPOSITION)
        return -1;
    return (int)n;
}

/* Appends the normalised form of CP to W.  When CHECK_CLASS is set, a
 * non-word character in the result marks W for splitting again.  Cannot
 * fail. */
static void word_add(word_t *w, int32_t cp, int check_class)
{
    if (w->len > NG_TOKEN_MAX_BYTES)
        return;
    if (cp < 0x80) {
        if (check_class && classify(cp) != CLASS_WORD)
            w->resplit = 1;
        word_put_ascii(w, (unsigned char)cp);
        return;
    }
    utf8proc_int32_t out[MAX_DECOMPOSITION];
    int n = normalize_char(cp, out);
    if (n < 0) {
        /* A word that cannot be normalised cannot be reported. */
        w->len = NG_TOKEN_MAX_BYTES + 1;
        return;
    }
    for (int k = 0; k < n; k++) {
        utf8proc_uint8_t bytes[4];
        utf8proc_ssize_t m = utf8proc_encode_char(out[k], bytes);
        if (check_class && classify(out[k]) != CLASS_WORD)
            w->resplit = 1;
        word_put(w, bytes, (size_t)m);
    }
}

/* Returns the offset of the first character at or after I that is not a
 * combining mark (LEN if none), with that character in *CP and its length in
 * *N.  Cannot fail. */
static size_t skip_marks(const unsigned char *s, size_t len, size_t i,
                         int32_t *cp, size_t *n)
{
    while (i < len) {
        *n = decode(s, len, i, cp);
        if (classify(*cp) != CLASS_MARK)
            return i;
        i += *n;
    }
    *cp = -1;
    *n = 0;
    return len;
}

/* Tries to read an acronym, single ASCII capitals separated by full stops
 * ("U.S.", "P.T.O"), starting at the capital at S[I], into W.  Returns 1 and
 * sets SC->i past it if there is one, 0 otherwise.  Cannot fail. */
static int scan_acronym(scanner_t *sc, size_t i, word_t *w)
{
    const unsigned char *s = sc->s;
    size_t len = sc->len, p = i, last, letters = 0;

    do {
        word_add(w, s[p], 0);
        p++;
        last = p;
        letters++;
    } while (p < len && s[p] == '.' && ++p < len && s[p] >= 'A' &&
             s[p] <= 'Z');
    /* As in Xapian, one letter is not an acronym, and neither is a run
     * followed by a word character ("U.S.x"); a mark counts as one here. */
    if (letters > 1) {
        int32_t after = -1;
        if (p < len)
            decode(s, len, p, &after);
        if (p >= len || classify(after) == CLASS_SEPARATOR) {
            w->end = last;
            sc->i = p;
            return 1;
        }
        /* A scan from any later capital of this run ends at the same place
         * and fails the same way; remembering that keeps the whole
         * tokenizer linear on input like "A.A.A. ... A.Ax". */
        sc->acronym_fail_end = p;
    }
    return 0;
}

/* Finds the next word of SC and stores it, normalised, in W.  Returns 1 if
 * there is one, 0 at the end of the buffer.  Cannot fail. */
static int next_word(scanner_t *sc, word_t *w)
{
    const unsigned char *s = sc->s;
    size_t len = sc->len, i = sc->i, n = 0;
    int32_t ch = -1;

    /* A word starts at a word character; a mark alone starts nothing, as it
     * vanishes in normalisation. */
    for (;;) {
        if (i >= len) {
            sc->i = len;
            return 0;
        }
        if (s[i] < 0x80) {
            /* ASCII: a word character or a separator. */
            ch = s[i];
            n = 1;
            if (is_ascii_word(s[i]))
                break;
            i++;
            continue;
        }
        n = decode(s, len, i, &ch);
        if (classify(ch) == CLASS_WORD)
            break;
        i += n;
    }
    w->len = 0;
    w->resplit = 0;
    w->start = i;

    if (ch >= 'A' && ch <= 'Z' && i >= sc->acronym_fail_end) {
        if (scan_acronym(sc, i, w))
            return 1;
        w->len = 0;
    }

    /* The run of word characters, with single infix characters inside it.
     * PREV is the last word character that was not a mark. */
    int32_t prev = ch;
    enum char_class cls = CLASS_WORD;
    for (;;) {
        word_add(w, ch, 1);
        if (cls == CLASS_WORD)
            prev = ch;
        i += n;
        /* The rest of a run of ASCII word characters, the common case,
         * without decoding and classifying each one: what the loop would
         * do for them, as word_add() would. */
        while (i < len && is_ascii_word(s[i])) {
            prev = s[i];
            word_put_ascii(w, s[i]);
            i++;
        }
        w->end = i;
        if (i >= len) {
            sc->i = len;
            return 1;
        }
        n = decode(s, len, i, &ch);
        cls = classify(ch);
        if (cls != CLASS_SEPARATOR)
            continue;
        /* Only these ASCII separators can be kept inside a word. */
        if (ch < 0 || (ch < 0x80 && ch != '\'' && ch != '&' && ch != ',' &&
                       ch != '.' && ch != ';'))
            break;
        int32_t next;
        size_t next_n;
        size_t j = skip_marks(s, len, i + n, &next, &next_n);
        if (j >= len || classify(next) != CLASS_WORD)
            break;
        int32_t infix = (is_digit(prev) && is_digit(next))
                            ? check_infix_digit(ch)
                            : check_infix(ch);
        if (infix == 0)
            break;
        if (infix != INFIX_IGNORE) {
            word_add(w, infix, 0);
            /* Whether a character is kept inside a word depends on its
             * neighbours being digits, which normalisation can change
             * ("①'s" becomes "1's"), so such a word is split again. */
            w->resplit = 1;
        }
        i = j;
        ch = next;
        n = next_n;
        cls = CLASS_WORD;
    }

    /* Up to three '+' or '#' stay on the word ("C++", "C#"), but not if a
     * word character follows ("fish+chips"); four or more are dropped. */
    sc->i = i;
    size_t saved = w->len, p = i;
    unsigned count = 0;
    while (p < len && (s[p] == '+' || s[p] == '#')) {
        if (++count > 3)
            break;
        word_add(w, s[p], 0);
        int32_t dummy;
        size_t dummy_n;
        p = skip_marks(s, len, p + 1, &dummy, &dummy_n);
    }
    if (count > 3) {
        w->len = saved;
    } else if (count > 0) {
        int32_t after = -1;
        if (p < len)
            decode(s, len, p, &after);
        if (p < len && classify(after) == CLASS_WORD)
            w->len = saved;
        else
            w->end = p;
    }
    return 1;
}

/* Reports one word to FN unless FN is NULL.  Returns FN's return value. */
static int emit(ng_token_fn fn, void *ctx, const char *text, size_t len,
                const word_t *w, unsigned *position)
{
    ng_token_t token;
    token.text = text;
    token.len = len;
    token.start = w->start;
    token.end = w->end;
    token.position = (*position)++;
    return fn ? fn(ctx, &token) : 0;
}

/* Never runs out of memory, as it allocates nothing: returns 0 or the
 * callback's non-zero return value. */
int ng_tokenize(const char *text, size_t len, unsigned first_position,
                ng_token_fn fn, void *ctx, unsigned *next_position)
{
    scanner_t sc = { (const unsigned char *)text, text ? len : 0, 0, 0 };
    unsigned position = first_position;
    word_t w;
    int rc = 0;

    while (rc == 0 && next_word(&sc, &w)) {
        /* Letters that normalise to nothing make no word and no position,
         * as the normalised text of a query has nothing there either. */
        if (w.len == 0)
            continue;
        if (w.len > NG_TOKEN_MAX_BYTES) {
            position++;
            continue;
        }
        w.text[w.len] = '\0';
        if (!w.resplit) {
            rc = emit(fn, ctx, w.text, w.len, &w, &position);
            continue;
        }
        /* Split the normalised text by the same rules, as the QueryParser
         * would, and keep only what lands in words ("(1)" becomes "1").
         * The pieces are joined into one word, so that each word of the
         * input still gives at most one token, with offsets of its own.
         * Normalising again changes nothing, and there are no capitals, so
         * no acronyms; nothing is added, so the result fits. */
        scanner_t sub = { (const unsigned char *)w.text, w.len, 0, 0 };
        word_t piece;
        char joined[NG_TOKEN_MAX_BYTES + 1];
        size_t joined_len = 0;
        while (next_word(&sub, &piece)) {
            if (piece.len > NG_TOKEN_MAX_BYTES - joined_len)
                break;
            memcpy(joined + joined_len, piece.text, piece.len);
            joined_len += piece.len;
        }
        joined[joined_len] = '\0';
        if (joined_len > 0)
            rc = emit(fn, ctx, joined, joined_len, &w, &position);
    }
    if (next_position)
        *next_position = position;
    return rc;
}

/* Returns NULL if memory ran out. */
char *ng_normalize(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t cap = 32, used = 0;
    char *buf;

    if (!text)
        len = 0;
    if (len < SIZE_MAX / 2)
        cap += len + len / 8;
    buf = malloc(cap);
    if (!buf)
        return NULL;

    for (size_t i = 0; i < len;) {
        int32_t cp;
        utf8proc_int32_t out[MAX_DECOMPOSITION];
        i += decode(s, len, i, &cp);
        /* Invalid bytes separate words in ng_tokenize(); inside one word
         * they have nothing to become, so they are dropped, and so would a
         * character utf8proc could not normalise. */
        int n = cp < 0 ? 0 : normalize_char(cp, out);
        for (int k = 0; k < n; k++) {
            /* Room for one more character and the terminating NUL. */
            if (cap - used < 5) {
                if (cap > SIZE_MAX / 2) {
                    free(buf);
                    return NULL;
                }
                char *nbuf = realloc(buf, cap * 2);
                if (!nbuf) {
                    free(buf);
                    return NULL;
                }
                buf = nbuf;
                cap *= 2;
            }
            used += (size_t)utf8proc_encode_char(
                out[k], (utf8proc_uint8_t *)buf + used);
        }
    }
    buf[used] = '\0';
    return buf;
}
