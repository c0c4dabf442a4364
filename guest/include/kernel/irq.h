/* SPDX-License-Identifier: MIT */
/* Interrupts (irq.c): the timer tick and the APIC's spurious vector. */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

struct trap_frame;

void handle_interrupt(struct trap_frame *f);

#endif
