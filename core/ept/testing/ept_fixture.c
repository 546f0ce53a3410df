/* SPDX-License-Identifier: Apache-2.0 */
#include "ept_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

void fixture_setup(struct ept_fixture *f, uint64_t ept_cap, unsigned phys_addr_width)
{
    struct vmx_raw_caps raw = {.phys_addr_width = (uint8_t)phys_addr_width};
    *f = (struct ept_fixture){0};
    cpu_test_double_init(&f->td, &raw);
    assert_int_equal(cpu_test_double_enable_pages(&f->td, 1u << 16), VMM_OK);
    f->caps.raw = raw;
    f->caps.phys_addr_width = (uint8_t)phys_addr_width;
    f->caps.ept_vpid_cap = ept_cap;
}

void fixture_teardown(struct ept_fixture *f, bool ept_live)
{
    if (ept_live)
        assert_int_equal(ept_destroy(&f->ept), VMM_OK);
    assert_int_equal(f->td.pages_live, 0);
    cpu_test_double_fini(&f->td);
}

static int td_read(void *ctx, vmm_hpa_t hpa, uint64_t *value)
{
    struct ept_fixture *f = ctx;
    uint64_t *p = (hpa & 7) ? NULL : cpu_test_double_hva(&f->td, hpa);
    if (!p)
        return VMM_E_FAULT;
    f->reads++;
    *value = *p;
    return VMM_OK;
}

static int td_write(void *ctx, vmm_hpa_t hpa, uint64_t value)
{
    struct ept_fixture *f = ctx;
    uint64_t *p = (hpa & 7) ? NULL : cpu_test_double_hva(&f->td, hpa);
    if (!p)
        return VMM_E_FAULT;
    f->writes++;
    *p = value;
    return VMM_OK;
}

void fixture_mem(struct ept_fixture *f, struct ept_mem *mem)
{
    *mem = (struct ept_mem){.read = td_read, .write = td_write, .ctx = f};
}
