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
#include "cluster.h"
#include "index.h"
#include "schema.h"

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

/* After ST (not NG_OK), with ERROR, from opening DB_PATH to write it: with
 * --wait, when another process holds the lock, says once that it waits
 * (*SAID), waits a moment and returns 1, to try again; else says what went
 * wrong, trying to VERB it, and returns 0. */
static int wait_or_complain(const char *db_path, const cli_options_t *opts,
                            ng_status_t st, const char *error,
                            const char *verb, int *said)
{
    if (st == NG_INDEX_LOCKED && opts->wait && !stop_signal) {
        if (!*said && !opts->quiet)
            cli_complain("index '%s' is being written by another "
                         "process: waiting", db_path);
        *said = 1;
        usleep(200 * 1000);
        return 1;
    }
    if (st == NG_INDEX_LOCKED && ng_cluster_is_cluster(db_path))
        cli_complain("a shard of '%s' is written by another process "
                     "(%s); use --wait to wait for it", db_path,
                     error ? error : ng_status_to_string(st));
    else if (st == NG_INDEX_LOCKED)
        cli_complain("index '%s' is locked by another process (lock "
                     "'%s/flintlock'); use --wait to wait for it",
                     db_path, db_path);
    else
        cli_complain("cannot %s index '%s': %s", verb, db_path,
                     error ? error : ng_status_to_string(st));
    return 0;
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
        int again = st != NG_OK &&
                    wait_or_complain(db_path, opts, st, error, "open", &said);
        free(error);
        if (!again)
            return index;
    }
}

/* Non-zero if PATH is ROOT or lies below it. */
static int is_under(const char *path, const char *root)
{
    size_t n = strlen(root);
    return strncmp(path, root, n) == 0 &&
           (path[n] == '\0' || path[n] == '/' || (n > 0 && root[n - 1] == '/'));
}

/* Non-zero if the config root ROOT is not covered yet by a remembered root
 * in REMEMBERED: one that cannot be resolved counts as new, so that the
 * update reports it. */
static int is_new_root(const char *root, char *const *remembered)
{
    char *real = realpath(root, NULL);
    int covered = 0;
    for (size_t i = 0; real && remembered[i] && !covered; i++)
        covered = is_under(real, remembered[i]);
    free(real);
    return !covered;
}

/*
 * The roots of an update without PATH when the config file names roots the
 * index does not remember yet: the remembered ones that still exist and the
 * new ones, in *PATHS (N_PATHS, caller frees each and the array).  Passing
 * them as paths makes the index remember the new ones.  A remembered root
 * that is gone is left out, as its stories stay either way.  *PATHS is NULL
 * when all config roots are remembered.  Returns 0, or -1 if memory ran out.
 */
static int with_config_roots(char *const *remembered, const cli_options_t *opts,
                             char ***paths, size_t *n_paths)
{
    size_t n_new = 0, n_remembered = 0;
    *paths = NULL;
    *n_paths = 0;
    for (size_t i = 0; i < opts->n_roots; i++)
        n_new += is_new_root(opts->roots[i], remembered);
    if (n_new == 0)
        return 0;
    while (remembered[n_remembered])
        n_remembered++;
    char **all = calloc(n_remembered + n_new + 1, sizeof *all);
    if (!all)
        return -1;
    size_t n = 0;
    struct stat sb;
    for (size_t i = 0; i < n_remembered; i++)
        if (stat(remembered[i], &sb) == 0 && !(all[n++] = strdup(remembered[i])))
            goto no_memory;
    for (size_t i = 0; i < opts->n_roots; i++)
        if (is_new_root(opts->roots[i], remembered) &&
            !(all[n++] = strdup(opts->roots[i])))
            goto no_memory;
    *paths = all;
    *n_paths = n;
    return 0;
no_memory:
    for (size_t i = 0; i < n; i++)
        free(all[i]);
    free(all);
    return -1;
}

/* One update of the index: with PATHS (or the remembered roots), or, when
 * FILES_ONLY, with just the files PATHS as --watch learned of them.
 * Returns an exit code. */
