#include <stdio.h>
#include "testing/guest.h"
static void t(void **state){ (void)state;
  struct guest g; guest_setup(&g, "modern");
  g.gprs.rbx=0x2222;
  guest_set(&g, VMCS_EXCEPTION_BITMAP, 0xffffffff);
  static const uint8_t c[]={0x0f,0xc7,0x73,0x10}; guest_code(&g,c,4); guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
  uint32_t r=guest_run(&g); struct guest_exit x=guest_exit_info(&g);
  printf("reason %u rip %lx intr %x idt %x qual %lx\n", r, x.rip, x.intr_info, x.idt_info, x.qual);
  guest_teardown(&g);}
int main(void){ const struct CMUnitTest tests[]={cmocka_unit_test(t)}; return cmocka_run_group_tests(tests,NULL,NULL);}
