#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""docs/seccomp.md's tables, from the filters compiled into tempusctl (`tempusctl filters`, the
same tables src/sys/seccomp_tables.cc gives install_filter()). The text above the marker line is
written by hand and kept; everything below it is generated.
  seccomp_doc.py TEMPUSCTL --write docs/seccomp.md   regenerate
  seccomp_doc.py TEMPUSCTL --check docs/seccomp.md   exit 1 (with a diff) when it is stale"""
import difflib
import subprocess
import sys

MARKER = "<!-- Generated below by tools/seccomp_doc.py from `tempusctl filters`: do not edit. -->"
ROLES = {
    "parent": "The parent (root, CAP_SYS_TIME only)",
    "net": "net (user tempus, chroot, no capabilities)",
    "dns": "dns (user tempus, no capabilities; glibc NSS)",
}


def tables(tempusctl):
    out = [MARKER, ""]
    for role, title in ROLES.items():
        r = subprocess.run([tempusctl, "filters", role], capture_output=True, text=True,
                           check=True, timeout=30)
        rows = [l.split("\t") for l in r.stdout.splitlines() if l and not l.startswith("#")]
        allowed = [x for x in rows if x[1] == "allow"]
        killed = [x for x in rows if x[1] == "kill"]
        out += [f"## {title}", "",
                f"{len(allowed)} allow entries, {len(killed)} kill entries; anything else "
                "traps (SIGSYS, reported).", "",
                "| syscall | action | arguments | why |", "|---|---|---|---|"]
        for name, action, args, why in rows:
            args = "any" if args == "any" else f"`{args}`"
            out.append(f"| `{name}` | {action} | {args} | {why} |")
        out.append("")
    return "\n".join(out)


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in ("--write", "--check"):
        print(__doc__, file=sys.stderr)
        return 2
    tempusctl, mode, path = sys.argv[1:]
    with open(path) as f:
        text = f.read()
    if MARKER not in text:
        print(f"{path}: no marker line {MARKER!r}", file=sys.stderr)
        return 1
    want = text[:text.index(MARKER)] + tables(tempusctl)
    if mode == "--write":
        with open(path, "w") as f:
            f.write(want)
        return 0
    if text != want:
        sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), want.splitlines(True),
                                                   path, "generated"))
        print(f"{path} is stale: run tools/seccomp_doc.py {tempusctl} --write {path}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
