# Tests: cmocka unit tests (host, ASan+UBSan), integration tests that boot
# guests under KVM, guest programs (musl-gcc -static) run natively and in the
# sandbox, and benchmarks.

CMOCKA_LIBS := -lcmocka
MUSL_CC ?= musl-gcc
# musl's include path has no kernel headers: <linux/vfio.h> and the rest
# come from Debian's linux-libc-dev through a directory of links, so that
# glibc's own headers stay out of musl builds.
KHDR := $(B)/khdr
$(shell mkdir -p $(KHDR) && ln -sfn /usr/include/linux $(KHDR)/linux && \
	ln -sfn /usr/include/asm-generic $(KHDR)/asm-generic && \
	ln -sfn /usr/include/$(shell gcc -print-multiarch)/asm $(KHDR)/asm)
GUEST_PROG_CFLAGS := -static -O2 -Wall -Wextra -Werror -std=gnu11 -Iinclude -isystem $(KHDR)

# Pure guest modules compiled for the host, with sanitizers.
PURE_HOST_OBJS := $(GUEST_PURE_SRCS:%.c=$(A)/pure/%.o)
$(A)/pure/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Iguest/include -DPL_HOST_TEST -c -o $@ $<

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(A)/tests/unit/%)
$(A)/tests/unit/%: tests/unit/%.c $(A)/libpagelab.a $(PURE_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Iguest/include -DPL_HOST_TEST -o $@ $< \
		$(PURE_HOST_OBJS) $(A)/libpagelab.a $(CMOCKA_LIBS) $(HOST_LDLIBS)

INTEG_SRCS := $(sort $(wildcard tests/integration/test_*.c))
INTEG_BINS := $(INTEG_SRCS:tests/integration/%.c=$(A)/tests/integration/%)
INTEG_COMMON := $(wildcard tests/integration/common.c)
$(A)/tests/integration/%: tests/integration/%.c $(INTEG_COMMON) $(A)/libpagelab.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Itests/integration -o $@ $< $(INTEG_COMMON) \
		$(A)/libpagelab.a $(CMOCKA_LIBS) $(HOST_LDLIBS)

GUEST_PROG_SRCS := $(sort $(wildcard tests/guest/*.c))
GUEST_PROGS := $(GUEST_PROG_SRCS:tests/guest/%.c=$(B)/tests/guest/%)
$(B)/tests/guest/%: tests/guest/%.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(GUEST_PROG_CFLAGS) -MMD -MP -o $@ $<

# One program also as a static PIE (ET_DYN without an interpreter), linked
# by hand from musl's self-relocating rcrt1.o: Debian's musl-gcc has no
# -static-pie. The differential runner runs it like any other.
MUSL_LIBDIR := /usr/lib/x86_64-linux-musl
$(B)/tests/guest/args_env_pie: tests/guest/args_env.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -Iinclude -fPIE -nostartfiles \
		-Wl,-static,-pie,--no-dynamic-linker,-z,text -o $@ $(MUSL_LIBDIR)/rcrt1.o \
		$(MUSL_LIBDIR)/crti.o $$($(CC) -print-file-name=crtbeginS.o) $< \
		$$($(CC) -print-file-name=crtendS.o) $(MUSL_LIBDIR)/crtn.o
GUEST_PROGS += $(B)/tests/guest/args_env_pie

# Programs that only ever run in the sandbox (they would hurt the host).
SANDBOX_PROG_SRCS := $(sort $(wildcard tests/sandbox/*.c))
SANDBOX_PROGS := $(SANDBOX_PROG_SRCS:tests/sandbox/%.c=$(B)/tests/sandbox/%)
$(B)/tests/sandbox/%: tests/sandbox/%.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(GUEST_PROG_CFLAGS) -o $@ $<
# gdb reads its symbols and lines (test-gdb.sh): debug information, no optimisation.
$(B)/tests/sandbox/gdb_target: tests/sandbox/gdb_target.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(GUEST_PROG_CFLAGS) -g -O0 -o $@ $<

BENCH_HOST_SRCS := $(sort $(wildcard tests/bench/host_*.c))
BENCH_HOST_BINS := $(BENCH_HOST_SRCS:tests/bench/%.c=$(B)/tests/bench/%)
$(B)/tests/bench/host_%: tests/bench/host_%.c $(B)/libpagelab.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $< $(B)/libpagelab.a $(HOST_LDLIBS) -lm

BENCH_GUEST_SRCS := $(sort $(wildcard tests/bench/guest_*.c))
BENCH_GUEST_BINS := $(BENCH_GUEST_SRCS:tests/bench/%.c=$(B)/tests/bench/%)
$(B)/tests/bench/guest_%: tests/bench/guest_%.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(GUEST_PROG_CFLAGS) -o $@ $<
# The guest benchmarks' shared timing and argument helpers.
$(BENCH_GUEST_BINS): tests/bench/bench.h

.PHONY: test-binaries bench-binaries
test-binaries: $(UNIT_BINS) $(INTEG_BINS) $(GUEST_PROGS) $(SANDBOX_PROGS)
bench-binaries: $(BENCH_HOST_BINS) $(BENCH_GUEST_BINS) $(GUEST_PROGS) $(B)/tests/sandbox/fragment

# VMM test kernels: a few instructions each, every one exercising one
# device or one way for a run to end (tests/integration/test_vmm.c).
FIXTURE_DIR := tests/integration/fixtures
FIXTURE_SRCS := $(sort $(wildcard $(FIXTURE_DIR)/*.S))
FIXTURES := $(FIXTURE_SRCS:$(FIXTURE_DIR)/%.S=$(B)/tests/fixtures/%.elf)
$(B)/tests/fixtures/%.elf: $(FIXTURE_DIR)/%.S $(wildcard $(FIXTURE_DIR)/*.h) $(FIXTURE_DIR)/fixture.ld \
		include/pagelab/abi.h
	@mkdir -p $(dir $@)
	$(CC) -c -D__ASSEMBLY__ -Iinclude -I$(FIXTURE_DIR) -o $(@:.elf=.o) $<
	ld -nostdlib -static -z max-page-size=4096 --no-warn-rwx-segments \
		-T $(FIXTURE_DIR)/fixture.ld -o $@ $(@:.elf=.o)
test-binaries: $(FIXTURES)
bench-binaries: $(FIXTURES)
