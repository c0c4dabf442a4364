# images/: recipes for initramfs images built from the example programs.
EXAMPLE_SRCS := $(sort $(wildcard images/examples/*.c))
EXAMPLE_BINS := $(EXAMPLE_SRCS:images/examples/%.c=images/build/bin/%)

images/build/bin/%: images/examples/%.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(GUEST_PROG_CFLAGS) -o $@ $<

images: $(EXAMPLE_BINS)
