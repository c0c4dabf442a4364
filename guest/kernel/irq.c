// SPDX-License-Identifier: MIT
/*
 * Interrupts: the timer tick, the APIC's spurious vector, and the devices'
 * MSIs (vectors PL_MSI_VEC_DEVICE_FIRST..LAST, one handler each).
 */
#include <kernel/arch.h>
#include <kernel/sched.h>
#include <kernel/timer.h>
#include <kernel/irq.h>
#include <pagelab/abi.h>

#define DEVICE_VECTORS (PL_MSI_VEC_DEVICE_LAST - PL_MSI_VEC_DEVICE_FIRST + 1)

static void (*device_handler[DEVICE_VECTORS])(void);

int irq_set_handler(unsigned vector, void (*fn)(void))
{
	if (vector < PL_MSI_VEC_DEVICE_FIRST || vector > PL_MSI_VEC_DEVICE_LAST)
		return -1;
	device_handler[vector - PL_MSI_VEC_DEVICE_FIRST] = fn;
	return 0;
}

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
		/* EOI first: an MSI raised while the handler runs is not lost. */
		timer_eoi();
		if (f->vector >= PL_MSI_VEC_DEVICE_FIRST && f->vector <= PL_MSI_VEC_DEVICE_LAST &&
		    device_handler[f->vector - PL_MSI_VEC_DEVICE_FIRST])
			device_handler[f->vector - PL_MSI_VEC_DEVICE_FIRST]();
		break;
	}
}
