/*
 * serve_cmd.c: "newsgrep serve": serves this machine's index to the other
 * machines of a cluster over Xapian's remote protocol, by running Xapian's
 * own server, xapian-tcpsrv, on it.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cluster.h"
#include "index.h"
#include "xapian-c.h"

/* Non-zero if HOST names the loopback interface only. */
static int is_loopback(const char *host)
{
    return strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
           strncmp(host, "127.", 4) == 0;
}

/*
 * Splits LISTEN, "[HOST:]PORT" (an IPv6 HOST in brackets), into HOST
 * (127.0.0.1 when not given; caller frees) and PORT.  Returns 0 after
 * complaining when it is not of that form.
 */
static int parse_listen(const char *listen, char **host, char **port)
{
    const char *colon = strrchr(listen, ':');
    const char *digits = colon ? colon + 1 : listen;
    size_t len = colon ? (size_t)(colon - listen) : 0;
    *host = *port = NULL;
    if (len >= 2 && listen[0] == '[' && listen[len - 1] == ']') {
        listen++;
        len -= 2;
    }
    unsigned long n = strtoul(digits, NULL, 10);
    if (!*digits || strspn(digits, "0123456789") != strlen(digits) ||
        n == 0 || n > 65535 || (colon && len == 0)) {
        cli_complain("invalid value for --listen: '%s' (expected [HOST:]PORT, "
                     "such as 127.0.0.1:33333)", listen);
        return 0;
    }
    *host = colon ? strndup(listen, len) : strdup("127.0.0.1");
    *port = strdup(digits);
    if (!*host || !*port) {
        cli_complain("out of memory");
        free(*host);
        free(*port);
        return 0;
    }
    return 1;
}

/* Makes sure there is an index at DB_PATH to serve: a writable server
 * creates a missing one, marked with its language as the indexer would.
 * Returns 0 after complaining. */
static int check_index(const char *db_path, const cli_options_t *opts)
{
    char *error = NULL;
    if (opts->writable) {
        ng_index_t *index = NULL;
        ng_status_t st = ng_index_open(db_path, opts->language, &index,
                                       &error);
        ng_index_close(index);
        if (st != NG_OK)
            cli_complain("cannot open index '%s': %s", db_path,
                         error ? error : ng_status_to_string(st));
        free(error);
        return st == NG_OK;
    }
    xc_db_t *db = NULL;
    xc_status_t rc = xc_db_open(db_path, XC_OPEN_READ, &db, &error);
    xc_db_close(db);
    if (rc == XC_NOT_FOUND)
        cli_complain("no index at '%s' (build one with 'newsgrep index', or "
                     "serve it --writable and index through a cluster)",
                     db_path);
    else if (rc != XC_OK)
        cli_complain("cannot open index '%s': %s", db_path,
                     error ? error : xc_status_to_string(rc));
    free(error);
    return rc == XC_OK;
}

int cli_serve(const char *db_path, const cli_options_t *opts)
{
    if (!opts->listen) {
        cli_complain("serve needs --listen [HOST:]PORT (see newsgrep serve "
                     "--help)");
        return EXIT_TROUBLE;
    }
    if (ng_cluster_is_cluster(db_path)) {
        cli_complain("'%s' is a cluster file: serve each shard's index "
                     "folder on its own machine", db_path);
        return EXIT_TROUBLE;
    }
    char *host, *port;
    if (!parse_listen(opts->listen, &host, &port))
        return EXIT_TROUBLE;
    if (!check_index(db_path, opts)) {
        free(host);
        free(port);
        return EXIT_TROUBLE;
    }
    if (!is_loopback(host))
        cli_complain("warning: Xapian's remote protocol has neither "
                     "authentication nor encryption: whoever reaches %s:%s "
                     "can read the index%s", host, port,
                     opts->writable ? " and change it" : "");
    if (!opts->quiet)
        cli_complain("serving '%s' on %s:%s%s", db_path, host, port,
                     opts->writable ? ", writable" : "");
    const char *argv[10];
    size_t n = 0;
    argv[n++] = NG_XAPIAN_TCPSRV;
    argv[n++] = "--interface";
    argv[n++] = host;
    argv[n++] = "--port";
    argv[n++] = port;
    if (opts->writable)
        argv[n++] = "--writable";
    if (opts->quiet)
        argv[n++] = "--quiet";
    argv[n++] = db_path;
    argv[n] = NULL;
    fflush(NULL);
    /* xapian-tcpsrv stopped by a signal passes it on to its whole process
     * group, to stop the servers it forked; started from a script without
     * job control, that group would be the script's.  A process group of
     * its own keeps the signal among the server's processes (a shell with
     * job control has given it one already). */
    if (getpgrp() != getpid())
        setpgid(0, 0);
    /* The server takes this process's place: stopping it (a signal to
     * this process id) stops the server. */
    execvp(argv[0], (char *const *)argv);
    cli_complain("cannot run '%s': %s (install Xapian's tools, Debian's "
                 "xapian-tools)", argv[0], strerror(errno));
    free(host);
    free(port);
    return EXIT_TROUBLE;
}
