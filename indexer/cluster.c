#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xxhash.h>

#include "cluster.h"

int ng_cluster_is_cluster(const char *path)
{
    struct stat sb;
    return path && stat(path, &sb) == 0 && !S_ISDIR(sb.st_mode);
}

void ng_cluster_free(ng_cluster_t *cluster)
{
    if (!cluster)
        return;
    for (size_t i = 0; i < cluster->n_shards; i++) {
        free(cluster->shards[i].name);
        free(cluster->shards[i].path);
        free(cluster->shards[i].host);
    }
    free(cluster->shards);
    free(cluster->path);
    free(cluster);
}

size_t ng_cluster_route(const char *story_id, size_t n_shards)
{
    if (n_shards < 2)
        return 0;
    return (size_t)(XXH64(story_id, strlen(story_id), 0) % n_shards);
}

/* Reads "HOST:PORT" (HOST possibly "[v6 address]") into SHARD.  Returns 0,
 * or -1 when it is not of that form. */
static int parse_remote(const char *text, ng_shard_t *shard)
{
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text || !colon[1] ||
        strspn(colon + 1, "0123456789") != strlen(colon + 1))
        return -1;
    unsigned long port = strtoul(colon + 1, NULL, 10);
    if (port == 0 || port > 65535)
        return -1;
    const char *host = text;
    size_t len = (size_t)(colon - text);
    if (host[0] == '[' && len > 2 && host[len - 1] == ']') {
        host++;
        len -= 2;
    } else if (memchr(host, ':', len) || memchr(host, '[', len)) {
        return -1;
    }
    shard->host = strndup(host, len);
    shard->port = (unsigned)port;
    return 0;
}

/* The local path of PATH as the cluster file at FILE names it. */
static char *shard_path(const char *file, const char *path)
{
    const char *slash = strrchr(file, '/');
    char *joined = NULL;
    if (path[0] == '/' || !slash)
        return strdup(path);
    if (asprintf(&joined, "%.*s/%s", (int)(slash - file), file, path) < 0)
        return NULL;
    return joined;
}

/* Reads one line (without its newline) into CLUSTER.  Returns NG_OK,
 * NG_BAD_INPUT with a reason in *WHY (static), or NG_NO_MEMORY. */
static ng_status_t parse_line(ng_cluster_t *cluster, char *line,
                              const char **why)
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t end = strlen(line);
    while (end > 0 && strchr(" \t\r", line[end - 1]))
        line[--end] = '\0';
    if (!*line || *line == '#')
        return NG_OK;
    char *arg = line + strcspn(line, " \t");
    if (*arg)
        *arg++ = '\0';
    while (*arg == ' ' || *arg == '\t')
        arg++;
    if (!*arg) {
        *why = "expected 'auto PATH' or 'remote HOST:PORT'";
        return NG_BAD_INPUT;
    }
    ng_shard_t shard = { 0 };
    if (strcmp(line, "remote") == 0) {
        if (parse_remote(arg, &shard) != 0) {
            *why = arg[0] == ':' ? "remote programs are not supported, only "
                                   "'remote HOST:PORT'"
                                 : "expected 'remote HOST:PORT'";
            return NG_BAD_INPUT;
        }
    } else if (strcmp(line, "auto") == 0 || strcmp(line, "glass") == 0 ||
               strcmp(line, "chert") == 0) {
        shard.path = shard_path(cluster->path, arg);
    } else {
        *why = "expected 'auto PATH' or 'remote HOST:PORT'";
        return NG_BAD_INPUT;
    }
    shard.name = strdup(arg);
    ng_shard_t *grown = realloc(cluster->shards,
                                (cluster->n_shards + 1) * sizeof *grown);
    if (!shard.name || !(shard.path || shard.host) || !grown) {
        free(shard.name);
        free(shard.path);
        free(shard.host);
        if (grown)
            cluster->shards = grown;
        return NG_NO_MEMORY;
    }
    cluster->shards = grown;
    cluster->shards[cluster->n_shards++] = shard;
    return NG_OK;
}

ng_status_t ng_cluster_load(const char *path, ng_cluster_t **out,
                            char **error)
{
    *out = NULL;
    *error = NULL;
    FILE *in = fopen(path, "r");
    if (!in) {
        if (asprintf(error, "cannot open cluster '%s': %s", path,
                     strerror(errno)) < 0)
            *error = NULL;
        return NG_IO_ERROR;
    }
    ng_cluster_t *cluster = calloc(1, sizeof *cluster);
    ng_status_t st = cluster && (cluster->path = strdup(path)) ? NG_OK
                                                              : NG_NO_MEMORY;
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    const char *why = NULL;
    while (st == NG_OK && getline(&line, &cap, in) >= 0) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        st = parse_line(cluster, line, &why);
    }
    if (st == NG_OK && ferror(in)) {
        st = NG_IO_ERROR;
        if (asprintf(error, "cannot read cluster '%s': %s", path,
                     strerror(errno)) < 0)
            *error = NULL;
    } else if (st == NG_BAD_INPUT) {
        if (asprintf(error, "cluster '%s' line %u: %s", path, lineno, why) < 0)
            *error = NULL;
    } else if (st == NG_OK && cluster->n_shards == 0) {
        st = NG_BAD_INPUT;
        if (asprintf(error, "cluster '%s' names no shard", path) < 0)
            *error = NULL;
    }
    free(line);
    fclose(in);
    if (st != NG_OK) {
        ng_cluster_free(cluster);
        if (!*error)
            *error = strdup(ng_status_to_string(st));
        return st;
    }
    *out = cluster;
    return NG_OK;
}

char *ng_cluster_shard_message(const ng_shard_t *shard, int rc,
                               unsigned timeout_ms, const char *message)
{
    char *text = NULL;
    int n;
    if (rc == XC_TIMEOUT)
        n = asprintf(&text, "shard '%s' did not answer within %g s",
                     shard->name, timeout_ms / 1000.0);
    else if (rc == XC_NETWORK)
        n = asprintf(&text, "shard '%s' cannot be reached: %s", shard->name,
                     message);
    else
        n = asprintf(&text, "shard '%s': %s", shard->name, message);
    return n < 0 ? NULL : text;
}

ng_status_t ng_cluster_open_shard(const ng_cluster_t *cluster, size_t i,
                                  xc_open_mode_t mode, unsigned timeout_ms,
                                  xc_db_t **out, char **error)
{
    const ng_shard_t *shard = &cluster->shards[i];
    char *msg = NULL;
    xc_status_t rc;
    *error = NULL;
    if (shard->host)
        rc = xc_db_open_remote(shard->host, shard->port,
                               mode == XC_OPEN_READ ? XC_OPEN_READ
                                                    : XC_OPEN_WRITE,
                               timeout_ms, timeout_ms, out, &msg);
    else
        rc = xc_db_open(shard->path, mode, out, &msg);
    if (rc == XC_OK)
        return NG_OK;
    *error = ng_cluster_shard_message(
        shard, rc, timeout_ms, msg ? msg : xc_status_to_string(rc));
    free(msg);
    return ng_status_from_xc(rc);
}

size_t ng_cluster_shard_in(const ng_cluster_t *cluster, const char *message)
{
    for (size_t i = 0; message && i < cluster->n_shards; i++) {
        const ng_shard_t *shard = &cluster->shards[i];
        char context[300];
        if (!shard->host)
            continue;
        snprintf(context, sizeof context,
                 strchr(shard->host, ':') ? "tcp([%s]:%u)" : "tcp(%s:%u)",
                 shard->host, shard->port);
        if (strstr(message, context))
            return i;
    }
    return cluster->n_shards;
}