static int update_once(const char *db_path, const cli_options_t *opts,
                       char *const *paths, size_t n_paths, int files_only)
{
    ng_index_t *index = open_for_writing(db_path, opts);
    if (!index)
        return EXIT_TROUBLE;
    char **merged = NULL;
    if (n_paths == 0 && !files_only) {
        char **roots = NULL;
        ng_status_t st = ng_index_roots(index, &roots);
        int none = st == NG_OK && !roots[0] && opts->n_roots == 0;
        if (st == NG_OK &&
            with_config_roots(roots, opts, &merged, &n_paths) < 0)
            st = NG_NO_MEMORY;
        for (size_t i = 0; roots && roots[i]; i++)
            free(roots[i]);
        free(roots);
        if (st != NG_OK || none) {
            if (st == NG_NO_MEMORY)
                cli_complain("out of memory");
            else
                cli_complain("index '%s' remembers no folders: give a PATH "
                             "to index, or a root in the config file",
                             db_path);
            ng_index_close(index);
            return EXIT_TROUBLE;
        }
        paths = merged;
    }

    progress_t progress = { now(), 0, 0 };
    report_t report = { NULL, 0, NULL, 0 };
    report.stream = open_memstream(&report.text, &report.len);
    ng_index_run_t run = { .warn = on_skip, .warn_ctx = &report,
                           .stop = &stop_signal, .batch = opts->batch,
                           .jobs = opts->jobs,
                           .part_paragraphs = opts->part_size };
    if (!opts->quiet && isatty(STDERR_FILENO)) {
        run.progress = on_progress;
        run.progress_ctx = &progress;
    }
    ng_index_counts_t c = { 0 };
    ng_status_t st = files_only
        ? ng_index_update_files(index, paths, n_paths, &run, &c)
        : ng_index_update(index, paths, n_paths, &run, &c);
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
    int nothing = !files_only && n_paths > 0 && c.bad_paths >= n_paths;
    if (!opts->quiet && !nothing && (st == NG_OK || st == NG_INTERRUPTED))
        fprintf(stderr, "newsgrep: %u added, %u updated, %u removed, "
                "%u unchanged, %u skipped (%u paragraph%s written) in %.2f s\n",
                c.added, c.updated, c.removed, c.unchanged, c.skipped,
                c.paragraphs, c.paragraphs == 1 ? "" : "s",
                now() - progress.start);
    /* Then what was skipped or repaired, and why, one line each; these are
     * diagnostics, so -q does not silence them. */
    if (report.stream) {
        fclose(report.stream);
        if (report.lines)
            fputs(report.text, stderr);
        free(report.text);
    }
    ng_index_close(index);
    for (size_t i = 0; merged && i < n_paths; i++)
        free(merged[i]);
    free(merged);
    return rc;
}

/*
 * Rebuilds the index at DB_PATH if another version of newsgrep made it
 * (ng_old_index_open()): a new index of the roots it remembers, in its
 * language, built beside it and then put in its place.  Until then it
 * stays as it was, and a rebuild stopped on the way starts again next
 * time.  Sets *REBUILT when it rebuilt it.  Returns EXIT_MATCH when there
 * was nothing to rebuild, else what the rebuild returned, after saying
 * what went wrong.
 */
