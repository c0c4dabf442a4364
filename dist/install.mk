# make install / make uninstall: the command, libpagelab (shared, with its
# SONAME and symlinks, and static), its headers and pkg-config file, the
# guest kernel and the man pages. PREFIX (default /usr/local) and DESTDIR
# as usual; the directories below can be set one by one too (a Debian
# package sets LIBDIR to the multiarch directory).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
KERNELDIR ?= $(DATADIR)/pagelab
MANDIR ?= $(DATADIR)/man
INSTALL ?= install

PUBLIC_HEADERS := $(sort $(wildcard include/pagelab/*.h))

# The installed kernel's path is compiled into pagelab, the last place it
# looks. The header is rewritten only when the path changes, so that
# `make install PREFIX=...` rebuilds what depends on it and nothing else.
PATHS_H := $(B)/gen/install-paths.h
$(PATHS_H): FORCE
	@mkdir -p $(dir $@)
	@echo '#define PL_INSTALLED_KERNEL "$(KERNELDIR)/kernel.elf"' >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@
$(B)/vmm/cli.o $(A)/vmm/cli.o: $(PATHS_H)
$(B)/vmm/cli.o $(A)/vmm/cli.o: HOST_CFLAGS += -I$(B)/gen

.PHONY: install uninstall FORCE
FORCE:

# The man pages name the default prefix's kernel; installed, they name this one.
install: all
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(LIBDIR)/pkgconfig" \
		"$(DESTDIR)$(INCLUDEDIR)/pagelab" "$(DESTDIR)$(KERNELDIR)" \
		"$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(MANDIR)/man3" \
		"$(DESTDIR)$(MANDIR)/man7"
	$(INSTALL) -m 755 $(B)/pagelab "$(DESTDIR)$(BINDIR)/pagelab"
	$(INSTALL) -m 644 $(B)/$(SHLIB) $(B)/libpagelab.a "$(DESTDIR)$(LIBDIR)/"
	ln -sf $(SHLIB) "$(DESTDIR)$(LIBDIR)/$(SONAME)"
	ln -sf $(SHLIB) "$(DESTDIR)$(LIBDIR)/libpagelab.so"
	$(INSTALL) -m 644 $(PUBLIC_HEADERS) "$(DESTDIR)$(INCLUDEDIR)/pagelab/"
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@KERNELDIR@|$(KERNELDIR)|' \
		-e 's|@VERSION@|$(VERSION)|' dist/pagelab.pc.in >"$(DESTDIR)$(LIBDIR)/pkgconfig/pagelab.pc"
	$(INSTALL) -m 644 $(KERNEL) "$(DESTDIR)$(KERNELDIR)/kernel.elf"
	sed 's|/usr/local/share/pagelab|$(KERNELDIR)|g' docs/man/pagelab.1 \
		>"$(DESTDIR)$(MANDIR)/man1/pagelab.1"
	sed 's|/usr/local/share/pagelab|$(KERNELDIR)|g' docs/man/libpagelab.3 \
		>"$(DESTDIR)$(MANDIR)/man3/libpagelab.3"
	$(INSTALL) -m 644 docs/man/pagelab-vfio.7 "$(DESTDIR)$(MANDIR)/man7/pagelab-vfio.7"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/pagelab" "$(DESTDIR)$(LIBDIR)/$(SHLIB)" \
		"$(DESTDIR)$(LIBDIR)/$(SONAME)" "$(DESTDIR)$(LIBDIR)/libpagelab.so" \
		"$(DESTDIR)$(LIBDIR)/libpagelab.a" "$(DESTDIR)$(LIBDIR)/pkgconfig/pagelab.pc" \
		"$(DESTDIR)$(KERNELDIR)/kernel.elf" "$(DESTDIR)$(MANDIR)/man1/pagelab.1" \
		"$(DESTDIR)$(MANDIR)/man3/libpagelab.3" "$(DESTDIR)$(MANDIR)/man7/pagelab-vfio.7"
	rm -f $(foreach h,$(notdir $(PUBLIC_HEADERS)),"$(DESTDIR)$(INCLUDEDIR)/pagelab/$(h)")
	rmdir "$(DESTDIR)$(INCLUDEDIR)/pagelab" "$(DESTDIR)$(KERNELDIR)" 2>/dev/null || true
