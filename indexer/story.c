#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <utf8proc.h>

#include "story.h"
#include "text.h"

/*
 * Decisions the format in story.h leaves open:
 *
 *  - Encoding.  A buffer with invalid UTF-8 is read as Windows-1252 when its
 *    invalid bytes outnumber its well-formed multi-byte characters (a Latin-1
 *    file has almost none of the latter); otherwise it is UTF-8 with a few
 *    broken bytes, each replaced with U+FFFD.  A leading byte-order mark
 *    declares UTF-8, so it rules out Windows-1252; dropping it alone does not
 *    count as a repair.
 *  - Line ends.  CR LF and a lone CR both end a line.
 *  - White space is ASCII space and tab plus Unicode space, line and
 *    paragraph separators (Zs, Zl, Zp), so a line of no-break spaces is blank.
 *  - The "Date:" and "Source:" labels are matched without regard to case.
 *  - A Date line must hold a real calendar date (years 0001 to 9999).  One that
 *    does not, such as "Date: 2025-13-45", is kept as an ordinary paragraph,
 *    so no text is lost, and the date comes from the source URL or mtime.
 *  - The Source line is the last non-blank line after the headline (and Date
 *    line), when it starts with "Source:" and has text after it.
 */

/* Whether the buffer is better read as Windows-1252 than as UTF-8. */
static int looks_like_cp1252(const char *buf, size_t len)
{
    size_t i = 0, multibyte = 0, invalid = 0;
    utf8proc_int32_t cp;

    while (i < len) {
        size_t n = ng_text_utf8_char(buf + i, len - i, &cp);
        if (n == 0) {
            invalid++;
            i++;
        } else {
            if (n > 1)
                multibyte++;
            i += n;
        }
    }
    return invalid > multibyte;
}

/*
 * Turns LEN bytes of BUF into valid UTF-8 text whose lines end in "\n" alone
 * and which holds no control character but tab and newline.  Stores the
 * NUL-terminated text in *OUT (caller frees) and its length in *OUT_LEN, and
 * sets *REPAIRED if a byte had to be replaced or converted.  Returns NG_OK or
 * NG_NO_MEMORY.
 */
static ng_status_t clean_text(const char *buf, size_t len, char **out,
                              size_t *out_len, int *repaired)
{
    int cp1252 = 0;
    size_t i = 0, o = 0;
    char *text;

    *repaired = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    else
        cp1252 = looks_like_cp1252(buf, len);

    /* Every input byte yields at most three output bytes (U+FFFD and the
     * Windows-1252 punctuation take three). */
    if (len > (SIZE_MAX - 1) / 3)
        return NG_NO_MEMORY;
    text = malloc(len * 3 + 1);
    if (!text)
        return NG_NO_MEMORY;

    while (i < len) {
        unsigned char byte = (unsigned char)buf[i];
        utf8proc_int32_t cp;
        size_t n;

        if (byte < 0x80) {
            cp = byte;
            n = 1;
        } else if (cp1252) {
            cp = ng_text_cp1252(byte);
            n = 1;
            *repaired = 1;
        } else {
            n = ng_text_utf8_char(buf + i, len - i, &cp);
            if (n == 0) {
                cp = 0xFFFD;
                n = 1;
                *repaired = 1;
            }
        }
        i += n;

        if (cp == '\r') {
            if (i < len && buf[i] == '\n')
                continue;
            cp = '\n';
        }
        if (cp != '\n' && cp != '\t'
            && (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))) {
            cp = ' ';
            *repaired = 1;
        }
        o += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)text + o);
    }
    text[o] = '\0';
    *out = text;
    *out_len = o;
    return NG_OK;
}

/* The length of the white-space character at S (at most N bytes of valid
 * UTF-8), or 0 if S does not start with white space.  A newline counts. */
static size_t space_len(const char *s, size_t n)
{
    utf8proc_int32_t cp;
    size_t len;

    if (*s == ' ' || *s == '\t' || *s == '\n')
        return 1;
    if ((unsigned char)*s < 0x80)
        return 0;
    len = ng_text_utf8_char(s, n, &cp);
    if (len == 0)
        return 0;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return len;
    default:
        return 0;
    }
}

/* Skips white space from S up to END and returns where it stops. */
static const char *skip_space(const char *s, const char *end)
{
    size_t n;
    while (s < end && (n = space_len(s, (size_t)(end - s))) > 0)
        s += n;
    return s;
}