static int rebuild_if_old(const char *db_path, const cli_options_t *opts,
                          int *rebuilt)
{
    *rebuilt = 0;
    ng_old_index_t *old = NULL;
    char *error = NULL;
    int said = 0, again;
    do {
        ng_status_t st = ng_old_index_open(db_path, &old, &error);
        again = st != NG_OK && wait_or_complain(db_path, opts, st, error,
                                                "rebuild", &said);
        free(error);
        error = NULL;
        if (st != NG_OK && !again)
            return EXIT_TROUBLE;
    } while (again);
    if (!old)
        return EXIT_MATCH;
    size_t n = 0;
    while (old->roots[n])
        n++;
    if (n == 0) {
        cli_complain("index '%s' was made by another version of newsgrep "
                     "(schema %s, not %s) and remembers no folders to "
                     "rebuild it from: remove it and index again", db_path,
                     old->schema, NG_SCHEMA_VERSION);
        ng_old_index_close(old);
        return EXIT_TROUBLE;
    }
    /* The stories of a folder that is gone (or not mounted) would be lost:
     * the old index cannot be searched, but it still holds them. */
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(old->roots[i], &sb) == 0)
            continue;
        cli_complain("index '%s' was made by another version of newsgrep "
                     "(schema %s, not %s) and cannot be rebuilt: '%s', a "
                     "folder it remembers, cannot be read (%s); bring it "
                     "back, or remove the index and index what there is",
                     db_path, old->schema, NG_SCHEMA_VERSION, old->roots[i],
                     strerror(errno));
        ng_old_index_close(old);
        return EXIT_TROUBLE;
    }
    if (!opts->quiet)
        cli_complain("index '%s' was made by another version of newsgrep "
                     "(schema %s, not %s): rebuilding it from the %zu "
                     "folder%s it remembers", db_path, old->schema,
                     NG_SCHEMA_VERSION, n, n == 1 ? "" : "s");
    cli_options_t built = *opts;
    if (!built.language && *old->language)
        built.language = old->language;
    int rc = update_once(old->build_path, &built, old->roots, n, 0);
    if (rc != EXIT_MATCH && rc != EXIT_SKIPPED) {
        ng_old_index_close(old);
        return rc;
    }
    if (ng_old_index_replace(old, &error) != NG_OK) {
        cli_complain("%s", error ? error : "out of memory");
        free(error);
        return EXIT_TROUBLE;
    }
    *rebuilt = 1;
    return rc;
}

/* ------------------------------------------------------------------ */
/* --watch                                                             */

/* What --watch knows: the folder each inotify watch is on, and the files
 * that changed since the last update. */
typedef struct {
    int fd;
    char **dirs;          /* indexed by watch descriptor */
    char *shallow;        /* the same: only a single file root's folder,
                             whose subfolders do not matter */
    size_t n_dirs;
    char **changed;       /* paths of changed files, or NULL */
    size_t n_changed, cap_changed;
    int full;             /* a folder changed: walk the roots again */
} watcher_t;

static void forget_changes(watcher_t *w)
{
    for (size_t i = 0; i < w->n_changed; i++)
        free(w->changed[i]);
    w->n_changed = 0;
    w->full = 0;
}

static void close_watcher(watcher_t *w)
{
    if (w->fd >= 0)
        close(w->fd);
    for (size_t i = 0; i < w->n_dirs; i++)
        free(w->dirs[i]);
    free(w->dirs);
    free(w->shallow);
    w->dirs = NULL;
    w->shallow = NULL;
    w->n_dirs = 0;
    w->fd = -1;
}

/* Adds an inotify watch on DIR and, when RECURSIVE, every folder below it
 * (hidden ones left out, as the indexer leaves them out). */
static void watch_tree(watcher_t *w, const char *dir, int recursive)
{
    uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
                    IN_DELETE | IN_CREATE | IN_ATTRIB;
    int wd = inotify_add_watch(w->fd, dir, mask | IN_ONLYDIR);
    if (wd < 0) {
        cli_complain("cannot watch '%s': %s", dir, strerror(errno));
        return;
    }
    if ((size_t)wd >= w->n_dirs) {
        size_t n = (size_t)wd * 2 + 16;
        char **grown = realloc(w->dirs, n * sizeof *grown);
        if (grown)
            w->dirs = grown;
        char *shallow = realloc(w->shallow, n);
        if (shallow)
            w->shallow = shallow;
        if (!grown || !shallow)
            return;
        memset(grown + w->n_dirs, 0, (n - w->n_dirs) * sizeof *grown);
        memset(shallow + w->n_dirs, 0, n - w->n_dirs);
        w->n_dirs = n;
    }
    /* A folder watched again (a root's, and a single file root's too)
     * keeps its subfolders watched if either asked for them. */
    int again = w->dirs[wd] && strcmp(w->dirs[wd], dir) == 0;
    w->shallow[wd] = !recursive && (!again || w->shallow[wd]);
    free(w->dirs[wd]);
    w->dirs[wd] = strdup(dir);
    DIR *d = recursive ? opendir(dir) : NULL;
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *path;
        struct stat sb;
        /* Only folders matter; the entry's type saves a stat per file. */
        if (e->d_name[0] == '.' ||
            (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) ||
            asprintf(&path, "%s/%s", dir, e->d_name) < 0)
            continue;
        if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            watch_tree(w, path, 1);
        free(path);
    }
    closedir(d);
}

