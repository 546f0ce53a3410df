/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz harness: vmxcheck's dump parsers (vmxdump_parse, format detection
 * included) on arbitrary text, then the validator on what they read.
 * Invariants, each an abort() when broken:
 *  - no crash or undefined behaviour, no read outside the input;
 *  - a refusal is a negative error with a terminated message and a line
 *    number within the input;
 *  - a parsed dump is well formed: a real format, field values within
 *    their widths, the count of given fields matching the bitmap, line
 *    numbers within the input, bounded lists and terminated notes;
 *  - libvmm's own dump of the parsed image (vmcs_image_dump) reads back
 *    as the same image;
 *  - the validator's invariants (entry_invariants.h) hold on the image as
 *    parsed (with a built-in profile's capabilities) and on the image
 *    vmxcheck completes with its guessed capabilities, and vmxcheck's
 *    verdict is the validator's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "entry_invariants.h"
#include "vmm/textbuf.h"

static struct {
    bool ready;
    size_t nprofiles;
    struct vmx_caps profile[8];
    struct vmxdump d, again;
    struct capspec caps;
    struct assumed assumed;
    struct vmxcheck_result result;
    char text[64 * 1024];
} s;

static _Noreturn void fail(const char *what, unsigned long long a)
{
    fprintf(stderr, "vmxcheck_parser: INVARIANT VIOLATED: %s (%#llx)\n", what, a);
    abort();
}

static void setup(void)
{
    for (size_t i = 0; i < vmx_profile_count && s.nprofiles < 8; i++)
        if (vmx_caps_parse(vmx_profiles[i].raw, &s.profile[s.nprofiles], NULL) == VMM_OK)
            s.nprofiles++;
    if (!s.nprofiles)
        abort();
    s.ready = true;
}

static bool terminated(const char *s, size_t cap)
{
    return memchr(s, 0, cap) != NULL;
}

/* At most the lines the parsers count: LF, CR and CR LF each end one. */
static size_t count_lines(const uint8_t *data, size_t size)
{
    size_t n = 1;
    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n' || (data[i] == '\r' && !(i + 1 < size && data[i + 1] == '\n'));
    return n;
}

static void check_refusal(int rc, const struct vmxdump_error *err, size_t lines)
{
    if (rc >= 0)
        fail("a refusal that is not a negative error", (unsigned)rc);
    if (!terminated(err->message, sizeof err->message) || !err->message[0])
        fail("an error without a message", (unsigned)rc);
    if (err->line > lines)
        fail("an error line beyond the input", err->line);
}

static void check_dump(const struct vmxdump *d, size_t lines)
{
    if (d->format == VMXDUMP_AUTO || d->format >= VMXDUMP_FORMAT_COUNT)
        fail("parsed as no format", d->format);
    if (d->lines > lines)
        fail("more lines than the input has", d->lines);
    unsigned given = 0;
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
        enum vmcs_field_id id = (enum vmcs_field_id)i;
        if (d->vmcs.value[i] & ~vmcs_width_mask((enum vmcs_width)vmcs_field_table[i].width))
            fail("a value wider than its field", i);
        if (vmxdump_given(d, id)) {
            given++;
            if (d->line_of[i] > d->lines)
                fail("a field from a line beyond the input", i);
        }
    }
    for (unsigned w = VMCS_FIELD_COUNT; w < 64 * VMXDUMP_BITMAP_WORDS; w++)
        if ((d->given[w / 64] >> (w % 64)) & 1)
            fail("a given bit beyond the field table", w);
    if (given != d->nfields)
        fail("nfields differs from the given bitmap", d->nfields);
    for (unsigned k = 0; k < VMXDUMP_MSR_LIST_COUNT; k++)
        if (d->msrs[k].n > VMXDUMP_MAX_MSRS)
            fail("an MSR list longer than its array", d->msrs[k].n);
    if (d->nnotes > VMXDUMP_MAX_NOTES)
        fail("more notes than fit", d->nnotes);
    for (unsigned k = 0; k < d->nnotes; k++)
        if (!terminated(d->note[k], VMXDUMP_NOTE_LEN))
            fail("an unterminated note", k);
}

/* libvmm's dump of the image reads back as the same image. */
static void check_round_trip(const struct vmxdump *d)
{
    struct vmm_textbuf tb;
    tb_init(&tb, s.text, sizeof s.text);
    vmcs_image_dump(&d->vmcs, NULL, VMCS_DUMP_NONZERO, &tb);
    if (!tb_complete(&tb))
        fail("the dump of one image does not fit 64 KiB", tb.len);
    if (tb.len == 0)
        return; /* every field 0: nothing to read back */
    struct vmxdump_error err;
    int rc = vmxdump_parse_as(s.text, tb.len, VMXDUMP_LIBVMM, &s.again, &err);
    if (rc != VMM_OK) {
        fprintf(stderr, "vmxcheck_parser: line %u: %s\n", err.line, err.message);
        fail("libvmm's own dump does not parse", (unsigned)rc);
    }
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++)
        if (s.again.vmcs.value[i] != d->vmcs.value[i]) {
            fprintf(stderr, "vmxcheck_parser: %s: %#llx read back as %#llx\n",
                    vmcs_field_table[i].name, (unsigned long long)d->vmcs.value[i],
                    (unsigned long long)s.again.vmcs.value[i]);
            fail("libvmm's own dump reads back differently", i);
        }
}

static bool same_verdict(const struct vmx_entry_verdict *a, const struct vmx_entry_verdict *b)
{
    return a->outcome == b->outcome && a->error == b->error && a->exit_reason == b->exit_reason &&
           a->qualification == b->qualification && a->check == b->check;
}

static void check_validator(const struct vmxdump *d, size_t size)
{
    bool resume = d->stated.insn == VMXDUMP_INSN_VMRESUME;
    struct vmx_entry_input in = {
        .vmcs = &d->vmcs,
        .caps = &s.profile[size % s.nprofiles],
        .kind = resume ? VMM_RESUME : VMM_LAUNCH,
        .launched = resume,
        .host_lma = true,
    };
    entry_invariants_check(&in, "vmxcheck_parser (image as parsed)");

    struct vmxdump_error err;
    if (capspec_guess(d, &s.caps, &err) != VMM_OK)
        return;
    if (vmxcheck_run(d, &s.caps, &s.assumed, &s.result) != VMM_OK)
        fail("vmxcheck_run refused a parsed dump", 0);
    struct vmx_entry_verdict v =
        entry_invariants_check(&s.assumed.in, "vmxcheck_parser (completed by vmxcheck)");
    if (!same_verdict(&v, &s.result.verdict))
        fail("vmxcheck's verdict is not the validator's", s.result.verdict.check);
    if (s.result.n > VMXCHECK_MAX_FAILURES || s.result.nfindings > s.result.n)
        fail("vmxcheck's failure counts are inconsistent", s.result.n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!s.ready)
        setup();
    size_t lines = count_lines(data, size);
    struct vmxdump_error err;
    memset(&err, 0, sizeof err);
    int rc = vmxdump_parse((const char *)data, size, &s.d, &err);
    if (rc != VMM_OK) {
        check_refusal(rc, &err, lines);
        return 0;
    }
    check_dump(&s.d, lines);
    check_round_trip(&s.d);
    check_validator(&s.d, size);
    return 0;
}
