# make deb: the Debian packages pagelab, libpagelab0 and libpagelab-dev,
# built by dpkg-buildpackage (debian/) from a copy of the tracked files in
# build/deb/, so that the source tree stays clean; lintian must report no
# errors. make deb-test installs them on this machine (root), runs a program
# with the installed pagelab and kernel, builds one against the installed
# library, and removes them again.
DEB_DIR := $(B)/deb
DEB_SRC := $(DEB_DIR)/pagelab-$(VERSION)

.PHONY: deb deb-test
deb:
	@scripts/deps.sh deb
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	git ls-files -z | tar --null -T - -cf - | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc
	lintian --fail-on error --info $(DEB_DIR)/pagelab_$(VERSION)_*.changes

deb-test: deb
	@$(MAKE) --no-print-directory test-binaries
	scripts/deb-test.sh $(DEB_DIR)
