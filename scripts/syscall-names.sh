#!/bin/sh
# syscall-names.sh ARRAY COUNT < asm/unistd_64.h: a C table of every Linux
# syscall name by number, straight from the kernel's own header.
set -eu
awk -v t="$1" -v c="$2" '
BEGIN { print "const char *const " t "[] = {" }
/^#define __NR_/ { n = $2; sub("__NR_", "", n); printf "\t[%s] = \"%s\",\n", $3, n }
END { print "};"; print "const unsigned long " c " = sizeof(" t ") / sizeof(" t "[0]);" }'
