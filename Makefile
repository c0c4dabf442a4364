# pagelab: one Makefile, every output under build/.
#
#   make          build the command, the library and the guest kernel
#   make run      install what is missing, build, boot the default experiment
#   make test     unit tests (ASan+UBSan), guest boots under KVM, differential tests,
#                 a short fixed run of every fuzzer
#   make test-tcg without KVM: what runs under QEMU's TCG (unit tests, fuzzers,
#                 test_tcg, every differential program with --accel tcg)
#   make fuzz     every fuzzer for FUZZ_SECONDS (default 60) each
#   make bench    benchmarks: guest beside native Linux and beside this host's floor
#   make examples host programs driving a guest through libpagelab (examples/)
#   make install  PREFIX (/usr/local) and DESTDIR as usual; make uninstall
#   make deb      Debian packages in build/deb/ (make deb-test installs and tries them)
#   make clean

B := build
A := $(B)/asan

CC ?= cc
HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -Iinclude -Ihostlib -MMD -MP \
	-D_GNU_SOURCE -fno-strict-aliasing
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
HOST_LDLIBS := -lfdt -lseccomp -larchive -lpthread
# The pagelab command links libarchive statically when the .a is there
# (Debian's libarchive-dev has it): the cpio writer needs none of the 13
# shared objects the .so drags in (ICU, libxml2, libstdc++, compressors),
# whose loading was ~1.3 ms of every start. The shared library keeps
# -larchive; so does a distribution's build (STATIC_ARCHIVE=0, debian/rules),
# which wants the library's security updates to reach pagelab.
STATIC_ARCHIVE ?= 1
ARCHIVE_A := $(if $(filter 1,$(STATIC_ARCHIVE)),$(shell $(CC) -print-file-name=libarchive.a))
ifneq ($(filter /%,$(ARCHIVE_A)),)
PAGELAB_LDLIBS := -lfdt -lseccomp $(ARCHIVE_A) -lpthread
else
PAGELAB_LDLIBS := $(HOST_LDLIBS)
endif

# The guest's cpio newc reader is in the library too: the host checks an
# initramfs with the very code that will unpack it; likewise strace's
# classes for a --trace-syscalls filter.
GUEST_SHARED_SRCS := guest/fs/cpio.c guest/kernel/trace_class.c
HOSTLIB_SRCS := $(sort $(wildcard hostlib/*.c)) $(GUEST_SHARED_SRCS)
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

# The shared library: a SONAME by the ABI's major number, a real file by
# the release, and only the public API exported (hostlib/libpagelab.map).
VERSION := $(shell sed -n 's/^\#define PAGELAB_VERSION "\(.*\)"/\1/p' include/pagelab/abi.h)
SONAME := libpagelab.so.0
SHLIB := libpagelab.so.$(VERSION)
LIB_MAP := hostlib/libpagelab.map

.PHONY: all run test test-tcg bench clean deps images unit-tests integration-tests guest-tests format \
	check-format stress
all: $(B)/pagelab $(B)/libpagelab.a $(B)/libpagelab.so $(B)/$(SONAME) $(KERNEL)

deps:
	@scripts/deps.sh

# ---------------------------------------------------------------- host
# What is installed also takes the caller's CPPFLAGS, CFLAGS and LDFLAGS
# (a distribution's hardening flags); the test builds and the guest do not.
$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(CPPFLAGS) $(CFLAGS) -fPIC -c -o $@ $<

$(A)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(foreach d,$(B) $(B)/pic $(A),$(GUEST_SHARED_SRCS:%.c=$(d)/%.o) $(d)/hostlib/initrd_check.o \
	$(d)/hostlib/trace_filter.o): \
	HOST_CFLAGS += -Iguest/include

$(B)/libpagelab.a: $(HOSTLIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/$(SHLIB): $(HOSTLIB_PIC_OBJS) $(LIB_MAP)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=$(LIB_MAP) \
		-Wl,-z,defs -o $@ $(HOSTLIB_PIC_OBJS) $(HOST_LDLIBS)

$(B)/$(SONAME) $(B)/libpagelab.so: $(B)/$(SHLIB)
	ln -sf $(SHLIB) $@

$(A)/libpagelab.a: $(HOSTLIB_ASAN_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/pagelab: $(VMM_OBJS) $(B)/libpagelab.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PAGELAB_LDLIBS)

$(A)/pagelab: $(VMM_ASAN_OBJS) $(A)/libpagelab.a
	$(CC) $(SAN_FLAGS) -o $@ $^ $(PAGELAB_LDLIBS)

include dist/install.mk
include dist/deb.mk
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
include examples/examples.mk
include tests/fuzz/fuzz.mk
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
	@$(MAKE) --no-print-directory all $(A)/pagelab test-binaries fuzz-binaries images
	@JUNIT="$(JUNIT)" scripts/run-tests.sh

# Without KVM (a CI runner that has none): everything that runs under QEMU's
# TCG instead (scripts/run-tests.sh --tcg).
test-tcg: deps
	@$(MAKE) --no-print-directory all $(A)/pagelab test-binaries fuzz-binaries images
	@JUNIT="$(JUNIT)" scripts/run-tests.sh --tcg

# The issue-sized stress runs: 100,000 random mmap/munmap/mprotect
# operations and 100,000 mappings, natively and in the sandbox; the
# scheduler crowd at 2000 rounds; the random syscall fuzzer, six seeds of
# 50,000 calls, each followed by its sanity phase. Linux's default
# vm.max_map_count (65530) is too low for the native half.
stress: deps
	@$(MAKE) --no-print-directory all $(A)/pagelab test-binaries
	@if [ "$$(cat /proc/sys/vm/max_map_count)" -lt 200000 ]; then \
		sysctl -q -w vm.max_map_count=262144 || \
		{ echo "make stress: raise vm.max_map_count to 262144 (as root)" >&2; exit 1; }; fi
	STRESS=1 tests/guest/run-diff.sh mmap_stress mmap_scale sched_stress
	STRESS=1 $(A)/tests/integration/test_sysfuzz

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
