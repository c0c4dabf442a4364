/* SPDX-License-Identifier: MIT */
/*
 * The vDSO's bytes (guest/vdso/, built by guest/guest.mk) in the kernel's
 * read-only data, on pages of their own: every process maps these very
 * pages read+exec (kernel/vdso.c), so nothing is copied at exec.
 */
	.section .rodata.vdso, "a"
	.balign 4096
	.globl vdso_image_start
vdso_image_start:
	.incbin VDSO_SO_PATH
	.globl vdso_image_end
vdso_image_end:
	.balign 4096
	.section .note.GNU-stack, "", @progbits