/* Watches ROOT: a folder and every folder below it, or a single file's
 * folder alone.  Folders are watched by their absolute paths, which the
 * index remembers its roots by and its files' paths start with. */
static void watch_root(watcher_t *w, const char *root)
{
    struct stat sb;
    char *real = realpath(root, NULL);
    if (!real || stat(real, &sb) != 0) {
        free(real);
        return;
    }
    if (S_ISDIR(sb.st_mode)) {
        watch_tree(w, real, 1);
    } else {
        /* A single file: its folder, not what lies below it. */
        char *slash = strrchr(real, '/');
        *slash = '\0';
        watch_tree(w, *real ? real : "/", 0);
    }
    free(real);
}

/* Watches the index's roots, the config file's, and PATHS (N_PATHS of
 * them) besides.  Returns 0, or -1 after complaining. */
static int watch_roots(const char *db_path, const cli_options_t *opts,
                       char *const *paths, size_t n_paths, watcher_t *w)
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
    close_watcher(w);
    w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (w->fd < 0)
        cli_complain("cannot watch for new stories: %s", strerror(errno));
    for (size_t i = 0; roots[i]; i++) {
        if (w->fd >= 0)
            watch_root(w, roots[i]);
        free(roots[i]);
    }
    free(roots);
    for (size_t i = 0; i < opts->n_roots && w->fd >= 0; i++)
        watch_root(w, opts->roots[i]);
    for (size_t i = 0; i < n_paths && w->fd >= 0; i++)
        watch_root(w, paths[i]);
    return w->fd >= 0 ? 0 : -1;
}

/* Notes that the file PATH changed. */
static void note_change(watcher_t *w, char *path)
{
    if (w->n_changed == w->cap_changed) {
        size_t cap = w->cap_changed ? w->cap_changed * 2 : 16;
        char **grown = realloc(w->changed, cap * sizeof *grown);
        if (!grown) {
            free(path);
            w->full = 1;
            return;
        }
        w->changed = grown;
        w->cap_changed = cap;
    }
    w->changed[w->n_changed++] = path;
}

/* Reads the pending events: a changed file is noted by its path; a changed
 * folder, or events lost, asks for a walk of the roots.  Returns non-zero
 * if any event came. */
static int drain_events(watcher_t *w)
{
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    int any = 0;
    ssize_t n;
    while ((n = read(w->fd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)(void *)p;
            p += sizeof *ev + ev->len;
            any = 1;
            if ((ev->mask & IN_Q_OVERFLOW) || ev->wd < 0 ||
                (size_t)ev->wd >= w->n_dirs || !w->dirs[ev->wd]) {
                w->full = 1;
                continue;
            }
            if (ev->mask & IN_ISDIR) {
                /* A folder came or went below a root: walk them again. */
                if (!w->shallow[ev->wd])
                    w->full = 1;
                continue;
            }
            char *path;
            if (ev->len > 0 && ev->name[0] != '.' &&
                asprintf(&path, "%s/%s", w->dirs[ev->wd], ev->name) >= 0)
                note_change(w, path);
        }
    }
    return any;
}

/* Keeps the index up to date as stories land, until SIGINT or SIGTERM,
 * with W watching its roots already. */
