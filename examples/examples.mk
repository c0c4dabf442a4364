# make examples: host programs that drive a guest through libpagelab, each
# with the guest program it runs (examples/README.md). Built against the
# library in the build tree; tests/integration/test_examples.c runs them.

EXAMPLE_HOST_SRCS := $(sort $(wildcard examples/*/host.c))
EXAMPLE_HOSTS := $(EXAMPLE_HOST_SRCS:examples/%/host.c=$(B)/examples/%/host)
EXAMPLE_GUEST_SRCS := $(sort $(wildcard examples/*/guest.c))
EXAMPLE_GUESTS := $(EXAMPLE_GUEST_SRCS:examples/%/guest.c=$(B)/examples/%/guest)

$(B)/examples/%/host: examples/%/host.c $(B)/libpagelab.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $< $(B)/libpagelab.a $(HOST_LDLIBS)

$(B)/examples/%/guest: examples/%/guest.c include/pagelab/guest.h
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(GUEST_PROG_CFLAGS) -o $@ $<

.PHONY: examples
examples: $(EXAMPLE_HOSTS) $(EXAMPLE_GUESTS)
test-binaries: examples
