// SPDX-License-Identifier: MIT
/*
 * Interrupts: the timer tick, and the spurious vector the APIC may raise.
 */
#include <kernel/arch.h>
#include <kernel/sched.h>
#include <kernel/timer.h>
#include <kernel/irq.h>

void handle_interrupt(struct trap_frame *f)
{
	switch (f->vector) {
	case VEC_TIMER:
		timer_eoi();
		timer_tick();
		break;
	case VEC_SPURIOUS: /* no EOI for the spurious vector */
		break;
	default:
		timer_eoi();
		break;
	}
}
