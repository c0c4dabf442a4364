# pagelab: one Makefile, every output under build/.
#
#   make          build the command, the library and the guest kernel
#   make run      install what is missing, build, boot the default experiment
#   make test     unit tests (ASan+UBSan), guest boots under KVM, differential tests
#   make bench    benchmarks: guest beside native Linux and beside this host's floor
#   make clean

B := build
A := $(B)/asan

CC ?= cc
HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -Iinclude -Ihostlib -MMD -MP \
	-D_GNU_SOURCE -fno-strict-aliasing
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
HOST_LDLIBS := -lfdt -lseccomp -lpthread

HOSTLIB_SRCS := $(sort $(wildcard hostlib/*.c))
VMM_SRCS := $(sort $(wildcard vmm/*.c))

HOSTLIB_OBJS := $(HOSTLIB_SRCS:%.c=$(B)/%.o)
HOSTLIB_PIC_OBJS := $(HOSTLIB_SRCS:%.c=$(B)/pic/%.o)
HOSTLIB_ASAN_OBJS := $(HOSTLIB_SRCS:%.c=$(A)/%.o)
# Syscall names for the seccomp report (generated, see the rule below).
HOSTLIB_OBJS += $(B)/gen/syscall_names.o
HOSTLIB_PIC_OBJS += $(B)/pic/gen/syscall_names.o
HOSTLIB_ASAN_OBJS += $(A)/gen/syscall_names.o
VMM_OBJS := $(VMM_SRCS:%.c=$(B)/%.o)
VMM_ASAN_OBJS := $(VMM_SRCS:%.c=$(A)/%.o)

KERNEL := $(B)/guest/kernel.elf

.PHONY: all run test bench clean deps images unit-tests integration-tests guest-tests format \
	check-format stress
all: $(B)/pagelab $(B)/libpagelab.a $(B)/libpagelab.so $(KERNEL)

deps:
	@scripts/deps.sh

# ---------------------------------------------------------------- host
$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

$(B)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -fPIC -c -o $@ $<

$(A)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/libpagelab.a: $(HOSTLIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/libpagelab.so: $(HOSTLIB_PIC_OBJS)
	$(CC) -shared -o $@ $^ $(HOST_LDLIBS)

$(A)/libpagelab.a: $(HOSTLIB_ASAN_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/pagelab: $(VMM_OBJS) $(B)/libpagelab.a
	$(CC) -o $@ $^ $(HOST_LDLIBS)

$(A)/pagelab: $(VMM_ASAN_OBJS) $(A)/libpagelab.a
	$(CC) $(SAN_FLAGS) -o $@ $^ $(HOST_LDLIBS)

include guest/guest.mk

# The seccomp report names the forbidden call from a signal handler, so
# the names are a table in the library rather than looked up at run time.
$(B)/gen/syscall_names.c: $(UNISTD_64) scripts/syscall-names.sh
	@mkdir -p $(dir $@)
	scripts/syscall-names.sh pl_syscall_names pl_syscall_count < $< > $@
$(B)/gen/syscall_names.o $(B)/pic/gen/syscall_names.o $(A)/gen/syscall_names.o: \
		$(B)/gen/syscall_names.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(if $(findstring /pic/,$@),-fPIC) -c -o $@ $<
include tests/tests.mk
include images/images.mk

# ---------------------------------------------------------------- top level
# The default experiment: boot and show the memory map the guest received,
# then map a file MAP_SHARED in a guest program, write through the mapping
# and read the file back. (Recursive make: the packages deps installs must
# be visible when the rules are read.)
run: deps
	@$(MAKE) --no-print-directory all images
	$(B)/pagelab run
	$(B)/pagelab run --initrd images/build/examples.cpio -- /bin/mmap_basic /data/hello.txt

test: deps
	@$(MAKE) --no-print-directory all $(A)/pagelab test-binaries images
	@scripts/run-tests.sh

# The issue-sized stress runs: 100,000 random mmap/munmap/mprotect
# operations and 100,000 mappings, natively and in the sandbox. Linux's
# default vm.max_map_count (65530) is too low for the native half.
stress: deps
	@$(MAKE) --no-print-directory all $(A)/pagelab test-binaries
	@if [ "$$(cat /proc/sys/vm/max_map_count)" -lt 200000 ]; then \
		sysctl -q -w vm.max_map_count=262144 || \
		{ echo "make stress: raise vm.max_map_count to 262144 (as root)" >&2; exit 1; }; fi
	STRESS=1 tests/guest/run-diff.sh mmap_stress mmap_scale

bench: deps
	@$(MAKE) --no-print-directory all bench-binaries
	@scripts/run-bench.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

check-format:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B) images/build

-include $(shell find $(B) -name '*.d' 2>/dev/null)
