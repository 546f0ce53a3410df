/* SPDX-License-Identifier: Apache-2.0 */
/* Host memory, the page allocator, guest RAM and configuration checks. */
#include <string.h>

#include "testing/fixture.h"

/* 1 MiB of host memory, the first 256 KiB guest RAM at GPA 1 MiB. */
static struct sim_config small_config(void)
{
    struct sim_config cfg = sim_config_default();
    cfg.host_mem_size = 1u << 20;
    cfg.guest_ram_size = 256u << 10;
    cfg.guest_ram_gpa = 1u << 20;
    return cfg;
}

static void host_memory_is_one_page_aligned_buffer_of_the_configured_size(void **state)
{
    (void)state;
    struct sim_config cfg = small_config();
    struct fixture f;
    fixture_create_cfg(&f, &cfg);
    assert_int_equal(sim_host_mem_size(f.sim), 1u << 20);
    assert_int_equal((uintptr_t)sim_host_mem(f.sim) % 4096, 0);
    struct sim_guest_ram ram = sim_guest_ram(f.sim);
    assert_int_equal(ram.gpa, 1u << 20);
    assert_int_equal(ram.hpa, 0);
    assert_int_equal(ram.size, 256u << 10);
    fixture_destroy(&f);
}

static void alloc_page_returns_a_zeroed_aligned_page_inside_host_memory(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    struct vmm_host_page p;
    assert_int_equal(f.cpu->ops->alloc_page(f.cpu, &p), VMM_OK);
    assert_int_equal(p.hpa % 4096, 0);
    assert_true(p.hpa + 4096 <= sim_host_mem_size(f.sim));
    assert_ptr_equal(p.hva, sim_host_mem(f.sim) + p.hpa);
    static const uint8_t zero[4096];
    assert_memory_equal(p.hva, zero, sizeof zero);
    fixture_destroy(&f);
}

static void alloc_page_never_hands_out_guest_ram(void **state)
{
    (void)state;
    struct sim_config cfg = small_config();
    struct fixture f;
    fixture_create_cfg(&f, &cfg);
    struct vmm_host_page p;
    unsigned n = 0;
    while (f.cpu->ops->alloc_page(f.cpu, &p) == VMM_OK) {
        assert_true(p.hpa >= cfg.guest_ram_size);
        n++;
    }
    assert_int_equal(n, (cfg.host_mem_size - cfg.guest_ram_size) / 4096);
    fixture_destroy(&f);
}

static void alloc_page_never_hands_out_page_zero(void **state)
{
    (void)state;
    struct sim_config cfg = small_config();
    cfg.guest_ram_size = 0;
    struct fixture f;
    fixture_create_cfg(&f, &cfg);
    struct vmm_host_page p;
    unsigned n = 0;
    while (f.cpu->ops->alloc_page(f.cpu, &p) == VMM_OK) {
        assert_true(p.hpa != 0);
        n++;
    }
    assert_int_equal(n, cfg.host_mem_size / 4096 - 1);
    fixture_destroy(&f);
}

static void alloc_page_fails_with_nomem_when_exhausted_and_recovers_after_free(void **state)
{
    (void)state;
    struct sim_config cfg = small_config();
    struct fixture f;
    fixture_create_cfg(&f, &cfg);
    struct vmm_host_page p, last = {0};
    while (f.cpu->ops->alloc_page(f.cpu, &p) == VMM_OK)
        last = p;
    assert_int_equal(f.cpu->ops->alloc_page(f.cpu, &p), VMM_E_NOMEM);
    assert_int_equal(f.cpu->ops->free_page(f.cpu, last.hpa), VMM_OK);
    assert_int_equal(f.cpu->ops->alloc_page(f.cpu, &p), VMM_OK);
    assert_int_equal(p.hpa, last.hpa);
    fixture_destroy(&f);
}

static void a_freed_page_comes_back_zeroed(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    struct vmm_host_page a, b;
    assert_int_equal(f.cpu->ops->alloc_page(f.cpu, &a), VMM_OK);
    memset(a.hva, 0xa5, 4096);
    assert_int_equal(f.cpu->ops->free_page(f.cpu, a.hpa), VMM_OK);
    assert_int_equal(f.cpu->ops->alloc_page(f.cpu, &b), VMM_OK);
    assert_int_equal(b.hpa, a.hpa); /* lowest free page first */
    static const uint8_t zero[4096];
    assert_memory_equal(b.hva, zero, sizeof zero);
    fixture_destroy(&f);
}

