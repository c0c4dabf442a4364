# Fuzzing: libFuzzer harnesses (tests/fuzz/fuzz_NAME.c), one per parser of
# what a user or a guest supplies, built with clang's -fsanitize=fuzzer and
# ASan+UBSan. The code under test is compiled with the fuzzer's coverage
# instrumentation (fuzzer-no-link): the host library, and the pure guest
# modules as the unit tests build them (-DPL_HOST_TEST).
#
#   make fuzz             every harness (or those in FUZZ_NAMES) for
#                         FUZZ_SECONDS (default 60) each, corpus kept in
#                         build/fuzz/corpus/NAME
#   make fuzz-binaries    just build them (make test runs each briefly)
#   make fuzz-seeds       regenerate tests/fuzz/corpus/*/seed-* (committed)

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
F := $(B)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O1 -g -Iinclude -Ihostlib -Iguest/include \
	-MMD -MP -D_GNU_SOURCE -fno-strict-aliasing -DPL_HOST_TEST $(FUZZ_SAN)

FUZZ_HOST_OBJS := $(HOSTLIB_SRCS:%.c=$(F)/obj/%.o)
FUZZ_PURE_OBJS := $(GUEST_PURE_SRCS:%.c=$(F)/obj/%.o)
$(sort $(FUZZ_HOST_OBJS) $(FUZZ_PURE_OBJS)): $(F)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# The syscall-name table the VMM's seccomp report uses is generated (Makefile).
FUZZ_HOST_OBJS += $(F)/obj/gen/syscall_names.o
$(F)/obj/gen/syscall_names.o: $(B)/gen/syscall_names.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# Archives, so that each harness pulls in only the modules it calls.
$(F)/libpagelab.a: $(FUZZ_HOST_OBJS)
	@rm -f $@
	ar rcs $@ $^
$(F)/libguest.a: $(FUZZ_PURE_OBJS)
	@rm -f $@
	ar rcs $@ $^

FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(F)/%)
$(F)/fuzz_%: tests/fuzz/fuzz_%.c $(F)/libguest.a $(F)/libpagelab.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(F)/libguest.a $(F)/libpagelab.a \
		$(HOST_LDLIBS)

# The seed generator writes inputs with the project's own writers.
$(F)/seeds: tests/fuzz/seeds.c $(B)/libpagelab.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Iguest/include -o $@ $< $(B)/libpagelab.a $(HOST_LDLIBS)

.PHONY: fuzz fuzz-binaries fuzz-seeds
fuzz-binaries: $(FUZZ_BINS)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-binaries
	@scripts/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-seeds: $(F)/seeds
	$(F)/seeds tests/fuzz/corpus
