/*
 * index_cmd.c: "newsgrep index": incremental updates, their progress and
 * summary, stopping cleanly on a signal, waiting for another indexer, and
 * watching the roots for new stories with inotify.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "index.h"

/* Set by SIGINT and SIGTERM; the update stops after the story at hand. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int signo)
{
    stop_signal = signo;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What a run skipped or repaired, and why: kept to be listed after the
 * counts, where it is read, rather than scattered through the progress. */
typedef struct {
    char *text;
    size_t len;
    FILE *stream;      /* writes into TEXT */
    unsigned lines;
} report_t;

static void on_skip(void *ctx, const char *path, const char *message)
{
    report_t *r = ctx;
    if (r->stream) {
        fprintf(r->stream, "newsgrep: '%s': %s\n", path, message);
        r->lines++;
    } else {
        cli_complain("'%s': %s", path, message);
    }
}

/* Progress on a terminal: stories done of the total, rate, time left. */
typedef struct {
    double start, last;
    int shown;
} progress_t;

static void on_progress(void *ctx, size_t done, size_t total)
{
    progress_t *p = ctx;
    double t = now();
    if (t - p->last < 0.2 && done < total)
        return;
    p->last = t;
    double rate = done / (t - p->start > 1e-3 ? t - p->start : 1e-3);
    double left = rate > 0 ? (double)(total - done) / rate : 0;
    fprintf(stderr, "\rnewsgrep: %zu/%zu stories, %.0f/s, %.0f s left   ",
            done, total, rate, left);
    p->shown = 1;
}

/* Opens the index for writing; with --wait, waits while another process
 * holds it.  Returns NULL after complaining. */
static ng_index_t *open_for_writing(const char *db_path,
                                    const cli_options_t *opts)
{
    int said = 0;
    for (;;) {
        ng_index_t *index = NULL;
        char *error = NULL;
        ng_status_t st = ng_index_open(db_path, opts->language, &index,
                                       &error);
        if (st == NG_INDEX_LOCKED && opts->wait && !stop_signal) {
            if (!said && !opts->quiet)
                cli_complain("index '%s' is being written by another "
                             "process: waiting", db_path);
            said = 1;
            free(error);
            usleep(200 * 1000);
            continue;
        }
        if (st == NG_INDEX_LOCKED)
            cli_complain("index '%s' is locked by another process (lock "
                         "'%s/flintlock'); use --wait to wait for it",
                         db_path, db_path);
        else if (st != NG_OK)
            cli_complain("cannot open index '%s': %s", db_path,
                         error ? error : ng_status_to_string(st));
        free(error);
        return index;
    }
}

/* One update of the index.  Returns an exit code. */
static int update_once(const char *db_path, const cli_options_t *opts,
                       char *const *paths, size_t n_paths)
{
    ng_index_t *index = open_for_writing(db_path, opts);
    if (!index)
        return EXIT_TROUBLE;
    if (n_paths == 0) {
        char **roots = NULL;
        ng_status_t st = ng_index_roots(index, &roots);
        int none = st == NG_OK && !roots[0];
        for (size_t i = 0; roots && roots[i]; i++)
            free(roots[i]);
        free(roots);
        if (st != NG_OK || none) {
            cli_complain("index '%s' remembers no folders: give a PATH to "
                         "index", db_path);
            ng_index_close(index);
            return EXIT_TROUBLE;
        }
    }

    progress_t progress = { now(), 0, 0 };
    report_t report = { NULL, 0, NULL, 0 };
    report.stream = open_memstream(&report.text, &report.len);
    ng_index_run_t run = { on_skip, &report, NULL, NULL, &stop_signal,
                           opts->batch };
    if (!opts->quiet && isatty(STDERR_FILENO)) {
        run.progress = on_progress;
        run.progress_ctx = &progress;
    }
    ng_index_counts_t c = { 0 };
    ng_status_t st = ng_index_update(index, paths, n_paths, &run, &c);
    if (progress.shown)
        fputs("\r\033[K", stderr);
    int rc = c.bad_paths ? EXIT_TROUBLE
                         : c.skipped ? EXIT_SKIPPED : EXIT_MATCH;
    if (st == NG_INTERRUPTED) {
        cli_complain("stopped by %s: what was done is saved; run 'newsgrep "
                     "index' again to finish", strsignal(stop_signal));
        rc = 128 + stop_signal;
    } else if (st != NG_OK) {
        cli_complain("cannot index into '%s': %s", db_path,
                     *ng_index_error(index) ? ng_index_error(index)
                                            : ng_status_to_string(st));
        rc = EXIT_TROUBLE;
    }
    /* No summary when nothing given could be read: the errors said it. */
    int nothing = n_paths > 0 && c.bad_paths >= n_paths;
    if (!opts->quiet && !nothing && (st == NG_OK || st == NG_INTERRUPTED))
        fprintf(stderr, "newsgrep: %u added, %u updated, %u removed, "
                "%u unchanged, %u skipped (%u paragraphs written) in %.2f s\n",
                c.added, c.updated, c.removed, c.unchanged, c.skipped,
                c.paragraphs, now() - progress.start);
    /* Then what was skipped or repaired, and why, one line each; these are
     * diagnostics, so -q does not silence them. */
    if (report.stream) {
        fclose(report.stream);
        if (report.lines)
            fputs(report.text, stderr);
        free(report.text);
    }
    ng_index_close(index);
    return rc;
}

