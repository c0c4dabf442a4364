/* SPDX-License-Identifier: MIT */
/*
 * The operation codes of the harnesses that read their input as a list of
 * operations, shared with the seed generator (seeds.c).
 */
#ifndef PL_FUZZ_OPS_H
#define PL_FUZZ_OPS_H

/* fuzz_namei: the opcode byte, then one path (two for rename and link). */
enum namei_op {
	NAMEI_MKDIR,
	NAMEI_CREATE,
	NAMEI_UNLINK,
	NAMEI_RMDIR,
	NAMEI_CHDIR,
	NAMEI_RENAME,
	NAMEI_LINK,
	NAMEI_GETCWD,
	NR_NAMEI_OPS
};

/*
 * fuzz_hypercall: the opcode byte, then
 *   POKE   u32 gpa, u8 len, len bytes     (into guest memory)
 *   HCALL  u32 gpa, u8 nr (< 0xf0: nr % 6, else a u32 follows), 4 x u64 args
 *   PIO    u16 port, u8 how, u64 data      (how: size - 1 in bits 0-2, bit 3 write)
 *   MMIO   u64 addr, u8 how, u64 data      (how as PIO, bit 4: addr is ROM-relative)
 */
enum device_op { DEV_POKE, DEV_HCALL, DEV_PIO, DEV_MMIO, NR_DEVICE_OPS };
#define DEV_HOW_WRITE 8
#define DEV_HOW_ROM   16

#endif
