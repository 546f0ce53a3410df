/* SPDX-License-Identifier: Apache-2.0 */
/* Mutation cases: basic VM-entry checks (checks/basic.def). */
#include "cases.h"

static void no_current_vmcs(struct test_entry *t) { t->in.vmcs = NULL; }
static void shadow_vmcs(struct test_entry *t) { t->in.current_is_shadow = true; }
static void after_mov_ss(struct test_entry *t) { t->in.mov_ss_blocking = true; }
static void launch_launched(struct test_entry *t) { t->in.launched = true; }
static void resume_clear(struct test_entry *t) { t->in.kind = VMM_RESUME; }
/* MOV-SS blocking is checked before the launch state. */
static void mov_ss_and_launched(struct test_entry *t) { t->in.mov_ss_blocking = t->in.launched = true; }

const struct mutation_case cases_basic[] = {
    {VMX_CHECK_BASIC_VMCS_NONE, BASE_LONG64, {{0}}, no_current_vmcs, "no current VMCS"},
    {VMX_CHECK_BASIC_VMCS_SHADOW, BASE_LONG64, {{0}}, shadow_vmcs, "current VMCS is a shadow VMCS"},
    {VMX_CHECK_BASIC_MOVSS, BASE_LONG64, {{0}}, after_mov_ss, "VMLAUNCH after MOV SS"},
    {VMX_CHECK_BASIC_MOVSS, BASE_LONG64, {{0}}, mov_ss_and_launched, "MOV SS wins over launch state"},
    {VMX_CHECK_BASIC_LAUNCH, BASE_LONG64, {{0}}, launch_launched, "VMLAUNCH of a launched VMCS"},
    {VMX_CHECK_BASIC_RESUME, BASE_LONG64, {{0}}, resume_clear, "VMRESUME of a clear VMCS"},
    /* A control failure comes after the basic checks... */
    {VMX_CHECK_BASIC_LAUNCH, BASE_LONG64, {SETF(PIN_BASED_VM_EXEC_CONTROL, 0)}, launch_launched,
     "launch state is checked before the controls"},
};
const size_t cases_basic_count = sizeof cases_basic / sizeof cases_basic[0];
