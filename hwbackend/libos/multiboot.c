/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the multiboot2 boot information: the command line, the memory
 * map and the boot loader's name. Every length is checked against the
 * information's total size. */
#include "libos/boot.h"
#include "libos/console.h"
#include "libos_internal.h"

enum {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_LOADER = 2,
    MB2_TAG_MMAP = 6,
};
#define MB2_MMAP_AVAILABLE 1
#define CMDLINE_MAX 1024
#define INFO_MAX_SIZE (1u << 20)

struct mb2_tag {
    uint32_t type, size;
};

struct mb2_mmap_entry {
    uint64_t base, length;
    uint32_t type, reserved;
};

static char cmdline[CMDLINE_MAX];
static char loader[64];

const char *libos_cmdline(void) { return cmdline; }

/* Copies the NUL-terminated string of at most max bytes at s into dst. */
static void copy_string(char *dst, unsigned dst_size, const char *s, uint32_t max)
{
    unsigned n = 0;
    while (n + 1 < dst_size && n < max && s[n]) {
        dst[n] = s[n];
        n++;
    }
    dst[n] = '\0';
}

static void add_ram(struct libos_boot_facts *facts, const struct mb2_mmap_entry *e)
{
    if (e->type != MB2_MMAP_AVAILABLE || e->length == 0) return;
    if (e->base + e->length < e->base) return; /* wraps: ignore */
    if (facts->ram_count == LIBOS_MAX_RAM_RANGES) {
        kprintf("libos: memory map has more than %u usable ranges; ignoring the rest\n",
                LIBOS_MAX_RAM_RANGES);
        return;
    }
    facts->ram[facts->ram_count++] =
        (struct libos_mem_range){e->base, e->base + e->length};
}

static int parse_mmap(struct libos_boot_facts *facts, const uint8_t *tag, uint32_t size)
{
    if (size < 16) return -1;
    uint32_t entry_size = *(const uint32_t *)(tag + 8);
    if (entry_size < sizeof(struct mb2_mmap_entry) || entry_size % 8) return -1;
    for (uint32_t off = 16; off + entry_size <= size; off += entry_size)
        add_ram(facts, (const struct mb2_mmap_entry *)(tag + off));
    return 0;
}

int libos_boot_parse(uint64_t info, struct libos_boot_facts *facts)
{
    *facts = (struct libos_boot_facts){.loader = loader};
    const uint8_t *base = (const uint8_t *)(uintptr_t)info;
    uint32_t total = *(const uint32_t *)base;
    if (info == 0 || info % 8 || total < 16 || total > INFO_MAX_SIZE) {
        kprintf("libos: bad multiboot2 information at 0x%llx (size %u)\n",
                (unsigned long long)info, total);
        return -1;
    }
    facts->info_start = info;
    facts->info_end = info + total;
    for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;) {
        const struct mb2_tag *tag = (const struct mb2_tag *)(base + off);
        if (tag->type == MB2_TAG_END) return 0;
        if (tag->size < sizeof(*tag) || tag->size > total - off) break;
        const char *payload = (const char *)(tag + 1);
        uint32_t payload_size = tag->size - sizeof(*tag);
        switch (tag->type) {
        case MB2_TAG_CMDLINE:
            copy_string(cmdline, sizeof(cmdline), payload, payload_size);
            break;
        case MB2_TAG_LOADER:
            copy_string(loader, sizeof(loader), payload, payload_size);
            break;
        case MB2_TAG_MMAP:
            if (parse_mmap(facts, (const uint8_t *)tag, tag->size) < 0) {
                kputs("libos: malformed multiboot2 memory map\n");
                return -1;
            }
            break;
        default:
            break;
        }
        off += (tag->size + 7) & ~7u;
    }
    kputs("libos: multiboot2 information without an end tag\n");
    return -1;
}
