/*
 * xapian-c.cc: the C binding to libxapian declared in xapian-c.h.
 *
 * This is the project's only C++.  Every call into Xapian sits inside a
 * try/catch at the boundary, and catch (...) hands over to one function,
 * status_from_exception(), which maps the exception type to an xc_status_t
 * and keeps its message.  No exception ever reaches the C callers.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <xapian.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <sys/types.h>

#include "xapian-c.h"

struct xc_db {
    Xapian::Database *db = nullptr;          /* always set once open */
    Xapian::WritableDatabase *wdb = nullptr; /* the same object when
                                                writable, else NULL */
    std::string error;              /* message of the last failed call */
};

struct xc_doc {
    Xapian::Document doc;
};

struct xc_query {
    Xapian::Query query;
    std::vector<std::string> terms; /* distinct terms, sorted */
};

/* What has been read so far of one hit's document; filled lazily. */
struct hit_cache {
    bool have_doc = false;
    Xapian::Document doc;
    bool have_data = false;
    std::string data;
    std::map<unsigned, std::string> values; /* nodes never move */
};

struct xc_mset {
    Xapian::MSet mset;
    xc_db_t *db = nullptr;          /* where errors are reported */
    std::vector<hit_cache> hits;    /* one per hit, never resized */
    int key_slot = -1;              /* the slot whose values are the hits'
                                       sort keys, or -1 */
};

/*
 * Stores Xapian's message of E in *MSG, with the context (such as a remote
 * address) and the system error text when there are any, and returns
 * STATUS.  Cannot throw: if memory runs out, *MSG is left empty.
 */
static xc_status_t keep(const Xapian::Error &e, xc_status_t status,
                        std::string *msg) noexcept
{
    try {
        std::string text = e.get_msg();
        if (text.empty())
            text = e.get_type();
        std::string extra = e.get_context();
        if (e.get_error_string()) {
            if (!extra.empty())
                extra += "; ";
            extra += e.get_error_string();
        }
        if (!extra.empty())
            text += " (" + extra + ")";
        *msg = text;
    } catch (...) {
        msg->clear();
    }
    return status;
}

/* Like keep() for a plain message. */
static xc_status_t keep_text(const char *text, xc_status_t status,
                             std::string *msg) noexcept
{
    try {
        *msg = text;
    } catch (...) {
        msg->clear();
    }
    return status;
}

/*
 * Maps the exception being handled to a status and stores its message in
 * *MSG; must be called from inside a catch block.  This is the one place
 * that knows Xapian's exception hierarchy.  The order of the handlers
 * matters: DatabaseVersionError and DatabaseNotFoundError derive from
 * DatabaseOpeningError, and NetworkTimeoutError from NetworkError.
 */
static xc_status_t status_from_exception(std::string *msg) noexcept
{
    try {
        throw;
    } catch (const Xapian::DatabaseVersionError &e) {
        return keep(e, XC_CORRUPT, msg);
    } catch (const Xapian::DatabaseOpeningError &e) {
        /* Includes DatabaseNotFoundError. */
        return keep(e, XC_NOT_FOUND, msg);
    } catch (const Xapian::DatabaseLockError &e) {
        return keep(e, XC_LOCKED, msg);
    } catch (const Xapian::DatabaseModifiedError &e) {
        return keep(e, XC_MODIFIED, msg);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return keep(e, XC_CORRUPT, msg);
    } catch (const Xapian::QueryParserError &e) {
        return keep(e, XC_QUERY_ERROR, msg);
    } catch (const Xapian::NetworkTimeoutError &e) {
        return keep(e, XC_TIMEOUT, msg);
    } catch (const Xapian::NetworkError &e) {
        return keep(e, XC_NETWORK, msg);
    } catch (const Xapian::InvalidArgumentError &e) {
        return keep(e, XC_INVALID, msg);
    } catch (const Xapian::InvalidOperationError &e) {
        return keep(e, XC_INVALID, msg);
    } catch (const Xapian::Error &e) {
        return keep(e, XC_ERROR, msg);
    } catch (const std::bad_alloc &) {
        return keep_text("out of memory", XC_NO_MEMORY, msg);
    } catch (const std::exception &e) {
        return keep_text(e.what(), XC_ERROR, msg);
    } catch (...) {
        return keep_text("unknown exception", XC_ERROR, msg);
    }
}

/* Sets DB's message to MSG and returns STATUS; cannot throw. */
static xc_status_t fail(xc_db_t *db, xc_status_t status, const char *msg)
{
    return keep_text(msg, status, &db->error);
}

/* Keeps the message of the exception being handled on DB and returns its
 * status.  Must be called from inside a catch block. */
static xc_status_t fail_current(xc_db_t *db)
{
    return status_from_exception(&db->error);
}

/* Stores a malloc'd copy of the LEN bytes of MSG in *ERROR when ERROR is
 * not NULL.  Leaves NULL there if memory ran out; cannot throw. */
