#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filters.h"
#include "schema.h"
#include "terms.h"

int ng_filter_host_matches(const char *host, const char *wanted)
{
    size_t n = strlen(wanted);
    if (n == 0)
        return 0;
    for (const char *p = strstr(host, wanted); p; p = strstr(p + 1, wanted))
        if ((p == host || p[-1] == '.') && (p[n] == '\0' || p[n] == '.'))
            return 1;
    return 0;
}

/* The host VALUE names, as the index writes hosts: lower case, without
 * "www." and without a trailing dot; newly allocated, NULL if memory ran
 * out. */
static char *wanted_host(const char *value)
{
    if (strstr(value, "://"))
        return ng_terms_url_host(value);
    if (strncasecmp(value, "www.", 4) == 0 && value[4])
        value += 4;
    char *host = strdup(value);
    if (!host)
        return NULL;
    for (char *p = host; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    size_t n = strlen(host);
    while (n > 0 && host[n - 1] == '.')
        host[--n] = '\0';
    return host;
}

typedef struct {
    const char *wanted;
    xc_query_t *query;      /* the OR of the hosts so far, or NULL */
    int no_memory;
} host_search_t;

/* Adds TERM to the OR when its host answers to the wanted one. */
static int on_host_term(void *ctx, const char *term, size_t len,
                        unsigned freq)
{
    host_search_t *s = ctx;
    (void)len;
    (void)freq;
    if (!ng_filter_host_matches(term + strlen(NG_PREFIX_HOST), s->wanted))
        return 0;
    xc_query_t *one = xc_query_new_term(term, strlen(term));
    xc_query_t *both = one && s->query ? xc_query_or(s->query, one) : one;
    if (both != one)
        xc_query_free(one);
    if (!both) {
        s->no_memory = 1;
        return 1;
    }
    xc_query_free(s->query);
    s->query = both;
    return 0;
}

xc_status_t ng_filter_source(void *ctx, const char *value, size_t len,
                             xc_query_t **out, char **error)
{
    xc_db_t *db = ctx;
    (void)len;
    *out = NULL;
    char *wanted = wanted_host(value);
    if (!wanted)
        return XC_NO_MEMORY;
    if (!*wanted) {
        free(wanted);
        if (asprintf(error, "no host name in 'source:%s' (write, for "
                     "example, source:reuters.com)", value) < 0)
            *error = NULL;
        return XC_QUERY_ERROR;
    }
    host_search_t s = { wanted, NULL, 0 };
    xc_status_t rc = XC_OK;
    if (db) {
        rc = xc_db_term_list(db, NG_PREFIX_HOST, on_host_term, &s);
        if (rc != XC_OK && !(*error = strdup(xc_db_error(db))))
            rc = XC_NO_MEMORY;
    } else {
        /* Without the index's list of hosts, only the host itself. */
        char *term = NULL;
        if (asprintf(&term, "%s%s", NG_PREFIX_HOST, wanted) < 0 ||
            !(s.query = xc_query_new_term(term, strlen(term))))
            s.no_memory = 1;
        free(term);
    }
    free(wanted);
    if (rc == XC_OK && s.no_memory)
        rc = XC_NO_MEMORY;
    if (rc == XC_OK && !s.query && !(s.query = xc_query_match_nothing()))
        rc = XC_NO_MEMORY;
    if (rc != XC_OK) {
        xc_query_free(s.query);
        return rc;
    }
    *out = s.query;
    return XC_OK;
}

/* Days in MONTH (1-12) of YEAR, by the Gregorian calendar. */
static int days_in_month(int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                                31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* Reads N digits at P into *VALUE; non-zero if they are all digits. */
static int digits(const char *p, int n, int *value)
{
    *value = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return 0;
        *value = *value * 10 + (p[i] - '0');
    }
    return 1;
}

/* Writes "YYYYMMDD" to OUT; YEAR has four digits, MONTH and DAY two. */
static void write_day(char out[9], int year, int month, int day)
{
    snprintf(out, 9, "%04u%02u%02u", (unsigned)year % 10000u,
             (unsigned)month % 100u, (unsigned)day % 100u);
}

/*
 * Reads the LEN bytes at P as a day, month or year, and writes its first
 * day to FIRST and its last day to LAST ("YYYYMMDD").  Returns 0, or -1 if
 * it is not one of these or does not exist.
 */
static int read_date(const char *p, size_t len, char first[9], char last[9])
{
    int year, month = 0, day = 0;
    if ((len != 4 && len != 7 && len != 10) || !digits(p, 4, &year))
        return -1;
    if (len >= 7 && (p[4] != '-' || !digits(p + 5, 2, &month) ||
                     month < 1 || month > 12))
        return -1;
    if (len == 10 && (p[7] != '-' || !digits(p + 8, 2, &day) || day < 1 ||
                      day > days_in_month(year, month)))
        return -1;
    write_day(first, year, month ? month : 1, day ? day : 1);
    write_day(last, year, month ? month : 12,
              day ? day : days_in_month(year, month ? month : 12));
    return 0;
}

/* Sets *ERROR to a message about VALUE that says WHY; returns -1. */
static int date_error(char **error, const char *value, const char *why)
{
    if (asprintf(error, "%s in 'date:%s' (write YYYY, YYYY-MM or "
                 "YYYY-MM-DD, or a range FIRST..LAST)", why, value) < 0)
        *error = NULL;
    return -1;
}

int ng_filter_date_bounds(const char *value, char low[9], char high[9],
                          char **error)
{
    char unused[9];
    *error = NULL;
    low[0] = high[0] = '\0';
    const char *dots = strstr(value, "..");
    size_t first_len = dots ? (size_t)(dots - value) : strlen(value);
    const char *second = dots ? dots + 2 : NULL;
    if (!dots && first_len == 0)
        return date_error(error, value, "no date");
    if (dots && first_len == 0 && !*second)
        return date_error(error, value, "a range without either end");
    /* Each end is checked alone, so that the message names the bad one. */
    char bad[64];
    if (first_len > 0 &&
        read_date(value, first_len, low, dots ? unused : high) != 0) {
        snprintf(bad, sizeof bad, "'%.*s' is not a date",
                 (int)(first_len < 40 ? first_len : 40), value);
        return date_error(error, value, bad);
    }
    if (second && *second && read_date(second, strlen(second), unused,
                                       high) != 0) {
        snprintf(bad, sizeof bad, "'%.40s' is not a date", second);
        return date_error(error, value, bad);
    }
    if (low[0] && high[0] && strcmp(low, high) > 0)
        return date_error(error, value, "a range that ends before it starts");
    return 0;
}

xc_status_t ng_filter_date(void *ctx, const char *value, size_t len,
                           xc_query_t **out, char **error)
{
    char low[9], high[9];
    (void)ctx;
    (void)len;
    *out = NULL;
    if (ng_filter_date_bounds(value, low, high, error) != 0)
        return *error ? XC_QUERY_ERROR : XC_NO_MEMORY;
    *out = xc_query_value_range(NG_SLOT_DATE, low[0] ? low : NULL,
                                high[0] ? high : NULL);
    return *out ? XC_OK : XC_NO_MEMORY;
}