static void pages_are_handed_out_lowest_first_and_distinct(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    struct vmm_host_page p[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(f.cpu->ops->alloc_page(f.cpu, &p[i]), VMM_OK);
    assert_int_equal(p[1].hpa, p[0].hpa + 4096);
    assert_int_equal(p[2].hpa, p[1].hpa + 4096);
    assert_int_equal(f.cpu->ops->free_page(f.cpu, p[1].hpa), VMM_OK);
    struct vmm_host_page q;
    assert_int_equal(f.cpu->ops->alloc_page(f.cpu, &q), VMM_OK);
    assert_int_equal(q.hpa, p[1].hpa);
    fixture_destroy(&f);
}

static void free_page_refuses_a_double_free(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    struct vmm_host_page p;
    assert_int_equal(f.cpu->ops->alloc_page(f.cpu, &p), VMM_OK);
    assert_int_equal(f.cpu->ops->free_page(f.cpu, p.hpa), VMM_OK);
    assert_int_equal(f.cpu->ops->free_page(f.cpu, p.hpa), VMM_E_INVAL);
    fixture_destroy(&f);
}

static void free_page_refuses_hpas_it_never_handed_out(void **state)
{
    (void)state;
    struct sim_config cfg = small_config();
    struct fixture f;
    fixture_create_cfg(&f, &cfg);
    struct vmm_host_page p;
    assert_int_equal(f.cpu->ops->alloc_page(f.cpu, &p), VMM_OK);
    const vmm_hpa_t foreign[] = {
        p.hpa + 8,               /* not page-aligned */
        p.hpa + 4096,            /* in the pool but not allocated */
        0,                       /* page 0 (guest RAM here) */
        cfg.guest_ram_size - 4096, /* guest RAM */
        cfg.host_mem_size,       /* beyond host memory */
        ~0ull & ~0xfffull,       /* far beyond */
    };
    for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
        assert_int_equal(f.cpu->ops->free_page(f.cpu, foreign[i]), VMM_E_INVAL);
    assert_int_equal(f.cpu->ops->free_page(f.cpu, p.hpa), VMM_OK);
    fixture_destroy(&f);
}

static void alloc_page_rejects_a_null_page(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    assert_int_equal(f.cpu->ops->alloc_page(f.cpu, NULL), VMM_E_INVAL);
    fixture_destroy(&f);
}

static void gpa_write_lands_in_host_memory_at_the_guest_ram_hpa(void **state)
{
    (void)state;
    struct sim_config cfg = small_config();
    struct fixture f;
    fixture_create_cfg(&f, &cfg);
    const char msg[] = "guest RAM";
    assert_int_equal(f.cpu->ops->gpa_write(f.cpu, cfg.guest_ram_gpa + 0x1234, msg, sizeof msg),
                     VMM_OK);
    assert_memory_equal(sim_host_mem(f.sim) + 0x1234, msg, sizeof msg);
    char back[sizeof msg];
    assert_int_equal(f.cpu->ops->gpa_read(f.cpu, cfg.guest_ram_gpa + 0x1234, back, sizeof back),
                     VMM_OK);
    assert_memory_equal(back, msg, sizeof msg);
    fixture_destroy(&f);
}

static void gpa_access_covering_all_of_guest_ram_succeeds(void **state)
{
    (void)state;
    struct sim_config cfg = small_config();
    struct fixture f;
    fixture_create_cfg(&f, &cfg);
    static uint8_t buf[256u << 10];
    assert_int_equal(f.cpu->ops->gpa_read(f.cpu, cfg.guest_ram_gpa, buf, sizeof buf), VMM_OK);
    assert_int_equal(f.cpu->ops->gpa_write(f.cpu, cfg.guest_ram_gpa, buf, sizeof buf), VMM_OK);
    fixture_destroy(&f);
}

static void gpa_access_outside_guest_ram_is_a_range_error_and_copies_nothing(void **state)
{
    (void)state;
    struct sim_config cfg = small_config();
    struct fixture f;
    fixture_create_cfg(&f, &cfg);
    const uint64_t base = cfg.guest_ram_gpa, end = base + cfg.guest_ram_size;
    const struct {
        uint64_t gpa;
        size_t len;
    } outside[] = {
        {base - 1, 2},        /* starts below */
        {0, 1},               /* far below */
        {end - 4, 8},         /* straddles the end */
        {end, 1},             /* just past the end */
        {~0ull - 3, 8},       /* wraps around */
        {base + 8, SIZE_MAX}, /* absurd length */
    };
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        uint8_t buf[16];
        memset(buf, 0x5a, sizeof buf);
        size_t len = outside[i].len < sizeof buf ? outside[i].len : sizeof buf;
        /* Reads copy nothing into buf; writes change nothing in memory. */
        assert_int_equal(f.cpu->ops->gpa_read(f.cpu, outside[i].gpa, buf, outside[i].len),
                         VMM_E_RANGE);
        for (size_t b = 0; b < len; b++)
            assert_int_equal(buf[b], 0x5a);
        assert_int_equal(f.cpu->ops->gpa_write(f.cpu, outside[i].gpa, buf, outside[i].len),
                         VMM_E_RANGE);
    }
    /* The straddling write left the last bytes of guest RAM alone. */
    for (uint64_t b = cfg.guest_ram_size - 4; b < cfg.guest_ram_size; b++)
        assert_int_equal(sim_host_mem(f.sim)[b], 0);
    fixture_destroy(&f);
}

