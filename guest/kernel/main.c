// SPDX-License-Identifier: MIT
/*
 * Boot: from the host's long-mode entry to the first program.
 */
#include <kernel/arch.h>
#include <kernel/backing.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/debug.h>
#include <kernel/dma_engine.h>
#include <kernel/iommu.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/physmem.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pvm.h>
#include <kernel/selftest.h>
#include <kernel/string.h>
#include <kernel/thp.h>

/*
 * libfdt (Debian's build) is compiled with stack protection and reads its
 * canary at %fs:0x28; the kernel only calls it during boot, with FS
 * pointing here.
 */
static u64 boot_tls[8] = { [5] = 0x9e3779b97f4a7c15ULL };

void __stack_chk_fail(void)
{
	panic("stack smashing detected");
}

static const char *mode_name(void)
{
	return arch_mode == ARCH_KVM_PVM ? "kvm_pvm opt-in (native ring 0)" : "native ring 0";
}

/* The TSC when kmain began, for the boot time kernel_exit() reports. */
u64 kmain_tsc;

void kmain(u64 fdt_pa, u64 magic)
{
	char opt[32];

	kmain_tsc = rdtsc();
	arch_early_init(); /* on kvm_pvm: everything until here ran emulated */
	arch_cpu_init();
	arch_set_user_fs((u64)boot_tls);
	if (magic != PL_BOOT_MAGIC)
		panic("not started by pagelab (boot magic %#lx)", (unsigned long)magic);
	if (fdt_pa >= PL_BOOT_MAP_SIZE)
		panic("device tree at %#lx is outside the boot mapping", (unsigned long)fdt_pa);
	boot_info_parse((const void *)(PL_KERNEL_VBASE + fdt_pa), fdt_pa);
	/* While libfdt may run (boot only): the devices are set up later. */
	iommu_init(boot_info.fdt);
	dma_engine_init(boot_info.fdt);
	kernel_verbose = boot_option("verbose", opt, sizeof(opt)) != NULL;
	mm_noinit = boot_option("noinit", opt, sizeof(opt)) != NULL;
	thp_init();
	debug_init();
	fault_around_init();
	mm_flush_init();
	physmem_init();
	dma_engine_probe();
	pr_verbose("pagelab: execution mode: %s, %lu traps so far\n", mode_name(),
		   (unsigned long)arch_trap_count);
	if (boot_option("selftest", opt, sizeof(opt)))
		selftest_run(opt);
	/* After the self-tests: the floor's bare stubs run on mirrored tables. */
	if (boot_option("isolate", opt, sizeof(opt)))
		arch_isolate_init();
	if (!boot_info.argv_len) {
		printk("pagelab kernel %s: booted in %s mode\n", PAGELAB_VERSION, mode_name());
		boot_info_print();
		kernel_exit(0);
	}
	init_start();
}
