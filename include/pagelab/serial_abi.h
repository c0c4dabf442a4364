/* SPDX-License-Identifier: MIT */
/*
 * Running the kernel without pagelab's VMM (QEMU, through the PVH entry):
 * the command line that carries the run, and the hypercalls framed over a
 * 16550 UART instead of the hypercall port. Included by the guest and by
 * the host's QEMU runner; plain integer types only, as abi.h.
 */
#ifndef PAGELAB_SERIAL_ABI_H
#define PAGELAB_SERIAL_ABI_H

#include <stdint.h>

/*
 * The PVH command line: kernel options (bootargs) as words, and words the
 * kernel turns into /chosen properties instead. Values are percent-encoded
 * (every byte outside '!'..'~', and '%', as %XX), so a word never holds a
 * space; one word per argument, in order; an empty value is an empty string.
 */
#define PL_PVH_ARG_ARGV	   "pl.argv="
#define PL_PVH_ARG_ENVP	   "pl.env="
#define PL_PVH_ARG_TSC_KHZ "pl.tsc_khz="
#define PL_PVH_ARG_EPOCH   "pl.epoch_ns="
/* The most the kernel keeps of the argument (and of the environment) strings, NULs included. */
#define PL_PVH_STRINGS_MAX (32 * 1024)

/*
 * The UART the frames travel on (COM2; COM1 stays the console UART), and
 * QEMU's isa-debug-exit, placed at pagelab's exit port: it only stops
 * QEMU, since its status keeps 8 bits shifted; the status itself travels
 * in a PL_SERIAL_EXIT frame.
 */
#define PL_FDT_COMPAT_SERIAL_HC	 "pagelab,hypercall-16550"
#define PL_PORT_COM2		 0x2f8
#define PL_FDT_COMPAT_DEBUG_EXIT "qemu,isa-debug-exit"

#define PL_SERIAL_CALL_MAGIC  0x31434c50u /* "PLC1" */
#define PL_SERIAL_REPLY_MAGIC 0x31524c50u /* "PLR1" */
/* A frame number beside enum pl_hcall_nr: arg0 = the run's exit status. */
#define PL_SERIAL_EXIT 0x100

/*
 * Guest -> host: this header, then len payload bytes: the buffer of a
 * PL_HC_WRITE, the struct pl_panic_report of PL_HC_PANIC/_DEADLOCK,
 * nothing otherwise. Addresses in arg[] are the guest's and mean nothing
 * to the host; lengths are checked against PL_HC_MAX_LEN.
 */
struct pl_serial_call {
	uint32_t magic;
	uint32_t nr;
	uint64_t arg[4];
	uint32_t len;
	uint32_t pad;
};

/*
 * Host -> guest: these 12 bytes, then, for a PL_HC_READ that read ret > 0
 * bytes, those bytes. 12, because QEMU's 16550 takes at most 14 bytes
 * from the host at once (its FIFO trigger level); each further byte costs
 * a turn of QEMU's main loop.
 */
struct pl_serial_reply {
	uint32_t magic;
	int64_t ret;
} __attribute__((packed));

#endif
