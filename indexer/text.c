#include <config.h>

#include "text.h"

size_t ng_text_utf8_char(const char *s, size_t n, utf8proc_int32_t *cp)
{
    utf8proc_ssize_t got = utf8proc_iterate((const utf8proc_uint8_t *)s,
                                            (utf8proc_ssize_t)(n < 4 ? n : 4),
                                            cp);
    return got > 0 ? (size_t)got : 0;
}

utf8proc_int32_t ng_text_cp1252(unsigned char byte)
{
    /* Windows-1252 for bytes 0x80 to 0x9F; above, it is Latin-1. */
    static const utf8proc_int32_t high[32] = {
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    };
    return byte >= 0x80 && byte < 0xA0 ? high[byte - 0x80] : byte;
}

int ng_text_real_date(int year, int month, int day)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
        return 0;
    return day <= days[month - 1] + (month == 2 && leap);
}
