/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing the kernel command line: space-separated `key=value` words and
 * comma-separated lists (freestanding; also built on the host for its
 * unit test). */
#include "libos_internal.h"

static unsigned word_end(const char *s, unsigned i)
{
    while (s[i] && s[i] != ' ') i++;
    return i;
}

bool libos_cmdline_value(const char *cmdline, const char *key,
                         const char **value, unsigned *len)
{
    unsigned key_len = 0;
    while (key[key_len]) key_len++;
    unsigned i = 0;
    while (cmdline[i]) {
        if (cmdline[i] == ' ') {
            i++;
            continue;
        }
        unsigned end = word_end(cmdline, i);
        bool match = end - i > key_len && cmdline[i + key_len] == '=';
        for (unsigned k = 0; match && k < key_len; k++)
            match = cmdline[i + k] == key[k];
        if (match) {
            *value = cmdline + i + key_len + 1;
            *len = end - i - key_len - 1;
            return true;
        }
        i = end;
    }
    return false;
}

void libos_list_each(const char *list, unsigned len,
                     void (*fn)(const char *item, unsigned item_len, void *ctx),
                     void *ctx)
{
    unsigned start = 0;
    for (unsigned i = 0; i <= len; i++) {
        if (i == len || list[i] == ',') {
            if (i > start) fn(list + start, i - start, ctx);
            start = i + 1;
        }
    }
}
