// SPDX-License-Identifier: MIT
/*
 * Kernel self-tests, chosen with bootargs "selftest=NAME". They check
 * properties that only kernel code can observe; integration tests boot
 * them and read the result.
 *   native  time a loop of kernel instructions: proves ring 0 runs natively
 *           (KVM's emulator takes ~500 ns per instruction)
 *   fault   touch an unmapped kernel address: the run must end with a report
 *   spin    loop forever with interrupts off: only --timeout ends the run
 *   memtype time cached against uncached loads (memtype.c)
 *   dma     copy with the DMA engine through the IOMMU (dma.c)
 *   thp     the transparent huge page paths, from inside (thp.c)
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/floor.h>
#include <kernel/panic.h>
#include <kernel/selftest.h>
#include <kernel/string.h>

#define NATIVE_LOOP_ITERATIONS 10000000ULL

static void selftest_native(void)
{
	u64 n = NATIVE_LOOP_ITERATIONS, t0, cycles, ps;

	if (!boot_info.tsc_khz)
		panic("selftest native: the host gave no TSC frequency");
	t0 = rdtsc();
	asm volatile("1: dec %0; jnz 1b" : "+r"(n));
	cycles = rdtsc() - t0;
	/* cycles * 1e6 / kHz = ns; no overflow even for an emulated (10 s) run */
	ps = cycles * 1000000ULL / boot_info.tsc_khz * 1000 / NATIVE_LOOP_ITERATIONS;
	printk("native: %lu.%03lu ns per iteration (%llu iterations, mode %d)\n",
	       (unsigned long)(ps / 1000), (unsigned long)(ps % 1000), NATIVE_LOOP_ITERATIONS,
	       arch_mode);
	kernel_exit(0);
}

static void selftest_fault(void)
{
	volatile u64 *unmapped = (volatile u64 *)0xffffc00000001000ULL;

	printk("selftest fault: reading %p\n", (void *)unmapped);
	(void)*unmapped;
	panic("selftest fault: the read did not fault");
}

static void selftest_spin(void)
{
	printk("selftest spin: looping with interrupts off\n");
	console_flush();
	irq_disable();
	for (;;)
		cpu_relax();
}

void selftest_run(const char *name)
{
	if (!strcmp(name, "native"))
		selftest_native();
	if (!strcmp(name, "fault"))
		selftest_fault();
	if (!strcmp(name, "spin"))
		selftest_spin();
	if (!strcmp(name, "floor"))
		selftest_floor();
	if (!strcmp(name, "memtype"))
		selftest_memtype();
	if (!strcmp(name, "dma"))
		selftest_dma();
	if (!strcmp(name, "thp"))
		selftest_thp();
	panic("unknown selftest '%s' (known: native, fault, spin, floor, memtype, dma, thp)", name);
}
