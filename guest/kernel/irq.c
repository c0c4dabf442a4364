// SPDX-License-Identifier: MIT
/*
 * Interrupts: the timer tick, the spurious vector the APIC may raise, and
 * the devices' MSIs.
 */
#include <kernel/arch.h>
#include <kernel/sched.h>
#include <kernel/timer.h>
#include <kernel/irq.h>
#include <kernel/dma_engine.h>
#include <pagelab/dma_engine.h>

void handle_interrupt(struct trap_frame *f)
{
	switch (f->vector) {
	case VEC_TIMER:
		timer_eoi();
		timer_tick();
		break;
	case VEC_SPURIOUS: /* no EOI for the spurious vector */
		break;
	case PL_MSI_VEC_DMA_ENGINE:
		dma_engine_interrupt();
		timer_eoi();
		break;
	default:
		timer_eoi();
		break;
	}
}
