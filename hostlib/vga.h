/* SPDX-License-Identifier: MIT */
/* The VGA text screen as text (hostlib/vga.c). */
#ifndef PL_HOSTLIB_VGA_H
#define PL_HOSTLIB_VGA_H

struct pl_sandbox;

/* Writes the screen to cfg->vga_out, if set (at the end of a run). */
void pl_vga_dump(struct pl_sandbox *sb);

#endif
