/* SPDX-License-Identifier: MIT */
/* Shared by the assembly files that build exception stubs. */
#ifndef GUEST_ARCH_VECTORS_H
#define GUEST_ARCH_VECTORS_H

/* The exceptions for which the CPU pushes an error code (SDM vol. 3, 6.13). */
#define EXC_HAS_ERROR_CODE(v)                                                                      \
	((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || (v) == 13 || (v) == 14 || (v) == 17 || \
	 (v) == 21 || (v) == 29 || (v) == 30)

#endif
