/*
 * filters.h: the query fields that filter rather than search, source: and
 * date:.  The binding's filter fields (xapian-c.h) hand each value to these
 * callbacks; the rules for what a value means live here.
 */
#ifndef NEWSGREP_FILTERS_H
#define NEWSGREP_FILTERS_H

#include "xapian-c.h"

/*
 * Non-zero if HOST (as the index holds it: lower case, without "www.")
 * answers to WANTED (lower case): WANTED is HOST itself or a run of whole
 * dot-separated labels of it, so "reuters" answers for "reuters.com" and
 * "uk.reuters.com", "co.uk" for "bbc.co.uk", but "reut" for neither.
 * Cannot fail.
 */
int ng_filter_host_matches(const char *host, const char *wanted);

/*
 * The source: filter, an xc_filter_fn.  CTX is the xc_db_t to look the
 * index's hosts up in (its H terms, schema.h), or NULL, when only the host
 * written in full can be matched.  VALUE is a host name, a run of its
 * labels, or a URL; case does not matter and a leading "www." is dropped.
 * Stores in *OUT the OR of the hosts that match (ng_filter_host_matches()),
 * or a query that matches nothing when none does.  Returns XC_OK,
 * XC_QUERY_ERROR with a message in *ERROR (caller frees) for an empty
 * value, XC_NO_MEMORY, or the error of listing the hosts.
 */
xc_status_t ng_filter_source(void *ctx, const char *value, size_t len,
                             xc_query_t **out, char **error);

/*
 * Reads VALUE, what follows "date:", into the first and last day it covers,
 * as "YYYYMMDD" in LOW and HIGH ("" for an open end).  VALUE is a day
 * (2025-06-05), a month (2025-06), a year (2025), or a range of them
 * FIRST..LAST where either end may be left out; a month or year as the
 * first end starts on its first day, as the last end finishes on its last.
 * Returns 0, or -1 with a message that quotes the bad text in *ERROR
 * (caller frees; NULL if memory ran out) for a date that does not exist,
 * a form it does not know, a range with no end, or one that ends before
 * it starts.
 */
int ng_filter_date_bounds(const char *value, char low[9], char high[9],
                          char **error);

/*
 * The date: filter, an xc_filter_fn: the stories dated within the bounds
 * ng_filter_date_bounds() reads from VALUE (value slot NG_SLOT_DATE);
 * stories without a date never pass.  CTX is unused.  Returns XC_OK,
 * XC_QUERY_ERROR with ng_filter_date_bounds()'s message in *ERROR (caller
 * frees), or XC_NO_MEMORY.
 */
xc_status_t ng_filter_date(void *ctx, const char *value, size_t len,
                           xc_query_t **out, char **error);

#endif