static void set_error_out(char **error, const char *msg, size_t len)
{
    if (!error)
        return;
    *error = static_cast<char *>(std::malloc(len + 1));
    if (*error) {
        std::memcpy(*error, msg, len);
        (*error)[len] = '\0';
    }
}

static void set_error_out(char **error, const std::string &msg)
{
    set_error_out(error, msg.data(), msg.size());
}

static void set_error_out(char **error, const char *msg)
{
    set_error_out(error, msg, std::strlen(msg));
}

/* A malloc'd NUL-terminated copy of S (which may hold NUL bytes), or NULL. */
static char *copy_string(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (p) {
        std::memcpy(p, s.data(), s.size());
        p[s.size()] = '\0';
    }
    return p;
}

/* Returns XC_INVALID with a message on DB unless DB is writable. */
static xc_status_t require_writable(xc_db_t *db, const char *what)
{
    if (db->wdb)
        return XC_OK;
    try {
        db->error = std::string(what) + ": the index is open read-only";
    } catch (...) {
        db->error.clear();
    }
    return XC_INVALID;
}

/*
 * Creates every missing folder above the last component of PATH, like
 * "mkdir -p $(dirname PATH)"; Xapian creates the last one itself.  Returns
 * 0, or -1 with a message in *MSG.
 */
static int make_parent_folders(const std::string &path, std::string *msg)
{
    std::string::size_type end = path.find_last_not_of('/');
    if (end == std::string::npos)
        return 0;
    std::string::size_type last = path.rfind('/', end);
    if (last == std::string::npos || last == 0)
        return 0;
    std::string parent = path.substr(0, last);
    for (std::string::size_type pos = 1; pos != std::string::npos;) {
        pos = parent.find('/', pos);
        std::string prefix = parent.substr(0, pos);
        if (pos != std::string::npos)
            pos++;
        if (prefix.empty() || prefix.back() == '/')
            continue;
        if (mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST) {
            *msg = "cannot create folder '" + prefix + "': " +
                   std::strerror(errno);
            return -1;
        }
    }
    return 0;
}

