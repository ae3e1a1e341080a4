#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "index.h"
#include "testutil.h"

char *tu_tempdir(void)
{
    const char *base = getenv("TMPDIR");
    char *path;
    if (!base || !*base)
        base = "/tmp";
    if (asprintf(&path, "%s/newsgrep-test.XXXXXX", base) < 0)
        fail_msg("out of memory");
    if (!mkdtemp(path))
        fail_msg("cannot create a temporary folder in '%s': %s", base,
                 strerror(errno));
    return path;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    remove(path);
    return 0;
}

void tu_remove_tree(const char *path)
{
    if (path)
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_path_join(const char *a, const char *b)
{
    char *p;
    if (asprintf(&p, "%s/%s", a, b) < 0)
        fail_msg("out of memory");
    return p;
}

static void make_parents(char *path)
{
    for (size_t i = 1; path[i]; i++) {
        if (path[i] != '/')
            continue;
        path[i] = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            fail_msg("cannot create '%s': %s", path, strerror(errno));
        path[i] = '/';
    }
}

char *tu_write_file(const char *dir, const char *name, const char *content)
{
    char *path = tu_path_join(dir, name);
    make_parents(path);
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write '%s': %s", path, strerror(errno));
    fputs(content, f);
    if (fclose(f) != 0)
        fail_msg("cannot write '%s': %s", path, strerror(errno));
    return path;
}

const char *tu_getenv(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        fail_msg("environment variable %s is not set (run through make check)",
                 name);
    return v;
}

/* Appends what is readable on FD to *BUF; returns 0 at end of file. */
static int drain(int fd, char **buf, size_t *len, size_t *cap)
{
    char chunk[8192];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
        return 1;
    if (n <= 0)
        return 0;
    if (*len + (size_t)n + 1 > *cap) {
        size_t ncap = (*cap ? *cap * 2 : 16384);
        while (ncap < *len + (size_t)n + 1)
            ncap *= 2;
        char *nb = realloc(*buf, ncap);
        if (!nb)
            fail_msg("out of memory");
        *buf = nb;
        *cap = ncap;
    }
    memcpy(*buf + *len, chunk, (size_t)n);
    *len += (size_t)n;
    (*buf)[*len] = '\0';
    return 1;
}

tu_run_t tu_run(const char *const argv[], const char *const env[])
{
    int out_pipe[2], err_pipe[2];
    tu_run_t r = { 0, NULL, NULL };
    if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0)
        fail_msg("pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        close(out_pipe[0]); close(out_pipe[1]);
        close(err_pipe[0]); close(err_pipe[1]);
        for (size_t i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot run '%s': %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    size_t olen = 0, ocap = 0, elen = 0, ecap = 0;
    r.out = calloc(1, 1);
    r.err = calloc(1, 1);
    if (!r.out || !r.err)
        fail_msg("out of memory");
    struct pollfd fds[2] = { { out_pipe[0], POLLIN, 0 }, { err_pipe[0], POLLIN, 0 } };
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            fail_msg("poll: %s", strerror(errno));
        }
        if (fds[0].fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP))) {
            if (!drain(fds[0].fd, &r.out, &olen, &ocap)) {
                close(fds[0].fd); fds[0].fd = -1; open_fds--;
            }
        }
        if (fds[1].fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP))) {
            if (!drain(fds[1].fd, &r.err, &elen, &ecap)) {
                close(fds[1].fd); fds[1].fd = -1; open_fds--;
            }
        }
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            fail_msg("waitpid: %s", strerror(errno));
    r.status = WIFEXITED(status) ? WEXITSTATUS(status)
                                 : 128 + WTERMSIG(status);
    return r;
}

void tu_run_free(tu_run_t *run)
{
    free(run->out);
    free(run->err);
    run->out = run->err = NULL;
}

char *tu_index_stories(const char *dir, const char *name,
                       const char *const stories[])
{
    char *folder, *db = tu_path_join(dir, name);
    if (asprintf(&folder, "%s.stories", db) < 0)
        fail_msg("out of memory");
    for (size_t i = 0; stories[i]; i++) {
        char file[32];
        snprintf(file, sizeof file, "story%zu.txt", i);
        free(tu_write_file(folder, file, stories[i]));
    }
    ng_index_t *index = NULL;
    ng_index_counts_t counts = { 0 };
    char *error = NULL;
    if (ng_index_open(db, NULL, &index, &error) != NG_OK)
        fail_msg("cannot create '%s': %s", db, error ? error : "");
    if (ng_index_update(index, &folder, 1, NULL, &counts) != NG_OK)
        fail_msg("cannot index '%s': %s", folder, ng_index_error(index));
    ng_index_close(index);
    free(folder);
    return db;
}
