/* SPDX-License-Identifier: MIT */
/* Interrupts (irq.c): the timer tick, the APIC's spurious vector, device MSIs. */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

struct trap_frame;

void handle_interrupt(struct trap_frame *f);
/*
 * fn runs (interrupts off, after the EOI) for every MSI on vector, one of
 * the devices' PL_MSI_VEC_DEVICE_FIRST..LAST: 0, or -1 for another vector.
 */
int irq_set_handler(unsigned vector, void (*fn)(void));

#endif
