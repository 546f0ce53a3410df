/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The EPT walker: guest-physical to host-physical translation with the
 * misconfiguration and violation rules of SDM "EPT-Induced VM Exits" and
 * the flags of "Accessed and Dirty Flags for EPT".
 */
#include "vmm/ept.h"

#define MAX_LEVELS 5

const char *ept_misconfig_name(enum ept_misconfig m)
{
    switch (m) {
    case EPT_MISCONFIG_NONE: return "none";
    case EPT_MISCONFIG_WRITE_WITHOUT_READ: return "write permission without read (bits 2:0 010b or 110b)";
    case EPT_MISCONFIG_EXEC_ONLY: return "execute-only entry, not supported by the processor";
    case EPT_MISCONFIG_LARGE_PAGE: return "bit 7 set at a level that cannot map a page";
    case EPT_MISCONFIG_RESERVED_BIT: return "reserved bit set";
    case EPT_MISCONFIG_MEMTYPE: return "leaf memory type 2, 3 or 7";
    }
    return "?";
}

static uint64_t bits(unsigned hi, unsigned lo)
{
    return ((~0ull) >> (63 - hi)) & ~((1ull << lo) - 1);
}

int ept_walk_cfg_from_eptp(uint64_t eptp, const struct vmx_caps *caps, bool mbec,
                           struct ept_walk_cfg *cfg)
{
    uint64_t cap = caps->ept_vpid_cap;
    unsigned width = caps->raw.phys_addr_width;
    unsigned mt = (unsigned)(eptp & EPTP_MEMTYPE_MASK);
    unsigned walk = (unsigned)((eptp >> EPTP_WALK_SHIFT) & 7);
    if (width < 32 || width > 52)
        return VMM_E_INVAL;
    if (!((mt == EPT_MT_UC && (cap & VMX_EPT_CAP_MT_UC)) ||
          (mt == EPT_MT_WB && (cap & VMX_EPT_CAP_MT_WB))))
        return VMM_E_INVAL;
    if (!((walk == 3 && (cap & VMX_EPT_CAP_PWL4)) || (walk == 4 && (cap & VMX_EPT_CAP_PWL5))))
        return VMM_E_INVAL;
    if ((eptp & EPTP_AD) && !(cap & VMX_EPT_CAP_AD))
        return VMM_E_INVAL;
    if ((eptp & EPTP_SSS) && !(cap & VMX_EPT_CAP_SSS))
        return VMM_E_INVAL;
    if (eptp & (bits(11, 8) | bits(63, width)))
        return VMM_E_INVAL;
    *cfg = (struct ept_walk_cfg){
        .root = eptp & bits(width - 1, 12),
        .levels = (uint8_t)(walk + 1),
        .phys_addr_width = (uint8_t)width,
        .ad = (eptp & EPTP_AD) != 0,
        .mbec = mbec,
        .exec_only = (cap & VMX_EPT_CAP_EXEC_ONLY) != 0,
        .large_2m = (cap & VMX_EPT_CAP_2M) != 0,
        .large_1g = (cap & VMX_EPT_CAP_1G) != 0,
    };
    return VMM_OK;
}

/* The entry's permissions in EPT_R/W/X/XU form; 0 means not present. */
static unsigned entry_perms(uint64_t e, bool mbec)
{
    unsigned p = (unsigned)(e & 7);
    if (mbec && (e & EPTE_USER_EXEC))
        p |= EPT_XU;
    return p;
}

static bool large_allowed(const struct ept_walk_cfg *cfg, unsigned level)
{
    return (level == 2 && cfg->large_2m) || (level == 3 && cfg->large_1g);
}

/*
 * The misconfiguration rule a present entry breaks, if any; *leaf says
 * whether the walk ends at it.
 */
static enum ept_misconfig check_entry(const struct ept_walk_cfg *cfg, uint64_t e, unsigned level,
                                      bool *leaf)
{
    unsigned p = entry_perms(e, cfg->mbec);
    if ((p & (EPT_R | EPT_W)) == EPT_W)
        return EPT_MISCONFIG_WRITE_WITHOUT_READ;
    if (!(p & (EPT_R | EPT_W)) && !cfg->exec_only)
        return EPT_MISCONFIG_EXEC_ONLY; /* present, so some execute bit is set */
    *leaf = level == 1 || (e & EPTE_LARGE);
    if (level > 1 && (e & EPTE_LARGE) && !large_allowed(cfg, level))
        return EPT_MISCONFIG_LARGE_PAGE;
    uint64_t reserved = bits(51, cfg->phys_addr_width);
    if (!*leaf)
        reserved |= bits(6, 3);
    else if (level > 1)
        reserved |= bits(12 + 9 * (level - 1) - 1, 12); /* below the large page's address */
    if (e & reserved)
        return EPT_MISCONFIG_RESERVED_BIT;
    if (*leaf && !ept_memtype_valid((unsigned)((e & EPTE_MEMTYPE_MASK) >> EPTE_MEMTYPE_SHIFT)))
        return EPT_MISCONFIG_MEMTYPE;
    return EPT_MISCONFIG_NONE;
}

