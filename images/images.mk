# images/: recipes for initramfs images built from the example programs.
#
#   make images   images/build/examples.cpio: every images/examples/*.c as
#                 /bin/NAME, images/data/* under /data, and an empty /tmp
#
# The archive is made by images/mkcpio.c with libpagelab's cpio builder (the
# one `pagelab run` uses), so the image is reproducible byte for byte.
EXAMPLE_SRCS := $(sort $(wildcard images/examples/*.c))
EXAMPLE_BINS := $(EXAMPLE_SRCS:images/examples/%.c=images/build/bin/%)
IMAGE_DATA := $(sort $(wildcard images/data/*))
MKCPIO := $(B)/images/mkcpio
EXAMPLES_CPIO := images/build/examples.cpio

images/build/bin/%: images/examples/%.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(GUEST_PROG_CFLAGS) -o $@ $<

$(MKCPIO): images/mkcpio.c $(B)/libpagelab.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $< $(B)/libpagelab.a $(HOST_LDLIBS)

$(EXAMPLES_CPIO): $(MKCPIO) $(EXAMPLE_BINS) $(IMAGE_DATA)
	$(MKCPIO) $@ $(foreach b,$(EXAMPLE_BINS),/bin/$(notdir $(b))=$(b)) \
		$(foreach d,$(IMAGE_DATA),/data/$(notdir $(d))=$(d)) /tmp/:1777

images: $(EXAMPLES_CPIO)