static int watch(const char *db_path, const cli_options_t *opts,
                 watcher_t *w)
{
    if (!opts->quiet)
        cli_complain("watching for new stories; stop with Ctrl-C");
    double settle = (opts->settle_ms ? opts->settle_ms : 1000) / 1000.0;
    double last_event = 0;
    int pending = 0, rc = EXIT_MATCH;
    while (!stop_signal) {
        struct pollfd pfd = { w->fd, POLLIN, 0 };
        int timeout = -1;
        if (pending) {
            double wait = last_event + settle - now();
            timeout = wait > 0 ? (int)(wait * 1000) + 1 : 0;
        }
        int ready = poll(&pfd, 1, timeout);
        if (ready < 0 && errno != EINTR)
            break;
        if (ready > 0) {
            int was_full = w->full;
            if (drain_events(w)) {
                pending = 1;
                last_event = now();
            }
            /* A new folder is watched at once, so that what lands in it
             * before the update is seen too. */
            if (w->full && !was_full &&
                watch_roots(db_path, opts, NULL, 0, w) < 0)
                break;
            continue;
        }
        /* Quiet for the settle time: the files have landed.  Only they are
         * looked at, unless a folder changed. */
        if (pending && !stop_signal && now() - last_event >= settle) {
            pending = 0;
            rc = w->full ? update_once(db_path, opts, NULL, 0, 0)
                         : update_once(db_path, opts, w->changed,
                                       w->n_changed, 1);
            forget_changes(w);
            if (rc == EXIT_TROUBLE && !stop_signal)
                cli_complain("the update failed; still watching");
        }
    }
    forget_changes(w);
    free(w->changed);
    close_watcher(w);
    if (stop_signal && !opts->quiet)
        cli_complain("stopped watching");
    return stop_signal ? EXIT_MATCH : rc;
}

int cli_index(const char *db_path, const cli_options_t *opts,
              char *const *paths, size_t n_paths)
{
    catch_signals();
    int rebuilt;
    int rc = rebuild_if_old(db_path, opts, &rebuilt);
    if (rc != EXIT_MATCH && rc != EXIT_SKIPPED)
        return rc;
    /* The rebuild has just indexed the remembered roots: an update adds
     * nothing to it unless it is given more. */
    if (rebuilt && n_paths == 0 && opts->n_roots == 0 && !opts->watch)
        return rc;
    if (!opts->watch)
        return update_once(db_path, opts, paths, n_paths, 0);
    /* The roots are watched before the first update, not after it: a
     * story that lands while it runs is then seen by it or by the watch,
     * never missed by both. */
    watcher_t w = { -1, NULL, NULL, 0, NULL, 0, 0, 0 };
    if (watch_roots(db_path, opts, paths, n_paths, &w) < 0) {
        close_watcher(&w);
        return EXIT_TROUBLE;
    }
    rc = update_once(db_path, opts, paths, n_paths, 0);
    if (rc != EXIT_MATCH && rc != EXIT_SKIPPED) {
        close_watcher(&w);
        free(w.changed);
        return rc;
    }
    return watch(db_path, opts, &w);
}

int cli_compact(const char *db_path, const cli_options_t *opts)
{
    struct stat sb;
    if (ng_cluster_is_cluster(db_path)) {
        cli_complain("'%s' is a cluster: compact each shard where it lives "
                     "(newsgrep compact --db SHARD)", db_path);
        return EXIT_TROUBLE;
    }
    if (stat(db_path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        cli_complain("no index at '%s' to compact", db_path);
        return EXIT_TROUBLE;
    }
    unsigned long long before = cli_disk_usage(db_path);
    double start = now();
    ng_index_t *index = open_for_writing(db_path, opts);
    if (!index)
        return EXIT_TROUBLE;
    ng_status_t st = ng_index_compact(index);
    if (st != NG_OK)
        cli_complain("cannot compact '%s': %s", db_path,
                     ng_index_error(index));
    ng_index_close(index);
    if (st != NG_OK)
        return EXIT_TROUBLE;
    if (!opts->quiet)
        cli_complain("compacted '%s': %.1f MB, was %.1f MB, in %.2f s",
                     db_path, cli_disk_usage(db_path) / 1e6, before / 1e6,
                     now() - start);
    return EXIT_MATCH;
}
