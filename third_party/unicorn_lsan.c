/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unicorn 2.1.1 keeps a 32-byte allocation made inside libunicorn.so.2 past
 * uc_close() (one per process, never freed). LeakSanitizer would fail every
 * test that opens an engine, so allocations made by libunicorn itself are
 * suppressed; leaks in libvmm's own code are still reported.
 */
const char *__lsan_default_suppressions(void);

const char *__lsan_default_suppressions(void)
{
    return "leak:libunicorn.so\n";
}
