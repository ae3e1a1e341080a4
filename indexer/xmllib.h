/*
 * xmllib.h: libxml2, loaded the first time a reader needs it.
 *
 * Only HTML pages and feeds need libxml2, but linking it loads it, and ICU
 * with it, into every newsgrep process: about 6 ms more for each search, a
 * third of what a whole search process takes.  So the readers reach it
 * through this table of its functions, filled by dlopen() on first use.
 * The types still come from libxml2's headers.
 */
#ifndef NEWSGREP_XMLLIB_H
#define NEWSGREP_XMLLIB_H

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "status.h"

/* The functions the readers use, named as libxml2 names them.  (The error
 * handler globals are macros in libxml2's headers, over the functions
 * below.) */
typedef struct {
    htmlParserCtxtPtr (*htmlNewParserCtxt)(void);
    htmlDocPtr (*htmlCtxtReadMemory)(htmlParserCtxtPtr, const char *, int,
                                     const char *, const char *, int);
    htmlDocPtr (*htmlReadMemory)(const char *, int, const char *,
                                 const char *, int);
    void (*htmlFreeParserCtxt)(htmlParserCtxtPtr);
    xmlParserCtxtPtr (*xmlNewParserCtxt)(void);
    xmlDocPtr (*xmlCtxtReadMemory)(xmlParserCtxtPtr, const char *, int,
                                   const char *, const char *, int);
    void (*xmlFreeParserCtxt)(xmlParserCtxtPtr);
    void (*xmlFreeDoc)(xmlDocPtr);
    xmlNodePtr (*xmlDocGetRootElement)(const xmlDoc *);
    xmlCharEncodingHandlerPtr (*xmlFindCharEncodingHandler)(const char *);
    int (*xmlCharEncCloseFunc)(xmlCharEncodingHandler *);
    void (*xmlInitParser)(void);
    void (*xmlCleanupParser)(void);
    void (*xmlSetGenericErrorFunc)(void *, xmlGenericErrorFunc);
    void (*xmlSetStructuredErrorFunc)(void *, xmlStructuredErrorFunc);
    xmlGenericErrorFunc *(*genericError)(void);        /* __xmlGenericError */
    void **(*genericErrorContext)(void);       /* __xmlGenericErrorContext */
    xmlStructuredErrorFunc *(*structuredError)(void);
                                                   /* __xmlStructuredError */
    void **(*structuredErrorContext)(void); /* __xmlStructuredErrorContext */
} ng_xmllib_t;

/* The table; its members are NULL until ng_xmllib_load() succeeded. */
extern ng_xmllib_t ng_xml;

/*
 * Loads libxml2 (the library NG_LIBXML2_SONAME names), once for the whole
 * process, and initialises its parser.  Safe to call from several threads.
 * Returns NG_OK; or NG_BAD_INPUT when it cannot be loaded, with a message
 * in *WHY (static, or valid for the life of the process).
 */
ng_status_t ng_xmllib_load(const char **why);

/* Non-zero if ng_xmllib_load() has succeeded. */
int ng_xmllib_loaded(void);

#endif
