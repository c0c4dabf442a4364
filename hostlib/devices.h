/* SPDX-License-Identifier: MIT */
/* The device model: registration, dispatch, and the built-in devices. */
#ifndef PL_HOSTLIB_DEVICES_H
#define PL_HOSTLIB_DEVICES_H

#include "sandbox.h"

/*
 * Puts dev on the buses and in the sandbox's list. A built-in device may
 * have windows anywhere; one from a host program only MMIO windows inside
 * the device window. 0, or -errno with pl_error() naming the device and
 * the window; nothing is changed then.
 */
int pl_device_register(struct pl_sandbox *sb, struct pl_device *dev, bool builtin);
/* Calls every device's destroy, last registered first, and forgets them. */
void pl_devices_release(struct pl_sandbox *sb);
/* Every device's reset, before the first step. */
void pl_devices_reset(struct pl_sandbox *sb);
/* The devices' counters into sb->res. */
void pl_devices_stats(struct pl_sandbox *sb);

/*
 * The protocol of the exit and hypercall ports: one 32-bit out to the port
 * itself. 0 with the value written, or -1 with the run ended for anything
 * else (a read, another width, an offset into the port).
 */
int pl_port_out32(struct pl_sandbox *sb, const char *what, uint16_t port, uint64_t offset,
		  const void *data, unsigned len, bool write, uint32_t *value);

/* The built-in devices (platform.c, uart.c, hypercall.c). Each returns 0 or -1 with pl_error(). */
int pl_uart_add(struct pl_sandbox *sb);
int pl_hcall_add(struct pl_sandbox *sb);
int pl_console_add(struct pl_sandbox *sb);
/* The virtio-iommu (viommu.c). */
int pl_viommu_add(struct pl_sandbox *sb);
/* The DMA engine behind it (dma_engine_dev.c), endpoint PL_DMA_ENGINE_ENDPOINT. */
int pl_dma_engine_add(struct pl_sandbox *sb);
/* Copies the ROM device's identification string into the ROM, once memory is mapped. */
/* The ROM image (--rom) or the identification string, into the ROM slot. */
int pl_rom_load(struct pl_sandbox *sb, const char *image);

/* The hypercall device's counters, by hypercall number (0: unknown numbers). */
enum { PL_HC_COUNTERS = PL_HC_POLL + 1, PL_HC_COUNTER_CORES = PL_HC_COUNTERS };

#endif
