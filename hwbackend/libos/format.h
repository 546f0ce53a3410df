/* SPDX-License-Identifier: Apache-2.0 */
/* The printf-style formatter behind kprintf/ksnprintf, writing through a
 * byte callback so that the console and buffers share one implementation. */
#ifndef LIBOS_FORMAT_H
#define LIBOS_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*libos_put_fn)(char c, void *ctx);

/* Formats fmt (see console.h for the subset); returns the byte count. */
size_t libos_format(libos_put_fn put, void *ctx, const char *fmt, va_list ap);

#endif
