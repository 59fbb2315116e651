#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Builds the source and binary RPMs of tempus from a work tree, with rpmbuild's _topdir under
# OUT_DIR (created; an earlier run's is replaced). The source tarball holds the tree's files
# as they are now (git's tracked and untracked-but-not-ignored files), so uncommitted changes
# are packaged too. Missing build dependencies are not checked (--nodeps): on a non-RPM host
# (CI's Debian) the Debian packages stand in for them.
#   rpm/build.sh [SOURCE_DIR [OUT_DIR]]    defaults: the tree this script is in, SOURCE_DIR/build/rpm
# Prints the paths of the built packages, one a line, on stdout.
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
out=$(realpath -m "${2:-$src/build/rpm}")
spec=$src/rpm/tempus.spec

command -v rpmbuild >/dev/null || { echo "rpm/build.sh: rpmbuild not found (Debian: apt-get install rpm)" >&2; exit 2; }
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || { echo "rpm/build.sh: $src is not a git work tree" >&2; exit 2; }

version=$(sed -n 's/^Version:[[:space:]]*//p' "$spec")
project_version=$(sed -n "s/^[[:space:]]*version[[:space:]]*:[[:space:]]*'\([^']*\)'.*/\1/p" "$src/meson.build" | head -n1)
if [ "$version" != "$project_version" ]; then
  echo "rpm/build.sh: the spec's Version $version is not meson.build's $project_version" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out"/{SOURCES,SPECS,BUILD,BUILDROOT,RPMS,SRPMS}
# The work tree's files, under tempus-VERSION/ (a file deleted but not yet committed is skipped).
(cd "$src" && git ls-files -z --cached --others --exclude-standard |
   while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
   tar --null -T - --transform "s,^,tempus-$version/," --owner=0 --group=0 -czf \
     "$out/SOURCES/tempus-$version.tar.gz")
cp "$src/systemd/tempus.sysusers" "$out/SOURCES/"
cp "$spec" "$out/SPECS/"

# No debuginfo subpackage where find-debuginfo is missing (Debian); RHEL's rpmbuild makes one.
extra=()
[ -x /usr/lib/rpm/find-debuginfo.sh ] || command -v find-debuginfo >/dev/null ||
  extra+=(--define "debug_package %{nil}")
# rpmbuild's %build runs with LANG=C, which ccache hashes: the caller's locale instead lets the
# compiler cache hit what a plain `meson setup build` of the same sources compiled.
if [ -n "${LANG:-}" ]; then
  printf '%%__spec_build_pre %%{___build_pre}\\\nexport LANG=%q\n' "$LANG" > "$out/locale.macros"
  extra+=(--load "$out/locale.macros")
fi
rpmbuild --nodeps -ba --define "_topdir $out" "${extra[@]}" "$out/SPECS/tempus.spec" >&2
find "$out/RPMS" "$out/SRPMS" -name '*.rpm' | sort