extern "C" {

const char *xc_status_to_string(xc_status_t status)
{
    switch (status) {
    case XC_OK: return "ok";
    case XC_NO_MEMORY: return "out of memory";
    case XC_NOT_FOUND: return "index not found";
    case XC_LOCKED: return "index is locked";
    case XC_MODIFIED: return "index was modified";
    case XC_CORRUPT: return "index is corrupt";
    case XC_QUERY_ERROR: return "query does not parse";
    case XC_NETWORK: return "network error";
    case XC_TIMEOUT: return "no answer in time";
    case XC_INVALID: return "invalid argument or operation";
    case XC_ERROR: return "unexpected error";
    }
    return "unknown status";
}

const char *xc_version(void)
{
    return Xapian::version_string();
}

/* ------------------------------------------------------------------ */
/* Databases                                                           */

/*
 * Opens PATH as MODE asks.  Read-only opening goes through
 * Xapian::Database, which also follows stub database files; creation makes
 * the parent folders first because Xapian only creates the last one.
 */
xc_status_t xc_db_open(const char *path, xc_open_mode_t mode, xc_db_t **out,
                       char **error)
{
    if (error)
        *error = NULL;
    if (!out)
        return XC_INVALID;
    *out = NULL;
    if (!path) {
        set_error_out(error, "no index path given");
        return XC_INVALID;
    }
    std::string msg;
    xc_db_t *db = NULL;
    try {
        db = new xc_db_t();
        switch (mode) {
        case XC_OPEN_READ:
            db->db = new Xapian::Database(path);
            break;
        case XC_OPEN_WRITE:
            db->wdb = new Xapian::WritableDatabase(path, Xapian::DB_OPEN);
            db->db = db->wdb;
            break;
        case XC_OPEN_CREATE_OR_OPEN:
            if (make_parent_folders(path, &msg) != 0) {
                delete db;
                set_error_out(error, msg);
                return XC_ERROR;
            }
            db->wdb = new Xapian::WritableDatabase(path,
                                                   Xapian::DB_CREATE_OR_OPEN);
            db->db = db->wdb;
            break;
        default:
            delete db;
            set_error_out(error, "unknown open mode");
            return XC_INVALID;
        }
    } catch (...) {
        xc_status_t status = status_from_exception(&msg);
        delete db;  /* its Xapian pointers are still NULL */
        set_error_out(error, msg);
        return status;
    }
    *out = db;
    return XC_OK;
}

/* Opens a remote database with Xapian's factory functions, which connect
 * and read the server's greeting before returning. */
xc_status_t xc_db_open_remote(const char *host, unsigned port,
                              xc_open_mode_t mode, unsigned timeout_ms,
                              unsigned connect_timeout_ms, xc_db_t **out,
                              char **error)
{
    if (error)
        *error = NULL;
    if (!out)
        return XC_INVALID;
    *out = NULL;
    if (!host || timeout_ms == 0 || connect_timeout_ms == 0 ||
        (mode != XC_OPEN_READ && mode != XC_OPEN_WRITE)) {
        set_error_out(error, "no host, no timeout, or an unknown open mode");
        return XC_INVALID;
    }
    xc_db_t *db = NULL;
    try {
        db = new xc_db_t();
        if (mode == XC_OPEN_READ) {
            db->db = new Xapian::Database(Xapian::Remote::open(
                host, port, timeout_ms, connect_timeout_ms));
        } else {
            db->wdb = new Xapian::WritableDatabase(
                Xapian::Remote::open_writable(host, port, timeout_ms,
                                              connect_timeout_ms));
            db->db = db->wdb;
        }
    } catch (...) {
        std::string msg;
        xc_status_t status = status_from_exception(&msg);
        delete db;  /* its Xapian pointers are still NULL */
        set_error_out(error, msg);
        return status;
    }
    *out = db;
    return XC_OK;
}

xc_status_t xc_db_new_group(xc_db_t **out)
{
    if (!out)
        return XC_INVALID;
    *out = NULL;
    xc_db_t *db = NULL;
    try {
        db = new xc_db_t();
        db->db = new Xapian::Database();
    } catch (...) {
        delete db;
        return XC_NO_MEMORY;
    }
    *out = db;
    return XC_OK;
}

xc_status_t xc_db_add(xc_db_t *group, const xc_db_t *shard)
{
    if (!group || !shard)
        return XC_INVALID;
    if (group->wdb)
        return fail(group, XC_INVALID, "shards are added to a read-only "
                                       "group only");
    try {
        group->db->add_database(*shard->db);
    } catch (...) {
        return fail_current(group);
    }
    return XC_OK;
}

/* Commits a writable database (errors ignored, as documented) and frees
 * everything. */
void xc_db_close(xc_db_t *db)
{
    if (!db)
        return;
    try {
        if (db->wdb)
            db->wdb->commit();
    } catch (...) {
    }
    try {
        if (db->wdb)
            delete db->wdb;
        else
            delete db->db;
    } catch (...) {
    }
    delete db;
}

const char *xc_db_error(const xc_db_t *db)
{
    return db ? db->error.c_str() : "";
}

xc_status_t xc_db_compact(xc_db_t *db, const char *dest)
{
    if (!db)
        return XC_INVALID;
    if (!dest)
        return fail(db, XC_INVALID, "no folder to compact into given");
    try {
        db->db->compact(dest, Xapian::DBCOMPACT_NO_RENUMBER);
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

xc_status_t xc_merge(const char *const *sources, size_t n_sources,
                     const char *dest, char **error)
{
    if (error)
        *error = NULL;
    if (!sources || n_sources == 0 || !dest) {
        set_error_out(error, "no indexes to merge, or no folder to merge into");
        return XC_INVALID;
    }
    try {
        Xapian::Database all;
        for (size_t i = 0; i < n_sources; i++)
            all.add_database(Xapian::Database(sources[i]));
        all.compact(dest);
    } catch (...) {
        std::string msg;
        xc_status_t status = status_from_exception(&msg);
        set_error_out(error, msg.c_str());
        return status;
    }
    return XC_OK;
}

xc_status_t xc_db_reopen(xc_db_t *db)
{
    if (!db)
        return XC_INVALID;
    try {
        db->db->reopen();
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

xc_status_t xc_db_commit(xc_db_t *db)
{
    if (!db)
        return XC_INVALID;
    xc_status_t status = require_writable(db, "cannot commit");
    if (status != XC_OK)
        return status;
    try {
        db->wdb->commit();
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

xc_status_t xc_db_doc_count(xc_db_t *db, unsigned *out)
{
    if (!db || !out)
        return XC_INVALID;
    try {
        *out = db->db->get_doccount();
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

xc_status_t xc_db_term_freq(xc_db_t *db, const char *term, unsigned *out)
{
    if (!db || !out)
        return XC_INVALID;
    if (!term)
        return fail(db, XC_INVALID, "no term given");
    try {
        *out = db->db->get_termfreq(term);
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

xc_status_t xc_db_delete_by_term(xc_db_t *db, const char *term)
{
    if (!db)
        return XC_INVALID;
    if (!term)
        return fail(db, XC_INVALID, "no term given");
    xc_status_t status = require_writable(db, "cannot delete documents");
    if (status != XC_OK)
        return status;
    try {
        db->wdb->delete_document(term);
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

/* Copies the metadata value of KEY into a new C string ("" when unset). */
xc_status_t xc_db_get_metadata(xc_db_t *db, const char *key, char **value)
{
    if (!db || !value)
        return XC_INVALID;
    *value = NULL;
    if (!key)
        return fail(db, XC_INVALID, "no metadata key given");
    try {
        std::string v = db->db->get_metadata(key);
        *value = copy_string(v);
        if (!*value)
            return fail(db, XC_NO_MEMORY, "out of memory");
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

xc_status_t xc_db_set_metadata(xc_db_t *db, const char *key,
                               const char *value)
{
    if (!db)
        return XC_INVALID;
    if (!key || !value)
        return fail(db, XC_INVALID, "no metadata key or value given");
    xc_status_t status = require_writable(db, "cannot set metadata");
    if (status != XC_OK)
        return status;
    try {
        db->wdb->set_metadata(key, value);
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */

xc_status_t xc_db_metadata_list(xc_db_t *db, const char *prefix,
                                xc_metadata_fn fn, void *ctx)
{
    if (!db || !prefix || !fn)
        return XC_INVALID;
    try {
        for (Xapian::TermIterator k = db->db->metadata_keys_begin(prefix);
             k != db->db->metadata_keys_end(prefix); ++k) {
            const std::string key = *k;
            const std::string value = db->db->get_metadata(key);
            if (fn(ctx, key.c_str(), value.c_str()))
                break;
        }
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

xc_status_t xc_db_count_prefix(xc_db_t *db, const char *prefix,
                               unsigned long *out)
{
    if (!db || !prefix || !out)
        return XC_INVALID;
    try {
        unsigned long n = 0;
        for (Xapian::TermIterator t = db->db->allterms_begin(prefix);
             t != db->db->allterms_end(prefix); ++t)
            n++;
        *out = n;
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

xc_doc_t *xc_doc_new(void)
{
    try {
        return new xc_doc_t();
    } catch (...) {
        return NULL;
    }
}

void xc_doc_free(xc_doc_t *doc)
{
    delete doc;
}

xc_status_t xc_doc_add_posting(xc_doc_t *doc, const char *term, size_t len,
                               unsigned position, unsigned wdf_inc)
{
    if (!doc || (!term && len))
        return XC_INVALID;
    std::string msg;
    try {
        doc->doc.add_posting(std::string(term ? term : "", len), position,
                             wdf_inc);
    } catch (...) {
        return status_from_exception(&msg);
    }
    return XC_OK;
}

xc_status_t xc_doc_add_boolean_term(xc_doc_t *doc, const char *term,
                                    size_t len)
{
    if (!doc || (!term && len))
        return XC_INVALID;
    std::string msg;
    try {
        doc->doc.add_boolean_term(std::string(term ? term : "", len));
    } catch (...) {
        return status_from_exception(&msg);
    }
    return XC_OK;
}

xc_status_t xc_doc_set_value(xc_doc_t *doc, unsigned slot, const char *value,
                             size_t len)
{
    if (!doc || (!value && len))
        return XC_INVALID;
    std::string msg;
    try {
        doc->doc.add_value(slot, std::string(value ? value : "", len));
    } catch (...) {
        return status_from_exception(&msg);
    }
    return XC_OK;
}

xc_status_t xc_doc_set_data(xc_doc_t *doc, const char *data, size_t len)
{
    if (!doc || (!data && len))
        return XC_INVALID;
    std::string msg;
    try {
        doc->doc.set_data(std::string(data ? data : "", len));
    } catch (...) {
        return status_from_exception(&msg);
    }
    return XC_OK;
}

/* Adds DOC, or replaces the documents indexed by UNIQUE_TERM with it
 * (adding it if there are none, which is Xapian's behaviour). */
xc_status_t xc_db_replace_doc(xc_db_t *db, const char *unique_term,
                              const xc_doc_t *doc)
{
    if (!db)
        return XC_INVALID;
    if (!doc)
        return fail(db, XC_INVALID, "no document given");
    xc_status_t status = require_writable(db, "cannot store a document");
    if (status != XC_OK)
        return status;
    try {
        if (unique_term)
            db->wdb->replace_document(unique_term, doc->doc);
        else
            db->wdb->add_document(doc->doc);
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

} /* extern "C" */

/* ------------------------------------------------------------------ */
/* Queries                                                             */

/* A query holding Q, with its distinct terms collected and sorted for
 * highlighting.  Throws what Xapian or the allocator throws. */
static xc_query_t *query_holding(const Xapian::Query &q)
{
    xc_query_t *query = new xc_query_t();
    try {
        query->query = q;
        for (Xapian::TermIterator t = q.get_unique_terms_begin();
             t != q.get_unique_terms_end(); ++t)
            query->terms.push_back(*t);
        std::sort(query->terms.begin(), query->terms.end());
        query->terms.erase(std::unique(query->terms.begin(),
                                       query->terms.end()),
                           query->terms.end());
    } catch (...) {
        delete query;
        throw;
    }
    return query;
}

/*
 * A Xapian stemmer that calls the C callback, so that the QueryParser stems
 * exactly as the indexer does.  A NULL stem means "out of memory": it is
 * thrown as std::bad_alloc through the QueryParser and caught at the
 * boundary.
 */
class CallbackStem : public Xapian::StemImplementation {
  public:
    CallbackStem(xc_stem_fn fn, void *ctx) : fn_(fn), ctx_(ctx) { }

    std::string operator()(const std::string &word) override
    {
        size_t len = 0;
        const char *stem = fn_(ctx_, word.c_str(), word.size(), &len);
        if (!stem)
            throw std::bad_alloc();
        return std::string(stem, len);
    }

    std::string get_description() const override
    {
        return "newsgrep callback stemmer";
    }

  private:
    xc_stem_fn fn_;
    void *ctx_;
};

/* The first failure of a filter callback during one parse. */
struct filter_failure {
    xc_status_t status = XC_OK;
    std::string message;
};

/*
 * A Xapian field processor that hands the value to a C callback and uses
 * the query it makes.  A refusal is not thrown through the QueryParser:
 * it is kept in FAILURE, the value matches nothing meanwhile, and
 * xc_query_parse() reports it once parsing is over.
 */
class CallbackField : public Xapian::FieldProcessor {
  public:
    CallbackField(const xc_filter_field_t &field, filter_failure *failure)
        : field_(field), failure_(failure) { }

    Xapian::Query operator()(const std::string &value) override
    {
        xc_query_t *made = NULL;
        char *msg = NULL;
        xc_status_t status = field_.fn(field_.ctx, value.c_str(),
                                       value.size(), &made, &msg);
        if (status == XC_OK && !made)
            status = XC_NO_MEMORY;
        if (status != XC_OK) {
            if (failure_->status == XC_OK) {
                failure_->status = status;
                failure_->message = msg ? msg : xc_status_to_string(status);
            }
            std::free(msg);
            xc_query_free(made);
            return Xapian::Query::MatchNothing;
        }
        std::free(msg);
        Xapian::Query query = made->query;
        xc_query_free(made);
        return query;
    }

  private:
    xc_filter_field_t field_;
    filter_failure *failure_;
};

/* Reports a parse failure: the message goes to *ERROR, and to DB when one
 * was given, since the call was made on it.  Cannot throw. */
static xc_status_t parse_failure(xc_db_t *db, char **error,
                                 xc_status_t status, const char *msg)
{
    set_error_out(error, msg);
    if (db)
        fail(db, status, msg);
    return status;
}

extern "C" {

/*
 * Parses TEXT with Xapian's QueryParser, configured from OPTIONS (NULL
 * means no stemming, OR, no fields), and collects the query's distinct
 * terms for highlighting.
 */
xc_status_t xc_query_parse(xc_db_t *db, const char *text,
                           const xc_parse_options_t *options,
                           xc_query_t **out, char **error)
{
    if (error)
        *error = NULL;
    if (!out)
        return XC_INVALID;
    *out = NULL;
    if (!text)
        return parse_failure(db, error, XC_INVALID, "no query text given");
    xc_parse_options_t none = { NULL, NULL, NULL, 0, NULL, 0, NULL, 0, NULL,
                                0 };
    if (!options)
        options = &none;
    for (size_t i = 0; i < options->n_fields; i++)
        if (!options->fields || !options->fields[i][0] ||
            !options->fields[i][1])
            return parse_failure(db, error, XC_INVALID,
                                 "a query field has no name or prefix");
    for (size_t i = 0; i < options->n_filters; i++)
        if (!options->filters || !options->filters[i].name ||
            !options->filters[i].fn)
            return parse_failure(db, error, XC_INVALID,
                                 "a filter field has no name or callback");

    xc_query_t *query = NULL;
    filter_failure failure;
    try {
        Xapian::QueryParser qp;
        /* With a stemmer, every word is stemmed, in phrases too, and its
         * term is the stem prefix, the field's prefix and the stem
         * (Xapian's STEM_ALL, the prefixes given as the fields'). */
        std::string stem_prefix;
        if (options->stem) {
            qp.set_stemmer(Xapian::Stem(
                new CallbackStem(options->stem, options->stem_ctx)));
            qp.set_stemming_strategy(Xapian::QueryParser::STEM_ALL);
            stem_prefix = options->stem_prefix ? options->stem_prefix : "Z";
        } else {
            qp.set_stemming_strategy(Xapian::QueryParser::STEM_NONE);
        }
        qp.set_default_op(options->default_and ? Xapian::Query::OP_AND
                                               : Xapian::Query::OP_OR);
        for (size_t i = 0; i < options->n_fields; i++)
            qp.add_prefix(options->fields[i][0],
                          stem_prefix + options->fields[i][1]);
        for (size_t i = 0; i < options->n_filters; i++)
            qp.add_boolean_prefix(
                options->filters[i].name,
                (new CallbackField(options->filters[i], &failure))
                    ->release());
        std::string default_prefix =
            stem_prefix +
            (options->default_prefix ? options->default_prefix : "");
        if (!default_prefix.empty())
            qp.add_prefix("", default_prefix);
        unsigned flags = Xapian::QueryParser::FLAG_PHRASE |
                         Xapian::QueryParser::FLAG_BOOLEAN |
                         Xapian::QueryParser::FLAG_LOVEHATE;
        if (db) {
            qp.set_database(*db->db);
            flags |= Xapian::QueryParser::FLAG_WILDCARD;
        }
#if XAPIAN_AT_LEAST(1, 4, 19)
        if (options->no_positions)
            flags |= Xapian::QueryParser::FLAG_NO_POSITIONS;
#endif
        Xapian::Query parsed = qp.parse_query(text, flags);
        if (failure.status != XC_OK)
            return parse_failure(db, error, failure.status,
                                 failure.message.c_str());
        query = query_holding(parsed);
    } catch (...) {
        std::string msg;
        xc_status_t status = status_from_exception(&msg);
        delete query;
        /* A filter's own message says more than the parser's. */
        if (failure.status != XC_OK && status == XC_QUERY_ERROR)
            return parse_failure(db, error, failure.status,
                                 failure.message.c_str());
        return parse_failure(db, error, status, msg.c_str());
    }
    *out = query;
    return XC_OK;
}

void xc_query_free(xc_query_t *query)
{
    delete query;
}

xc_query_t *xc_query_or(const xc_query_t *a, const xc_query_t *b)
{
    return xc_query_combine(XC_OP_OR, a, b);
}

xc_query_t *xc_query_combine(xc_op_t op, const xc_query_t *a,
                             const xc_query_t *b)
{
    static const struct {
        xc_op_t op;
        Xapian::Query::op xop;
    } ops[] = {
        { XC_OP_AND, Xapian::Query::OP_AND },
        { XC_OP_OR, Xapian::Query::OP_OR },
        { XC_OP_AND_NOT, Xapian::Query::OP_AND_NOT },
        { XC_OP_AND_MAYBE, Xapian::Query::OP_AND_MAYBE },
        { XC_OP_FILTER, Xapian::Query::OP_FILTER },
    };
    if (!a || !b)
        return NULL;
    size_t i = 0;
    while (i < sizeof ops / sizeof ops[0] && ops[i].op != op)
        i++;
    if (i == sizeof ops / sizeof ops[0])
        return NULL;
    xc_query_t *both = NULL;
    try {
        both = new xc_query_t();
        both->query = Xapian::Query(ops[i].xop, a->query, b->query);
        if (op == XC_OP_AND_NOT)
            both->terms = a->terms;
        else
            std::set_union(a->terms.begin(), a->terms.end(),
                           b->terms.begin(), b->terms.end(),
                           std::back_inserter(both->terms));
    } catch (...) {
        delete both;
        return NULL;
    }
    return both;
}

xc_query_t *xc_query_match_all(void)
{
    try {
        xc_query_t *all = new xc_query_t();
        all->query = Xapian::Query::MatchAll;
        return all;
    } catch (...) {
        return NULL;
    }
}

xc_query_t *xc_query_match_nothing(void)
{
    try {
        return new xc_query_t();
    } catch (...) {
        return NULL;
    }
}

xc_query_t *xc_query_value_range(unsigned slot, const char *low,
                                 const char *high)
{
    if (!low && !high)
        return NULL;
    xc_query_t *made = NULL;
    try {
        made = new xc_query_t();
        if (low && high)
            made->query = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot,
                                        low, high);
        else if (low)
            made->query = Xapian::Query(Xapian::Query::OP_VALUE_GE, slot,
                                        low);
        else
            made->query = Xapian::Query(Xapian::Query::OP_VALUE_LE, slot,
                                        high);
    } catch (...) {
        delete made;
        return NULL;
    }
    return made;
}

int xc_query_is_empty(const xc_query_t *query)
{
    return !query || query->query.empty();
}

size_t xc_query_term_count(const xc_query_t *query)
{
    return query ? query->terms.size() : 0;
}

const char *xc_query_term(const xc_query_t *query, size_t i)
{
    if (!query || i >= query->terms.size())
        return NULL;
    return query->terms[i].c_str();
}

char *xc_query_describe(const xc_query_t *query)
{
    if (!query)
        return NULL;
    try {
        return copy_string(query->query.get_description());
    } catch (...) {
        return NULL;
    }
}

/* ------------------------------------------------------------------ */
/* Searching                                                           */

void xc_search_options_init(xc_search_options_t *options)
{
    if (!options)
        return;
    options->bm25_k1 = 1;
    options->bm25_k2 = 0;
    options->bm25_k3 = 1;
    options->bm25_b = 0.5;
    options->bm25_min_normlen = 0.5;
    options->collapse_slot = -1;
    options->collapse_max = 1;
    options->check_at_least = 0;
    options->sort_slot = -1;
    options->sort_descending = 0;
    options->sort_missing = NULL;
    options->tie_slot = -1;
    options->unweighted = 0;
}

/* Runs QUERY through a Xapian::Enquire weighted with BM25 as OPTIONS says,
 * collapsing on a value slot when asked. */
xc_status_t xc_db_search(xc_db_t *db, const xc_query_t *query,
                         unsigned first, unsigned max,
                         const xc_search_options_t *options, xc_mset_t **out)
{
    if (!db)
        return XC_INVALID;
    if (!out)
        return fail(db, XC_INVALID, "no place for the results given");
    *out = NULL;
    if (!query)
        return fail(db, XC_INVALID, "no query given");
    xc_search_options_t defaults;
    xc_search_options_init(&defaults);
    if (!options)
        options = &defaults;
    xc_mset_t *mset = NULL;
    try {
        Xapian::Enquire enquire(*db->db);
        enquire.set_query(query->query);
        if (options->unweighted)
            enquire.set_weighting_scheme(Xapian::BoolWeight());
        else
            enquire.set_weighting_scheme(Xapian::BM25Weight(
                options->bm25_k1, options->bm25_k2, options->bm25_k3,
                options->bm25_b, options->bm25_min_normlen));
        if (options->collapse_slot >= 0)
            enquire.set_collapse_key(
                static_cast<Xapian::valueno>(options->collapse_slot),
                options->collapse_max);
        /* The key maker must outlive get_mset(); Enquire keeps a pointer.
         * Xapian's remote backend takes no key maker, so one is used only
         * where a plain value sort cannot do: for a value of missing
         * ones. */
        Xapian::MultiValueKeyMaker sorter;
        if (options->sort_slot >= 0 && options->sort_missing) {
            sorter.add_value(static_cast<Xapian::valueno>(options->sort_slot),
                             options->sort_descending != 0,
                             options->sort_missing);
            enquire.set_sort_by_key_then_relevance(&sorter, false);
        } else if (options->sort_slot >= 0) {
            enquire.set_sort_by_value_then_relevance(
                static_cast<Xapian::valueno>(options->sort_slot),
                options->sort_descending != 0);
        } else if (options->tie_slot >= 0) {
            enquire.set_sort_by_relevance_then_value(
                static_cast<Xapian::valueno>(options->tie_slot), false);
        }
        mset = new xc_mset_t();
        mset->db = db;
        if (options->sort_slot < 0 && options->tie_slot >= 0)
            mset->key_slot = options->tie_slot;
        mset->mset = enquire.get_mset(
            first, max,
            static_cast<Xapian::doccount>(std::max(options->check_at_least,
                                                   0)));
        mset->hits.resize(mset->mset.size());
    } catch (...) {
        delete mset;
        return fail_current(db);
    }
    *out = mset;
    return XC_OK;
}

void xc_mset_free(xc_mset_t *mset)
{
    delete mset;
}

size_t xc_mset_size(const xc_mset_t *mset)
{
    return mset ? mset->hits.size() : 0;
}

unsigned xc_mset_matches_estimated(const xc_mset_t *mset)
{
    if (!mset)
        return 0;
    try {
        return mset->mset.get_matches_estimated();
    } catch (...) {
        return 0;
    }
}

unsigned xc_mset_docid(const xc_mset_t *mset, size_t i)
{
    if (!mset || i >= mset->hits.size())
        return 0;
    try {
        return *mset->mset[static_cast<Xapian::doccount>(i)];
    } catch (...) {
        return 0;
    }
}

double xc_mset_weight(const xc_mset_t *mset, size_t i)
{
    if (!mset || i >= mset->hits.size())
        return 0;
    try {
        return mset->mset[static_cast<Xapian::doccount>(i)].get_weight();
    } catch (...) {
        return 0;
    }
}

unsigned xc_mset_collapse_count(const xc_mset_t *mset, size_t i)
{
    if (!mset || i >= mset->hits.size())
        return 0;
    try {
        return mset->mset[static_cast<Xapian::doccount>(i)]
            .get_collapse_count();
    } catch (...) {
        return 0;
    }
}

} /* extern "C" */

/* The I-th hit's document, read on first use and then kept.  Throws what
 * Xapian throws. */
static Xapian::Document &hit_document(xc_mset_t *mset, size_t i)
{
    hit_cache &hit = mset->hits[i];
    if (!hit.have_doc) {
        hit.doc = mset->mset[static_cast<Xapian::doccount>(i)].get_document();
        hit.have_doc = true;
    }
    return hit.doc;
}

extern "C" {

/* Hands out the I-th hit's data, cached in MSET so that the bytes stay put
 * while MSET lives. */
xc_status_t xc_mset_data(xc_mset_t *mset, size_t i, const char **data,
                         size_t *len)
{
    if (!mset || !data || !len)
        return XC_INVALID;
    if (i >= mset->hits.size())
        return fail(mset->db, XC_INVALID, "hit index out of range");
    hit_cache &hit = mset->hits[i];
    try {
        if (!hit.have_data) {
            hit.data = hit_document(mset, i).get_data();
            hit.have_data = true;
        }
    } catch (...) {
        return fail_current(mset->db);
    }
    *data = hit.data.c_str();
    *len = hit.data.size();
    return XC_OK;
}

/* Hands out the I-th hit's value in SLOT, cached per hit and slot so that
 * values of several hits stay valid together. */
xc_status_t xc_mset_value(xc_mset_t *mset, size_t i, unsigned slot,
                          const char **value, size_t *len)
{
    if (!mset || !value || !len)
        return XC_INVALID;
    if (i >= mset->hits.size())
        return fail(mset->db, XC_INVALID, "hit index out of range");
    hit_cache &hit = mset->hits[i];
    const std::string *v;
    try {
        auto found = hit.values.find(slot);
        if (found == hit.values.end()) {
            /* Ties ordered by a slot, the matcher has read the slot's
             * values already, from a stream, and hands them back as sort
             * keys; a document's value is a B-tree search of its own. */
            std::string got =
                static_cast<int>(slot) == mset->key_slot
                    ? mset->mset[static_cast<Xapian::doccount>(i)]
                          .get_sort_key()
                    : hit_document(mset, i).get_value(slot);
            found = hit.values.emplace(slot, std::move(got)).first;
        }
        v = &found->second;
    } catch (...) {
        return fail_current(mset->db);
    }
    *value = v->c_str();
    *len = v->size();
    return XC_OK;
}

} /* extern "C" */

/* ------------------------------------------------------------------ */
/* Term lists and queries built from terms                             */


extern "C" {

/* Walks the merged term list; TermIterator::get_termfreq() is read from
 * the list itself, so no extra lookup per term is made. */
xc_status_t xc_db_term_list(xc_db_t *db, const char *prefix, xc_term_fn fn,
                            void *ctx)
{
    if (!db)
        return XC_INVALID;
    if (!prefix || !fn)
        return fail(db, XC_INVALID, "no term prefix or callback given");
    try {
        for (Xapian::TermIterator t = db->db->allterms_begin(prefix);
             t != db->db->allterms_end(prefix); ++t) {
            const std::string term = *t;
            if (fn(ctx, term.c_str(), term.size(), t.get_termfreq()))
                break;
        }
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

xc_query_t *xc_query_new_term(const char *term, size_t len)
{
    if (!term && len)
        return NULL;
    try {
        return query_holding(Xapian::Query(std::string(term ? term : "",
                                                       len)));
    } catch (...) {
        return NULL;
    }
}

xc_query_t *xc_query_new_phrase(const char *const *terms, size_t n_terms,
                                size_t window)
{
    if (window == 0)
        window = n_terms;
    if (!terms || n_terms == 0 || window < n_terms ||
        window > std::numeric_limits<Xapian::termcount>::max())
        return NULL;
    for (size_t i = 0; i < n_terms; i++)
        if (!terms[i])
            return NULL;
    try {
        std::vector<std::string> words(terms, terms + n_terms);
        Xapian::Query q(Xapian::Query::OP_PHRASE, words.begin(), words.end(),
                        static_cast<Xapian::termcount>(window));
        return query_holding(q);
    } catch (...) {
        return NULL;
    }
}

xc_query_t *xc_query_copy(const xc_query_t *query)
{
    if (!query)
        return NULL;
    try {
        return new xc_query_t(*query);
    } catch (...) {
        return NULL;
    }
}

xc_query_t *xc_query_scale(const xc_query_t *query, double factor)
{
    if (!query || !(factor >= 0))
        return NULL;
    try {
        xc_query_t *scaled = new xc_query_t();
        scaled->query = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                      query->query, factor);
        scaled->terms = query->terms;
        return scaled;
    } catch (...) {
        return NULL;
    }
}

} /* extern "C" */

/* ------------------------------------------------------------------ */
/* Relevance feedback                                                  */

/* Lets through the terms whose prefix (leading capitals) is exactly
 * PREFIX. */
class PrefixDecider : public Xapian::ExpandDecider {
    std::string prefix;

  public:
    explicit PrefixDecider(const char *p) : prefix(p) {}

    bool operator()(const std::string &term) const override
    {
        if (term.compare(0, prefix.size(), prefix) != 0)
            return false;
        return term.size() == prefix.size() ||
               !(term[prefix.size()] >= 'A' && term[prefix.size()] <= 'Z');
    }
};

extern "C" {

xc_status_t xc_db_expand(xc_db_t *db, const unsigned *docids,
                         size_t n_docids, const char *prefix,
                         unsigned max_terms, xc_weighted_term_fn fn,
                         void *ctx)
{
    if (!db)
        return XC_INVALID;
    if (!docids || n_docids == 0 || !prefix || !fn)
        return fail(db, XC_INVALID,
                    "no documents, term prefix or callback given");
    try {
        Xapian::RSet rset;
        for (size_t i = 0; i < n_docids; i++)
            rset.add_document(docids[i]);
        Xapian::Enquire enquire(*db->db);
        PrefixDecider decider(prefix);
        Xapian::ESet eset = enquire.get_eset(max_terms, rset, &decider);
        for (Xapian::ESetIterator t = eset.begin(); t != eset.end(); ++t) {
            const std::string term = *t;
            if (fn(ctx, term.c_str(), term.size(), t.get_weight()))
                break;
        }
    } catch (...) {
        return fail_current(db);
    }
    return XC_OK;
}

} /* extern "C" */
