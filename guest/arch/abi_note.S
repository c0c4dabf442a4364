/* SPDX-License-Identifier: MIT */
/*
 * The note that makes this file a pagelab kernel (include/pagelab/abi.h):
 * the host reads the ABI version here before it loads anything.
 */
#include <pagelab/abi.h>

	.section .note.pagelab, "a", @note
	.balign 4
	.long 2f - 1f		/* namesz, with the NUL */
	.long 4f - 3f		/* descsz */
	.long PL_ELFNOTE_ABI	/* type */
1:	.asciz PL_ELFNOTE_NAME
2:	.balign 4
3:	.long PL_ABI_VERSION
4:	.balign 4
