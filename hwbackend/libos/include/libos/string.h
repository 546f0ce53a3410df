/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The few C library memory/string functions the library OS provides. The
 * compiler may emit calls to memcpy/memset/memmove/memcmp on its own, so
 * these exist under their standard names.
 */
#ifndef LIBOS_STRING_H
#define LIBOS_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
