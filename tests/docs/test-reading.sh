#!/bin/sh
# SPDX-License-Identifier: MIT
# docs/READING.md cannot rot: every file it names (`dir/file.c`) must exist,
# and every function it names (`name()`) must be defined in one of the files
# its own chapter (## section) names. TAP output, one line per name.
#
# A definition is a line at column 0 naming the function before "(" whose
# declaration goes on to a line "{" (the kernel style clang-format keeps),
# a "#define name(" macro, or an assembly label "name:".
set -u
cd "$(dirname "$0")/../.."
guide=${READING_GUIDE:-docs/READING.md}

# section N: its paths and its functions, as "N path P" / "N func F" lines
names=$(awk '
	/^## / { sec++ }
	{
		line = $0
		while (match(line, /`[^`]+`/)) {
			tok = substr(line, RSTART + 1, RLENGTH - 2)
			line = substr(line, RSTART + RLENGTH)
			if (tok ~ /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/)
				print sec + 0, "path", tok
			else if (tok ~ /^[A-Za-z_][A-Za-z0-9_]*\(\)$/)
				print sec + 0, "func", substr(tok, 1, length(tok) - 2)
		}
	}' "$guide" | sort -u)

defined_in() { # defined_in NAME FILE
	case $2 in
	*.S) grep -q "^$1:" "$2" ;;
	*.c | *.h)
		grep -q "^#define $1(" "$2" && return 0
		awk -v name="$1" '
			$0 ~ "^[A-Za-z_][A-Za-z0-9_ *]*[ *]" name "\\(" { open = 1 }
			open && /^\{/ { found = 1; exit }
			open && /;[ \t]*$/ { open = 0 }
			END { exit !found }' "$2"
		;;
	*) return 1 ;;
	esac
}

total=$(printf '%s\n' "$names" | grep -c .)
echo "1..$((total + 1))"
n=0
if [ "$total" -ge 30 ]; then
	echo "ok $((n += 1)) - $guide names $total files and functions"
else
	echo "not ok $((n += 1)) - $guide names only $total files and functions (the guide is gone?)"
fi
printf '%s\n' "$names" | while read -r sec kind name; do
	n=$((n + 1))
	if [ "$kind" = path ]; then
		if [ -e "$name" ]; then
			echo "ok $n - $name exists"
		else
			echo "not ok $n - $name (named in $guide) does not exist"
		fi
		continue
	fi
	files=$(printf '%s\n' "$names" | awk -v s="$sec" '$1 == s && $2 == "path" { print $3 }')
	where=
	for f in $files; do
		[ -f "$f" ] && defined_in "$name" "$f" && where=$f && break
	done
	if [ -n "$where" ]; then
		echo "ok $n - $name() is defined in $where"
	else
		echo "not ok $n - $name() (named in $guide, section $sec) is defined in none of its files:" $files
	fi
done
