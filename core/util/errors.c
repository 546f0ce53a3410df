/* SPDX-License-Identifier: Apache-2.0 */
/* Names for enum vmm_err. */
#include "vmm/types.h"

const char *vmm_strerror(int err)
{
    switch (err) {
    case VMM_OK: return "success";
    case VMM_E_INVAL: return "invalid argument or input";
    case VMM_E_NOENT: return "no such entry";
    case VMM_E_UNSUPPORTED: return "not supported";
    case VMM_E_NOMEM: return "out of memory";
    case VMM_E_RANGE: return "out of range";
    case VMM_E_FAULT: return "memory access failed";
    case VMM_E_STATE: return "not valid in the current state";
    default: return "unknown error";
    }
}
