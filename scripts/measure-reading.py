#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
How readable the guest kernel is, in numbers that can be measured again:

  - lines per function in guest/**/*.c (median, p90, max), from
    universal-ctags' start and end lines;
  - C, header and assembly files anywhere in the tree over 600 lines;
  - include arrows that run back up between guest directories: an
    #include <kernel/X.h> is attributed to the directory that defines what
    X.h declares (the directory of X.c, or the header's own directory for
    a header without a .c), and an arrow from a lower layer to a higher one
    is counted;
  - with --duplicates, the pairs `duplicates --most 200` reports outside
    tests/ (every pair, in practice), and how many of them the top 40 holds.

The layers, bottom to top (an include may point down or sideways):
    lib < arch < mm, fs < proc < kernel < syscalls, selftest
where syscalls are the system-call entry points, the files named sys_*.c
wherever they live (they call every subsystem and none calls them), and a
header that no .c file is named after (ABI values, types, inline helpers)
belongs to no layer.

Usage: scripts/measure-reading.py [--duplicates] [--arrows]
(--arrows lists every back arrow).
"""
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
GUEST = os.path.join(ROOT, "guest")
LAYER = {"lib": 0, "arch": 1, "mm": 2, "fs": 2, "proc": 3, "kernel": 4, "syscalls": 5, "selftest": 5}
LIMIT = 600


def guest_files(ext):
    out = []
    for d, _, names in os.walk(GUEST):
        out += [os.path.join(d, n) for n in names if n.endswith(ext)]
    return sorted(out)


def function_lengths():
    tags = subprocess.run(
        ["ctags", "--c-kinds=f", "--fields=+ne", "-o", "-"] + guest_files(".c"),
        capture_output=True, text=True, check=True).stdout
    lengths = []
    for line in tags.splitlines():
        start = re.search(r"\tline:(\d+)", line)
        end = re.search(r"\tend:(\d+)", line)
        if start and end:
            lengths.append(int(end.group(1)) - int(start.group(1)) + 1)
    return sorted(lengths)


def long_files():
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "*.c", "*.h", "*.S"],
                           capture_output=True, text=True, check=True).stdout.split()
    out = []
    for f in files:
        path = os.path.join(ROOT, f)
        if os.path.exists(path):
            with open(path, errors="replace") as fh:
                n = sum(1 for _ in fh)
            if n > LIMIT:
                out.append((n, f))
    return sorted(out, reverse=True)


def guest_dir(path):
    """The layer directory of a guest file: guest/mm/x.c -> mm, guest/arch/pvm/y.c -> arch."""
    rel = os.path.relpath(path, GUEST).split(os.sep)
    if rel[-1].startswith("sys_") and rel[-1].endswith(".c"):
        return "syscalls"
    return rel[0] if rel[0] in LAYER else None


def header_homes():
    """kernel/X.h -> the guest directory that defines what it declares."""
    homes = {}
    sources = {os.path.splitext(os.path.basename(c))[0]: guest_dir(c) for c in guest_files(".c")}
    for h in guest_files(".h"):
        rel = os.path.relpath(h, os.path.join(GUEST, "include"))
        base = os.path.splitext(os.path.basename(h))[0]
        if not rel.startswith(".."):
            home = sources.get(base)
        else:
            home = guest_dir(h)
        homes[rel if not rel.startswith("..") else os.path.relpath(h, GUEST)] = home
    return homes


def back_arrows():
    homes = header_homes()
    arrows = []
    inc = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')
    for f in guest_files(".c") + guest_files(".h"):
        src = guest_dir(f)
        if src is None:
            continue
        with open(f, errors="replace") as fh:
            for line in fh:
                m = inc.match(line)
                if not m:
                    continue
                target = homes.get(m.group(1))
                if target is None:  # a local "x.h": resolve next to the file
                    local = os.path.relpath(os.path.join(os.path.dirname(f), m.group(1)), GUEST)
                    target = homes.get(local)
                if target is not None and LAYER[target] > LAYER[src]:
                    arrows.append((os.path.relpath(f, ROOT), m.group(1), src, target))
    return arrows


def duplicate_pairs():
    out = subprocess.run(["duplicates", "--most", "200", "--seconds", "120"], cwd=ROOT,
                         capture_output=True, text=True).stdout
    rows = [l for l in out.splitlines() if re.match(r"^D\d+ ", l)]
    return [(int(r[1:].split()[0]), r) for r in rows if "tests/" not in r]


def main():
    lengths = function_lengths()
    p90 = lengths[min(len(lengths) - 1, int(0.9 * len(lengths)))]
    print(f"functions in guest/: {len(lengths)}; lines per function: "
          f"median {statistics.median(lengths):g}, p90 {p90}, max {lengths[-1]}")
    longs = long_files()
    print(f"files over {LIMIT} lines: {len(longs)}")
    for n, f in longs:
        print(f"  {n:5d} {f}")
    arrows = back_arrows()
    print(f"include arrows running back up between guest directories: {len(arrows)}")
    by_pair = {}
    for _, _, src, dst in arrows:
        by_pair[(src, dst)] = by_pair.get((src, dst), 0) + 1
    for (src, dst), n in sorted(by_pair.items()):
        print(f"  {src} -> {dst}: {n}")
    if "--arrows" in sys.argv:
        for f, h, src, dst in arrows:
            print(f"    {f}: {h} ({src} -> {dst})")
    if "--duplicates" in sys.argv:
        pairs = duplicate_pairs()
        top = [r for n, r in pairs if n <= 40]
        print(f"duplicates pairs outside tests/: {len(pairs)} ({len(top)} in the top 40)")
        for _, p in pairs:
            print(f"  {p}")


if __name__ == "__main__":
    main()