/* Returns where the trailing white space of [S, END) starts. */
static const char *trim_end(const char *s, const char *end)
{
    const char *keep = s;
    while (s < end) {
        size_t n = space_len(s, (size_t)(end - s));
        if (n > 0) {
            s += n;
        } else {
            s++;
            while (s < end && ((unsigned char)*s & 0xC0) == 0x80)
                s++;
            keep = s;
        }
    }
    return keep;
}

/* Whether [S, END) holds nothing but white space. */
static int is_blank(const char *s, const char *end)
{
    return skip_space(s, end) == end;
}

/* Returns a new string holding [S, END) with white space (newlines too)
 * trimmed and each run of it collapsed to one space, or NULL if out of
 * memory. */
static char *collapse(const char *s, const char *end)
{
    char *text = malloc((size_t)(end - s) + 1);
    size_t o = 0;
    int pending = 0;

    if (!text)
        return NULL;
    while (s < end) {
        size_t n = space_len(s, (size_t)(end - s));
        if (n > 0) {
            pending = o > 0;
            s += n;
            continue;
        }
        if (pending) {
            text[o++] = ' ';
            pending = 0;
        }
        do
            text[o++] = *s++;
        while (s < end && ((unsigned char)*s & 0xC0) == 0x80);
    }
    text[o] = '\0';
    return text;
}

/* Returns the end of the line that starts at S: its "\n" or END. */
static const char *line_end(const char *s, const char *end)
{
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    return nl ? nl : end;
}

/* Returns the start of the line after the one ending at E, or END. */
static const char *next_line(const char *e, const char *end)
{
    return e < end ? e + 1 : end;
}

/* Returns the start of the first non-blank line from S on, or END. */
static const char *skip_blank_lines(const char *s, const char *end)
{
    while (s < end) {
        const char *e = line_end(s, end);
        if (!is_blank(s, e))
            break;
        s = next_line(e, end);
    }
    return s;
}

/* If [S, END) starts with LABEL (lower case ASCII) in any case, returns the
 * position after it, else NULL. */
static const char *after_label(const char *s, const char *end,
                               const char *label)
{
    for (; *label; label++, s++) {
        char c;
        if (s == end)
            return NULL;
        c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != *label)
            return NULL;
    }
    return s;
}

static int is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int number(const char *s, size_t n)
{
    int value = 0;
    for (size_t i = 0; i < n; i++)
        value = value * 10 + (s[i] - '0');
    return value;
}

/* Whether the 10 bytes at S are "YYYY" SEP "MM" SEP "DD" naming a real date;
 * SEP is '-' or '/', the same in both places. */
static int parse_date(const char *s, char sep)
{
    if (!is_digits(s, 4) || s[4] != sep || !is_digits(s + 5, 2)
        || s[7] != sep || !is_digits(s + 8, 2))
        return 0;
    return ng_text_real_date(number(s, 4), number(s + 5, 2), number(s + 8, 2));
}

/* Returns a new "YYYY-MM-DD" made from the date at S (as parse_date() accepts
 * it), or NULL if out of memory. */
static char *copy_date(const char *s)
{
    char *date = malloc(11);
    if (date) {
        memcpy(date, s, 10);
        date[4] = date[7] = '-';
        date[10] = '\0';
    }
    return date;
}

/* If the line [S, END) is "Date: YYYY-MM-DD" with a real date, returns where
 * the date starts, else NULL. */
static const char *date_line(const char *s, const char *end)
{
    s = skip_space(s, end);
    s = after_label(s, end, "date:");
    if (!s)
        return NULL;
    s = skip_space(s, end);
    if (end - s < 10 || !parse_date(s, '-') || !is_blank(s + 10, end))
        return NULL;
    return s;
}

/* Finds "/YYYY/MM/DD/" or "/YYYY-MM-DD/" with a real date in URL and returns
 * where the year starts, or NULL. */
static const char *url_date(const char *url)
{
    size_t len = strlen(url);
    for (size_t i = 0; i + 12 <= len; i++) {
        const char *s = url + i;
        if (s[0] == '/' && s[11] == '/'
            && (parse_date(s + 1, '/') || parse_date(s + 1, '-')))
            return s + 1;
    }
    return NULL;
}

/* Writes the N lowest decimal digits of VALUE (not negative) to S. */
static void put_digits(char *s, int n, int value)
{
    while (n-- > 0) {
        s[n] = (char)('0' + value % 10);
        value /= 10;
    }
}

