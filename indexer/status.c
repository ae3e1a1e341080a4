#include <config.h>

#include "status.h"

const char *ng_status_to_string(ng_status_t status)
{
    switch (status) {
    case NG_OK: return "success";
    case NG_NO_MATCH: return "no match";
    case NG_NO_MEMORY: return "out of memory";
    case NG_BAD_ARGUMENT: return "invalid argument";
    case NG_IO_ERROR: return "input/output error";
    case NG_BAD_INPUT: return "input not understood";
    case NG_NO_INDEX: return "no index";
    case NG_INDEX_LOCKED: return "index is locked by another process";
    case NG_INDEX_MODIFIED: return "index was modified during the search";
    case NG_INDEX_CORRUPT: return "index is damaged";
    case NG_QUERY_ERROR: return "query not understood";
    case NG_UNKNOWN_LANGUAGE: return "unknown language";
    case NG_INDEX_ERROR: return "index error";
    case NG_INTERRUPTED: return "interrupted";
    case NG_SHARD_FAILED: return "a shard did not answer";
    }
    return "unknown status";
}

int ng_status_exit_code(ng_status_t status)
{
    if (status == NG_OK)
        return 0;
    if (status == NG_NO_MATCH)
        return 1;
    return 2;
}
