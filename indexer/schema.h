/*
 * schema.h: what newsgrep's index holds.  This comment is the one place the
 * schema is written down; code names its pieces only through these macros.
 *
 * A document is one paragraph of one story.  A story is a file (or, later, an
 * item of a feed or a line of an export) with a headline, an optional date,
 * an optional source URL, and paragraphs numbered from 1.
 *
 * Story ids.  A story that has an id of its own keeps it: a feed item's
 * guid (or link), a JSON Lines record's "id".  A file that holds one story
 * (plain text, HTML) found under a folder given to "newsgrep index" is named
 * by the folder's own name and the file's path below it, without its
 * extensions (".txt", ".html", ".gz"...): the folder "corpus" and its file
 * "trade/tariffs.txt" give the id "corpus/trade/tariffs".  A file given by
 * itself is named as if its parent folder had been given.  Ids are stable
 * across runs and machines, readable, and do not depend on the current
 * directory.  In terms, an id longer than 200 bytes is replaced by "#" and a
 * hash of it (terms.h).
 *
 * Terms (prefixes follow Xapian's conventions where one exists):
 *
 *   Z<stem>      the stem of each word of the paragraph (as ng_tokenize()
 *                reports words), with positions: words, phrases and NEAR
 *                all match stems, as the query parser makes them.  The
 *                words themselves are not terms: a phrase finds its
 *                inflections too ("trade war" finds "trade wars"), and
 *                the index holds each word once, not twice;
 *   ZS<stem>     the headline's stems, with positions, in every paragraph
 *                of the story (searchable as title:word);
 *   XS<id>       every paragraph of story ID (boolean): replace or delete a
 *                whole story with one term;
 *   XF<hash>     every paragraph read from one file, by a hash of its path
 *                (boolean): replace or delete all of a file's stories;
 *   H<host>      the source URL's host name, lower case, without "www."
 *                (boolean; searchable as source:host);
 *   D<YYYYMMDD>, M<YYYYMM>, Y<YYYY>   the story's date (boolean).
 *
 * Values:
 *
 *   slot 0  NG_SLOT_STORY      the story id: collapse hits per story;
 *   slot 1  NG_SLOT_DATE       "YYYYMMDD" (or empty): sort and range by date;
 *   slot 2  NG_SLOT_PARAGRAPH  the paragraph number, six digits or more
 *                              (ng_terms_paragraph_value()): with XS<id>,
 *                              finds paragraph N of a story (a unique term
 *                              per paragraph would cost every build and
 *                              the index a term for each).
 *
 * Document data: one JSON object (UTF-8) with the fields
 *   "story", "path" (absolute), "title", "date" ("YYYY-MM-DD" or absent),
 *   "source" (URL or absent), "paragraph" (1-based), "text".
 *
 * Metadata keys:
 *
 *   newsgrep.file.<hash>  what the index records of one story file, by a
 *                       hash of its path (filestate.h);
 *   newsgrep.schema     NG_SCHEMA_VERSION, set when the index is created;
 *   newsgrep.language   the stemming language the index was built with;
 *   newsgrep.roots      the folders and files indexed, absolute, one a line;
 *   newsgrep.updated    when the index was last brought up to date
 *                       (seconds since the epoch, decimal).
 */
#ifndef NEWSGREP_SCHEMA_H
#define NEWSGREP_SCHEMA_H

#define NG_SCHEMA_VERSION "3"

#define NG_PREFIX_STEM       "Z"
#define NG_PREFIX_TITLE      "S"
#define NG_PREFIX_TITLE_STEM "ZS"
#define NG_PREFIX_STORY      "XS"
#define NG_PREFIX_FILE       "XF"
#define NG_PREFIX_HOST       "H"
#define NG_PREFIX_DAY        "D"
#define NG_PREFIX_MONTH      "M"
#define NG_PREFIX_YEAR       "Y"

#define NG_SLOT_STORY     0
#define NG_SLOT_DATE      1
#define NG_SLOT_PARAGRAPH 2

#define NG_META_SCHEMA   "newsgrep.schema"
#define NG_META_LANGUAGE "newsgrep.language"
#define NG_META_ROOTS    "newsgrep.roots"
#define NG_META_UPDATED  "newsgrep.updated"

#endif