/* Returns a new "YYYY-MM-DD" for MTIME in UTC, or NULL with *STATUS left
 * alone if it has none, or NULL with *STATUS set if out of memory. */
static char *mtime_date(time_t mtime, ng_status_t *status)
{
    struct tm tm;
    char *date;

    if (mtime == (time_t)-1 || !gmtime_r(&mtime, &tm)
        || tm.tm_year < 1 - 1900 || tm.tm_year > 9999 - 1900)
        return NULL;
    date = malloc(11);
    if (!date) {
        *status = NG_NO_MEMORY;
        return NULL;
    }
    put_digits(date, 4, tm.tm_year + 1900);
    date[4] = '-';
    put_digits(date + 5, 2, tm.tm_mon + 1);
    date[7] = '-';
    put_digits(date + 8, 2, tm.tm_mday);
    date[10] = '\0';
    return date;
}

/* Stores a new copy of MESSAGE in *ERROR when ERROR is not NULL and returns
 * STATUS, or NG_NO_MEMORY if the copy cannot be made. */
static ng_status_t fail(ng_status_t status, char **error, const char *message)
{
    if (error) {
        *error = strdup(message);
        if (!*error)
            return NG_NO_MEMORY;
    }
    return status;
}

/* Appends the paragraph [S, END) to STORY; returns NG_OK or NG_NO_MEMORY. */
static ng_status_t add_paragraph(ng_story_t *story, size_t *capacity,
                                 const char *s, const char *end)
{
    char *text;

    if (story->n_paragraphs == *capacity) {
        size_t want = *capacity ? *capacity * 2 : 8;
        ng_paragraph_t *grown;
        if (want > SIZE_MAX / sizeof *grown)
            return NG_NO_MEMORY;
        grown = realloc(story->paragraphs, want * sizeof *grown);
        if (!grown)
            return NG_NO_MEMORY;
        story->paragraphs = grown;
        *capacity = want;
    }
    text = collapse(s, end);
    if (!text)
        return NG_NO_MEMORY;
    story->paragraphs[story->n_paragraphs].text = text;
    story->paragraphs[story->n_paragraphs].len = strlen(text);
    story->n_paragraphs++;
    return NG_OK;
}

/* Fills STORY from the cleaned TEXT of LEN bytes (see clean_text()). */
static ng_status_t parse_clean(ng_story_t *story, const char *text,
                               size_t len, time_t mtime, char **error)
{
    const char *end = text + len, *body_end = end, *date = NULL;
    const char *s, *e, *start = NULL;
    size_t capacity = 0;
    ng_status_t status = NG_OK;

    /* The headline. */
    s = skip_blank_lines(text, end);
    if (s == end)
        return fail(NG_BAD_INPUT, error, "no headline");
    e = line_end(s, end);
    story->title = collapse(s, e);
    if (!story->title)
        return NG_NO_MEMORY;
    s = next_line(e, end);

    /* The Date line, if the next non-blank line is one. */
    {
        const char *t = skip_blank_lines(s, end);
        e = line_end(t, end);
        if (t < end && (date = date_line(t, e)) != NULL)
            s = next_line(e, end);
    }

    /* The Source line, if the last non-blank line is one. */
    {
        const char *last = trim_end(s, end), *label;
        while (last > s && last[-1] != '\n')
            last--;
        label = after_label(skip_space(last, end), end, "source:");
        if (label && !is_blank(label, end)) {
            story->source = collapse(label, end);
            if (!story->source)
                return NG_NO_MEMORY;
            body_end = last;
        }
    }

    /* The paragraphs: runs of non-blank lines. */
    while (s < body_end) {
        e = line_end(s, body_end);
        if (is_blank(s, e)) {
            if (start) {
                status = add_paragraph(story, &capacity, start, s);
                if (status != NG_OK)
                    return status;
                start = NULL;
            }
        } else if (!start) {
            start = s;
        }
        s = next_line(e, body_end);
    }
    if (start) {
        status = add_paragraph(story, &capacity, start, body_end);
        if (status != NG_OK)
            return status;
    }

    /* The date: the Date line, else the source URL, else the mtime. */
    if (!date && story->source)
        date = url_date(story->source);
    if (date) {
        story->date = copy_date(date);
        if (!story->date)
            return NG_NO_MEMORY;
        return NG_OK;
    }
    story->date = mtime_date(mtime, &status);
    return status;
}

