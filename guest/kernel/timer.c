// SPDX-License-Identifier: MIT
/*
 * Time: the x2APIC timer in periodic mode for preemption and sleeps, and
 * the TSC (frequency from the device tree) for clocks. The clocks' base
 * values live in the vDSO's data page (kernel/vvar.h), so the syscalls
 * and the vDSO compute time from the same numbers in the same way.
 *
 * An interrupt costs ~110-160 us on kvm_pvm (delivery, the trapped EOI
 * wrmsr and the return), so the tick is 100 Hz. KVM's emulated LAPIC timer
 * counts at 1 GHz with divide-by-1, on every KVM host, and so does
 * QEMU's (under TCG through the xAPIC page: guest/arch/apic.c).
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/sched.h>
#include <kernel/timer.h>
#include <kernel/vdso.h>

#define X2APIC_EOI	  0x80b
#define X2APIC_SVR	  0x80f
#define X2APIC_LVT_TIMER  0x832
#define X2APIC_TIMER_INIT 0x838
#define X2APIC_TIMER_DIV  0x83e
#define LVT_PERIODIC	  (1U << 17)
#define APIC_TIMER_HZ	  1000000000ULL

static u64 tsc_per_tick, next_tick_tsc, started_tsc;

static u64 tsc_khz(void)
{
	return boot_info.tsc_khz ? boot_info.tsc_khz : 1000000;
}

void timer_init(void)
{
	u64 now = rdtsc();

	started_tsc = now;
	vvar_set_base(now, tsc_khz(), boot_info.boot_epoch_ns);
	tsc_per_tick = tsc_khz() * 1000 / TICK_HZ;
	next_tick_tsc = now + tsc_per_tick;
	apic_enable();
	apic_write(X2APIC_SVR, 0x100 | VEC_SPURIOUS);
	apic_write(X2APIC_TIMER_DIV, 0xb); /* divide by 1 */
	apic_write(X2APIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	apic_write(X2APIC_TIMER_INIT, APIC_TIMER_HZ / TICK_HZ);
}

u64 timer_boot_ns(u64 since_tsc)
{
	u64 end = started_tsc ? started_tsc : rdtsc();

	return end > since_tsc ? (end - since_tsc) * 1000000 / tsc_khz() : 0;
}

void timer_eoi(void)
{
	apic_write(X2APIC_EOI, 0);
}

void timer_tick(void)
{
	u64 now = rdtsc();

	vvar_tick(now);
	next_tick_tsc = now + tsc_per_tick;
	sched_tick();
	console_tick();
}

/*
 * Interrupts reach the kernel only while user mode runs. A process that
 * spends nearly all its time in the kernel (a fault, a handler that
 * returns to the faulting instruction, the fault again) leaves the timer
 * almost no window, so every return to user mode also asks whether a tick
 * is overdue and does its work then: preemption and sleepers' wakeups do
 * not depend on where the interrupt happened to land.
 */
bool timer_tick_overdue(void)
{
	return tsc_per_tick && rdtsc() >= next_tick_tsc;
}

u64 tsc_to_ns(u64 cycles)
{
	u64 khz = tsc_khz();

	/* Split to avoid overflow, as vvar_monotonic_ns does. */
	return cycles / khz * 1000000 + cycles % khz * 1000000 / khz;
}

/*
 * The kernel is the page's only writer and runs on one CPU: no retry
 * needed. Before timer_init() (the initramfs unpacks earlier) it is 0.
 */
u64 clock_monotonic_ns(void)
{
	if (!vvar->tsc_khz)
		return 0;
	return vvar_monotonic_ns(vvar, rdtsc());
}

u64 clock_realtime_ns(void)
{
	return vvar->boot_epoch_ns + clock_monotonic_ns();
}

u64 clock_coarse_ns(void)
{
	return vvar->coarse_ns;
}
