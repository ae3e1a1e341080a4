#include <config.h>

/* Kept apart from status.c so that modules which never touch the index can
 * be built and tested without the binding. */
#include "status.h"
#include "xapian-c.h"

ng_status_t ng_status_from_xc(int xc_status)
{
    switch ((xc_status_t)xc_status) {
    case XC_OK: return NG_OK;
    case XC_NO_MEMORY: return NG_NO_MEMORY;
    case XC_NOT_FOUND: return NG_NO_INDEX;
    case XC_LOCKED: return NG_INDEX_LOCKED;
    case XC_MODIFIED: return NG_INDEX_MODIFIED;
    case XC_CORRUPT: return NG_INDEX_CORRUPT;
    case XC_QUERY_ERROR: return NG_QUERY_ERROR;
    case XC_INVALID: return NG_BAD_ARGUMENT;
    case XC_NETWORK:
    case XC_TIMEOUT: return NG_SHARD_FAILED;
    case XC_ERROR: return NG_INDEX_ERROR;
    }
    return NG_INDEX_ERROR;
}
