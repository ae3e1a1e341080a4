/*
 * status.h: the one status type of newsgrep's C code.
 *
 * Every fallible function returns an ng_status_t; results come back through
 * out-parameters.  ng_status_to_string() gives a short lowercase description,
 * and ng_status_exit_code() maps a status to the exit code of the command line
 * (grep's convention: 0 a match, 1 no match, 2 an error).
 */
#ifndef NEWSGREP_STATUS_H
#define NEWSGREP_STATUS_H

typedef enum {
    NG_OK = 0,
    NG_NO_MATCH,          /* a search found nothing; not an error */
    NG_NO_MEMORY,         /* an allocation failed */
    NG_BAD_ARGUMENT,      /* a caller passed something invalid */
    NG_IO_ERROR,          /* a file could not be read or written */
    NG_BAD_INPUT,         /* a story or other input could not be understood */
    NG_NO_INDEX,          /* the index does not exist */
    NG_INDEX_LOCKED,      /* another process holds the index's write lock */
    NG_INDEX_MODIFIED,    /* the index changed under a reader: reopen and retry */
    NG_INDEX_CORRUPT,     /* the index is damaged or of an unknown format */
    NG_QUERY_ERROR,       /* a query could not be parsed */
    NG_UNKNOWN_LANGUAGE,  /* no stemmer for the language asked for */
    NG_INDEX_ERROR,       /* any other failure reported by the index library */
    NG_INTERRUPTED,       /* stopped by a signal; work done so far is kept */
    NG_SHARD_FAILED       /* a remote shard of a cluster could not be reached
                             or did not answer in time */
} ng_status_t;

/* A short lowercase description of STATUS; never NULL, statically allocated. */
const char *ng_status_to_string(ng_status_t status);

/* The command line's exit code for STATUS: 0 for NG_OK, 1 for NG_NO_MATCH and
 * 2 for every error. */
int ng_status_exit_code(ng_status_t status);

/* The status for a binding status (xapian-c.h's xc_status_t, passed as an
 * int so that this header needs no other). */
ng_status_t ng_status_from_xc(int xc_status);

#endif