static void gpa_access_of_zero_bytes_succeeds_anywhere(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    assert_int_equal(f.cpu->ops->gpa_read(f.cpu, ~0ull, NULL, 0), VMM_OK);
    assert_int_equal(f.cpu->ops->gpa_write(f.cpu, ~0ull, NULL, 0), VMM_OK);
    fixture_destroy(&f);
}

static void create_refuses_bad_configurations(void **state)
{
    (void)state;
    struct sim *s = NULL;
    struct sim_config cfg = small_config();
    cfg.profile = "no-such-cpu";
    assert_int_equal(sim_create(&cfg, &s), VMM_E_NOENT);

    const struct {
        const char *what;
        uint64_t host, ram, gpa;
        const char *profile;
    } bad[] = {
        {"no host memory", 0, 0, 0, "modern"},
        {"host memory not a page multiple", (1u << 20) + 1, 0, 0, "modern"},
        {"guest RAM not a page multiple", 1u << 20, 4097, 0, "modern"},
        {"guest RAM GPA unaligned", 1u << 20, 4096, 0x800, "modern"},
        {"guest RAM fills host memory", 1u << 20, 1u << 20, 0, "modern"},
        {"guest RAM larger than host memory", 1u << 20, 2u << 20, 0, "modern"},
        {"only page 0", 4096, 0, 0, "modern"},
        {"host memory beyond MAXPHYADDR (36 bits)", 1ull << 37, 0, 0, "minimal"},
        {"guest RAM beyond MAXPHYADDR", 1u << 20, 4096, 1ull << 36, "minimal"},
        {"guest RAM end wraps", 1u << 20, 8192, ~0ull & ~0xfffull, "modern"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cfg = sim_config_default();
        cfg.profile = bad[i].profile;
        cfg.host_mem_size = bad[i].host;
        cfg.guest_ram_size = bad[i].ram;
        cfg.guest_ram_gpa = bad[i].gpa;
        if (sim_create(&cfg, &s) != VMM_E_INVAL)
            fail_msg("accepted: %s", bad[i].what);
    }
    assert_int_equal(sim_create(NULL, &s), VMM_E_INVAL);
    cfg = sim_config_default();
    assert_int_equal(sim_create(&cfg, NULL), VMM_E_INVAL);
    cfg.profile = NULL;
    assert_int_equal(sim_create(&cfg, &s), VMM_E_INVAL);
}

static void instances_share_nothing(void **state)
{
    (void)state;
    struct fixture a, b;
    fixture_create(&a, "modern");
    fixture_create(&b, "modern");
    assert_ptr_not_equal(sim_host_mem(a.sim), sim_host_mem(b.sim));
    const uint32_t v = 0xdeadbeef;
    assert_int_equal(a.cpu->ops->gpa_write(a.cpu, 0x1000, &v, sizeof v), VMM_OK);
    uint32_t got = 1;
    assert_int_equal(b.cpu->ops->gpa_read(b.cpu, 0x1000, &got, sizeof got), VMM_OK);
    assert_int_equal(got, 0);
    fixture_destroy(&a);
    fixture_destroy(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_memory_is_one_page_aligned_buffer_of_the_configured_size),
        cmocka_unit_test(alloc_page_returns_a_zeroed_aligned_page_inside_host_memory),
        cmocka_unit_test(alloc_page_never_hands_out_guest_ram),
        cmocka_unit_test(alloc_page_never_hands_out_page_zero),
        cmocka_unit_test(alloc_page_fails_with_nomem_when_exhausted_and_recovers_after_free),
        cmocka_unit_test(a_freed_page_comes_back_zeroed),
        cmocka_unit_test(pages_are_handed_out_lowest_first_and_distinct),
        cmocka_unit_test(free_page_refuses_a_double_free),
        cmocka_unit_test(free_page_refuses_hpas_it_never_handed_out),
        cmocka_unit_test(alloc_page_rejects_a_null_page),
        cmocka_unit_test(gpa_write_lands_in_host_memory_at_the_guest_ram_hpa),
        cmocka_unit_test(gpa_access_covering_all_of_guest_ram_succeeds),
        cmocka_unit_test(gpa_access_outside_guest_ram_is_a_range_error_and_copies_nothing),
        cmocka_unit_test(gpa_access_of_zero_bytes_succeeds_anywhere),
        cmocka_unit_test(create_refuses_bad_configurations),
        cmocka_unit_test(instances_share_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
