/* SPDX-License-Identifier: MIT */
/* The BIOS ROM's contents (hostlib/rom.c). */
#ifndef PL_HOSTLIB_ROM_H
#define PL_HOSTLIB_ROM_H

#include <stddef.h>

#include <pagelab/hostlib.h>

/*
 * Fills the ROM's host memory: the image at path, or without one the
 * identification string, which goes to ident too ("" for an image).
 * 0, or -1 with pl_error() (the image is missing, empty, too big, or not
 * a regular file).
 */
int pl_rom_fill(char *rom, size_t size, const char *path, char *ident, size_t ident_size);

#endif
