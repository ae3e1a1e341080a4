/*
 * text.h: small text facts shared by the story readers: decoding one UTF-8
 * character, Windows-1252's high bytes, and which dates are real.
 */
#ifndef NEWSGREP_TEXT_H
#define NEWSGREP_TEXT_H

#include <stddef.h>

#include <utf8proc.h>

/* Decodes the UTF-8 character at S (at most N bytes) into *CP and returns its
 * length, or 0 if the bytes there are not well-formed UTF-8.  Cannot fail
 * otherwise. */
size_t ng_text_utf8_char(const char *s, size_t n, utf8proc_int32_t *cp);

/* The character a Windows-1252 (or Latin-1) byte stands for; the five bytes
 * Windows-1252 leaves undefined give U+FFFD.  Cannot fail. */
utf8proc_int32_t ng_text_cp1252(unsigned char byte);

/* Non-zero if YEAR-MONTH-DAY is a day of the Gregorian calendar between the
 * years 1 and 9999.  Cannot fail. */
int ng_text_real_date(int year, int month, int day);

#endif
