# The guest kernel: freestanding C11 + a little assembly, linked at
# PL_KERNEL_VBASE + its physical load address.

GUEST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -ffreestanding -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer -fno-strict-aliasing \
	-Iinclude -Iguest/include -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack -T guest/kernel.ld
# Debian's libfdt.a is position-independent and freestanding enough: it needs
# the string functions (guest/lib/string.c) and a stack canary at %fs:0x28,
# which the kernel provides during boot (the only time it parses the tree).
LIBFDT_A := $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/libfdt.a /usr/lib/libfdt.a))

GUEST_C_SRCS := $(sort $(shell find guest -name '*.c' -not -path 'guest/vdso/*'))
GUEST_S_SRCS := $(sort $(shell find guest -name '*.S'))
GUEST_OBJS := $(GUEST_S_SRCS:%.S=$(B)/k/%.o) $(GUEST_C_SRCS:%.c=$(B)/k/%.o) \
	$(B)/k/gen/syscall_names.o
UNISTD_64 := $(firstword $(wildcard /usr/include/x86_64-linux-gnu/asm/unistd_64.h \
	/usr/include/asm/unistd_64.h))

# Pure guest modules: no privileged instructions, no kernel globals beyond
# their own. They are also compiled for the host so cmocka can test them.
GUEST_PURE_SRCS := $(sort guest/lib/format.c guest/mm/frame.c guest/mm/kmalloc.c \
	guest/fs/cpio.c guest/mm/vma.c guest/mm/vma_range.c guest/mm/mmap_check.c guest/mm/mmap_check_vma.c \
	guest/fs/ramfs.c guest/fs/page_tree.c guest/fs/ramfs_dir.c guest/fs/namei.c guest/fs/initramfs.c \
	guest/kernel/bootinfo.c guest/kernel/pvh_fdt.c)

$(B)/k/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(B)/k/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

# Names of every Linux syscall, for --trace-syscalls and the report of
# unimplemented ones, straight from the kernel's own header.
$(B)/k/gen/syscall_names.c: $(UNISTD_64) scripts/syscall-names.sh
	@mkdir -p $(dir $@)
	scripts/syscall-names.sh linux_syscall_names linux_syscall_count < $< > $@

$(B)/k/gen/%.o: $(B)/k/gen/%.c
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

# The vDSO (guest/vdso/): user code, position-independent, its own link;
# the kernel image carries its bytes (guest/kernel/vdso_image.S). Any
# dynamic relocation would need a loader that is not there: refused.
VDSO_SO := $(B)/k/vdso/vdso.so
VDSO_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -fPIC -ffreestanding -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing -mgeneral-regs-only -Iguest/include -MMD -MP
VDSO_LDFLAGS := -nostdlib -shared -Wl,-T,guest/vdso/vdso.lds -Wl,--hash-style=both \
	-Wl,-soname,linux-vdso.so.1 -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack

$(B)/k/vdso/vdso.o: guest/vdso/vdso.c
	@mkdir -p $(dir $@)
	$(CC) $(VDSO_CFLAGS) -c -o $@ $<

$(VDSO_SO): $(B)/k/vdso/vdso.o guest/vdso/vdso.lds
	$(CC) $(VDSO_LDFLAGS) -o $@ $<
	@if readelf -rW $@ | grep -q R_X86_64; then \
		echo "$@: the vDSO has dynamic relocations" >&2; rm -f $@; exit 1; fi

$(B)/k/guest/kernel/vdso_image.o: $(VDSO_SO)
$(B)/k/guest/kernel/vdso_image.o: GUEST_CFLAGS += -DVDSO_SO_PATH='"$(VDSO_SO)"'
-include $(B)/k/vdso/vdso.d

$(KERNEL): $(GUEST_OBJS) guest/kernel.ld
	@mkdir -p $(dir $@)
	ld $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS) $(LIBFDT_A)