/* ------------------------------------------------------------------ */
/* --watch                                                             */

/* Adds an inotify watch on DIR and every folder below it (hidden ones
 * left out, as the indexer leaves them out). */
static void watch_tree(int fd, const char *dir)
{
    uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
                    IN_DELETE | IN_CREATE | IN_ATTRIB;
    if (inotify_add_watch(fd, dir, mask | IN_ONLYDIR) < 0) {
        cli_complain("cannot watch '%s': %s", dir, strerror(errno));
        return;
    }
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *path;
        struct stat sb;
        if (e->d_name[0] == '.' ||
            asprintf(&path, "%s/%s", dir, e->d_name) < 0)
            continue;
        if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            watch_tree(fd, path);
        free(path);
    }
    closedir(d);
}

/* Watches the index's roots: folders and the folders of single files. */
static int watch_roots(const char *db_path, const cli_options_t *opts)
{
    ng_index_t *index = open_for_writing(db_path, opts);
    char **roots = NULL;
    if (!index || ng_index_roots(index, &roots) != NG_OK) {
        ng_index_close(index);
        return -1;
    }
    /* The write lock is not kept while waiting, so a search or a manual
     * "newsgrep index" can run in between. */
    ng_index_close(index);
    int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd < 0)
        cli_complain("cannot watch for new stories: %s", strerror(errno));
    for (size_t i = 0; roots[i]; i++) {
        struct stat sb;
        if (fd >= 0 && stat(roots[i], &sb) == 0) {
            if (S_ISDIR(sb.st_mode)) {
                watch_tree(fd, roots[i]);
            } else {
                char *slash = strrchr(roots[i], '/');
                if (slash)
                    *slash = '\0';
                watch_tree(fd, *roots[i] ? roots[i] : "/");
            }
        }
        free(roots[i]);
    }
    free(roots);
    return fd;
}

/* Reads the pending events of FD, watching new folders too.  Returns
 * non-zero if any event came. */
static int drain_events(int fd)
{
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    int any = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)(void *)p;
            any = 1;
            if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)))
                any = 2;   /* a new folder: watch it, found at next setup */
            p += sizeof *ev + ev->len;
        }
    }
    return any;
}

/* Keeps the index up to date as stories land, until SIGINT or SIGTERM. */
static int watch(const char *db_path, const cli_options_t *opts)
{
    int fd = watch_roots(db_path, opts);
    if (fd < 0)
        return EXIT_TROUBLE;
    if (!opts->quiet)
        cli_complain("watching for new stories; stop with Ctrl-C");
    double settle = (opts->settle_ms ? opts->settle_ms : 1000) / 1000.0;
    double last_event = 0;
    int pending = 0, rc = EXIT_MATCH;
    while (!stop_signal) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        int timeout = -1;
        if (pending) {
            double wait = last_event + settle - now();
            timeout = wait > 0 ? (int)(wait * 1000) + 1 : 0;
        }
        int ready = poll(&pfd, 1, timeout);
        if (ready < 0 && errno != EINTR)
            break;
        if (ready > 0) {
            int got = drain_events(fd);
            if (got) {
                pending = 1;
                last_event = now();
            }
            if (got == 2) {
                /* New folders: watch the whole tree afresh. */
                close(fd);
                if ((fd = watch_roots(db_path, opts)) < 0)
                    return EXIT_TROUBLE;
            }
            continue;
        }
        /* Quiet for the settle time: the files have landed. */
        if (pending && !stop_signal && now() - last_event >= settle) {
            pending = 0;
            rc = update_once(db_path, opts, NULL, 0);
            if (rc == EXIT_TROUBLE && !stop_signal)
                cli_complain("the update failed; still watching");
        }
    }
    close(fd);
    if (stop_signal && !opts->quiet)
        cli_complain("stopped watching");
    return stop_signal ? EXIT_MATCH : rc;
}

int cli_index(const char *db_path, const cli_options_t *opts,
              char *const *paths, size_t n_paths)
{
    catch_signals();
    int rc = update_once(db_path, opts, paths, n_paths);
    if (!opts->watch || (rc != EXIT_MATCH && rc != EXIT_SKIPPED))
        return rc;
    return watch(db_path, opts);
}
