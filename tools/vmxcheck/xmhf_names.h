/* SPDX-License-Identifier: Apache-2.0 */
/* XMHF's spelling of VMCS field names (guest_CR0, control_VMX_cpu_based, ...). */
#ifndef VMXCHECK_XMHF_NAMES_H
#define VMXCHECK_XMHF_NAMES_H

#include "parse_util.h"

/* The field an XMHF member name denotes; false if it names none. */
bool xmhf_field(struct span name, enum vmcs_field_id *id);

#endif /* VMXCHECK_XMHF_NAMES_H */