static unsigned required_perms(const struct ept_walk_cfg *cfg, unsigned access)
{
    unsigned need = 0;
    if (access & EPT_ACCESS_READ)
        need |= EPT_R;
    if (access & EPT_ACCESS_WRITE)
        need |= EPT_W;
    if (access & EPT_ACCESS_FETCH)
        need |= (cfg->mbec && (access & EPT_ACCESS_USER)) ? EPT_XU : EPT_X;
    return need;
}

static int fail_rc(int rc)
{
    return rc < 0 ? rc : VMM_E_FAULT;
}

/* Sets A on every entry used and D on the leaf for a write. */
static int update_ad(const struct ept_mem *mem, const uint64_t *entry, const vmm_hpa_t *addr,
                     unsigned top, unsigned leaf, bool write)
{
    for (unsigned level = top; level >= leaf; level--) {
        uint64_t want = entry[level - 1] | EPTE_ACCESSED;
        if (level == leaf && write)
            want |= EPTE_DIRTY;
        if (want != entry[level - 1]) {
            int rc = mem->write(mem->ctx, addr[level - 1], want);
            if (rc)
                return fail_rc(rc);
        }
    }
    return VMM_OK;
}

int ept_translate(const struct ept_walk_cfg *cfg, const struct ept_mem *mem, vmm_gpa_t gpa,
                  unsigned access, struct ept_translation *t)
{
    if (!cfg || !mem || !mem->read || !t || (cfg->ad && !mem->write))
        return VMM_E_INVAL;
    if ((cfg->levels != 4 && cfg->levels != 5) || cfg->phys_addr_width < 32 ||
        cfg->phys_addr_width > 52)
        return VMM_E_INVAL;
    if ((access & ~(EPT_ACCESS_READ | EPT_ACCESS_WRITE | EPT_ACCESS_FETCH | EPT_ACCESS_USER)) ||
        !(access & 7))
        return VMM_E_INVAL;
    if (gpa >> (12 + 9 * cfg->levels))
        return VMM_E_RANGE;

    *t = (struct ept_translation){.access = access};
    uint64_t entry[MAX_LEVELS];
    vmm_hpa_t addr[MAX_LEVELS];
    uint64_t addr_mask = bits(cfg->phys_addr_width - 1, 12);
    unsigned perms = cfg->mbec ? EPT_PERMS_ALL : (EPT_R | EPT_W | EPT_X);
    vmm_hpa_t table = cfg->root & addr_mask;
    unsigned level = cfg->levels;
    for (;; level--) {
        vmm_hpa_t ea = table + ((gpa >> (12 + 9 * (level - 1))) & 511) * 8;
        uint64_t e;
        int rc = mem->read(mem->ctx, ea, &e);
        if (rc)
            return fail_rc(rc);
        entry[level - 1] = e;
        addr[level - 1] = ea;
        t->level = (uint8_t)level;
        t->entry = e;
        t->entry_hpa = ea;
        unsigned p = entry_perms(e, cfg->mbec);
        if (!p) {
            t->outcome = EPT_VIOLATION;
            t->not_present = true;
            return VMM_OK;
        }
        bool leaf = false;
        enum ept_misconfig mc = check_entry(cfg, e, level, &leaf);
        if (mc != EPT_MISCONFIG_NONE) {
            t->outcome = EPT_MISCONFIG;
            t->misconfig = mc;
            return VMM_OK;
        }
        perms &= p;
        if (leaf)
            break;
        table = e & addr_mask;
    }

    t->perms = (uint8_t)perms;
    unsigned need = required_perms(cfg, access);
    if ((perms & need) != need) {
        t->outcome = EPT_VIOLATION;
        return VMM_OK;
    }
    uint64_t leaf_entry = entry[level - 1];
    t->outcome = EPT_TRANSLATED;
    t->page_size = ept_level_size(level);
    t->hpa = (leaf_entry & addr_mask & ~(t->page_size - 1)) | (gpa & (t->page_size - 1));
    t->memtype = (uint8_t)((leaf_entry & EPTE_MEMTYPE_MASK) >> EPTE_MEMTYPE_SHIFT);
    t->ignore_pat = (leaf_entry & EPTE_IGNORE_PAT) != 0;
    if (cfg->ad)
        return update_ad(mem, entry, addr, cfg->levels, level, (access & EPT_ACCESS_WRITE) != 0);
    return VMM_OK;
}