ng_status_t ng_story_parse(const char *buf, size_t len, time_t mtime,
                           ng_story_t **out, char **error)
{
    ng_story_t *story;
    char *text;
    size_t text_len;
    ng_status_t status;

    *out = NULL;
    if (error)
        *error = NULL;
    story = calloc(1, sizeof *story);
    if (!story)
        return NG_NO_MEMORY;
    status = clean_text(len ? buf : "", len, &text, &text_len,
                        &story->repaired);
    if (status == NG_OK) {
        status = parse_clean(story, text, text_len, mtime, error);
        free(text);
    }
    if (status != NG_OK) {
        ng_story_free(story);
        return status;
    }
    *out = story;
    return NG_OK;
}

/* Returns a description of ERRNUM that stays valid, without the thread
 * unsafety of strerror(). */
static const char *error_text(int errnum, char *buf, size_t size)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    return strerror_r(errnum, buf, size);
#else
    if (strerror_r(errnum, buf, size) != 0)
        snprintf(buf, size, "error %d", errnum);
    return buf;
#endif
}

/* Stores "WHAT: <the system's reason for ERRNUM>" in *ERROR when ERROR is not
 * NULL, and returns NG_IO_ERROR (or NG_NO_MEMORY). */
static ng_status_t io_error(char **error, const char *what, int errnum)
{
    char buf[256], message[320];
    snprintf(message, sizeof message, "%s: %s", what,
             error_text(errnum, buf, sizeof buf));
    return fail(NG_IO_ERROR, error, message);
}

/* Reads everything from FD into a new buffer (*DATA, caller frees; *LEN
 * bytes).  SIZE_HINT is the expected size; the file may turn out larger or
 * smaller.  Returns 0, or an errno value. */
static int read_all(int fd, size_t size_hint, char **data, size_t *len)
{
    size_t capacity = size_hint + 1, used = 0;
    char *buf = malloc(capacity);

    if (!buf)
        return ENOMEM;
    for (;;) {
        ssize_t got;
        if (used == capacity) {
            char *grown;
            if (capacity > SIZE_MAX / 2) {
                free(buf);
                return EFBIG;
            }
            grown = realloc(buf, capacity * 2);
            if (!grown) {
                free(buf);
                return ENOMEM;
            }
            buf = grown;
            capacity *= 2;
        }
        got = read(fd, buf + used, capacity - used);
        if (got < 0) {
            int saved = errno;
            if (saved == EINTR)
                continue;
            free(buf);
            return saved ? saved : EIO;
        }
        if (got == 0)
            break;
        used += (size_t)got;
    }
    *data = buf;
    *len = used;
    return 0;
}

ng_status_t ng_story_read_bytes(const char *path, char **data, size_t *len,
                                struct stat *sb, char **error)
{
    struct stat st;
    int fd, err;

    *data = NULL;
    *len = 0;
    if (error)
        *error = NULL;
    /* O_NONBLOCK keeps open() from waiting for a writer on a FIFO; the
     * fstat() below then refuses it. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return io_error(error, "cannot open", errno);
    if (fstat(fd, &st) != 0) {
        err = errno;
        close(fd);
        return io_error(error, "cannot stat", err);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return fail(NG_IO_ERROR, error, "not a regular file");
    }
    if (st.st_size < 0 || (uintmax_t)st.st_size >= SIZE_MAX / 2) {
        close(fd);
        return fail(NG_IO_ERROR, error, "file too large");
    }
    err = read_all(fd, (size_t)st.st_size, data, len);
    close(fd);
    if (err == ENOMEM)
        return NG_NO_MEMORY;
    if (err != 0)
        return io_error(error, "cannot read", err);
    if (sb)
        *sb = st;
    return NG_OK;
}

ng_status_t ng_story_read_file(const char *path, ng_story_t **out,
                               char **error)
{
    struct stat st;
    char *data = NULL;
    size_t len = 0;

    *out = NULL;
    ng_status_t status = ng_story_read_bytes(path, &data, &len, &st, error);
    if (status != NG_OK)
        return status;
    status = ng_story_parse(data, len, st.st_mtime, out, error);
    free(data);
    return status;
}

void ng_story_free(ng_story_t *story)
{
    if (!story)
        return;
    for (size_t i = 0; i < story->n_paragraphs; i++)
        free(story->paragraphs[i].text);
    free(story->paragraphs);
    free(story->title);
    free(story->date);
    free(story->source);
    free(story);
}
