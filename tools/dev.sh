#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Developer and CI entry point; README.md's two commands call it.
#   tools/dev.sh run    install what is missing, build, run tempusd in the foreground (-x: the
#                       clock is never changed) with the shipped etc/tempus.conf
#   tools/dev.sh test   install what is missing, build, run every test (unit, fuzz replay, system,
#                       an ASan/UBSan build of them, and a few seconds of libFuzzer per fuzz
#                       target in a clang build); prints meson's and a "N passed, N failed" summary
#   tools/dev.sh build  install what is missing and build only
# Idempotent: packages already present are not reinstalled, existing build dirs are reused.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_PKGS=(g++ meson ninja-build pkg-config python3 libevent-dev libseccomp-dev libcap-ng-dev
            libssl-dev libgtest-dev libgmock-dev libsystemd-dev nlohmann-json3-dev libselinux1-dev)
TEST_PKGS=(strace procps chrony libcap2-bin iproute2 tzdata dnsmasq-base ntpstat systemd rpm)
# The SELinux module's test (tests/selinux): build it, link it with the reference policy, query it.
SELINUX_TEST_PKGS=(selinux-policy-dev semodule-utils python3-setools)
# libFuzzer (clang's runtime archive is only a Recommends of clang on Debian 12).
FUZZ_PKGS=(clang libclang-rt-14-dev)

log() { printf '== %s\n' "$*"; }

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "tools/dev.sh: $1 needs root (run it with sudo)" >&2
    exit 1
  fi
}

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root "installing ${missing[*]}"
  log "installing ${missing[*]}"
  # No package may start a service behind our back (a stray time daemon holds port 123).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_user() {
  if [ "$(id -u)" -ne 0 ]; then
    getent passwd tempus >/dev/null ||
      echo "note: no 'tempus' user and not root; the daemon will need one (useradd --system tempus)"
    return 0
  fi
  if ! getent passwd tempus >/dev/null; then
    log "creating system user tempus"
    useradd --system --home-dir /var/lib/tempus --no-create-home --shell /usr/sbin/nologin \
      --comment "tempus NTP daemon" tempus
  fi
  # The user's home is the network process's chroot: root-owned and not writable by it.
  install -d -m 0755 -o root -g root /var/lib/tempus
}

# ntpsec's ntpd for interop tests. chrony, ntpsec and openntpd conflict as packages, so ntpsec
# is unpacked (dpkg -x, no maintainer scripts) under $NTPSEC_ROOT rather than installed.
NTPSEC_ROOT=/var/cache/tempus-test/ntpsec-root
prepare_ntpsec() {
  [ -x "$NTPSEC_ROOT/usr/sbin/ntpd" ] && [ -e "$NTPSEC_ROOT/usr/bin/ntpdig" ] && return 0
  [ "$(id -u)" -eq 0 ] || return 0
  log "unpacking ntpsec for interop tests into $NTPSEC_ROOT"
  local tmp
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  # ntpdig and ntpq are python scripts: they need the python3-ntp package (libntpc) beside them.
  if (cd "$tmp" && apt-get download -qq ntpsec ntpsec-ntpdig python3-ntp >/dev/null 2>&1); then
    mkdir -p "$NTPSEC_ROOT"
    for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$NTPSEC_ROOT"; done
  else
    echo "note: apt-get download ntpsec failed; the ntpsec interop test will skip"
  fi
  rm -rf "$tmp"
}

# OpenNTPD for the unsynchronised-server test, unpacked the same way (it conflicts with chrony).
# Its privsep user is 'ntpd' on Debian (the name compiled into the binary), created as Debian's
# postinst does; the home is its chroot, which the test provides in a private mount namespace.
OPENNTPD_ROOT=/var/cache/tempus-test/openntpd-root
prepare_openntpd() {
  [ "$(id -u)" -eq 0 ] || return 0
  if ! getent passwd ntpd >/dev/null; then
    log "creating system user ntpd (OpenNTPD's privsep user)"
    useradd --system --user-group --home-dir /var/run/openntpd --no-create-home \
      --shell /usr/sbin/nologin --comment "OpenNTPD privsep (tempus tests)" ntpd
  fi
  [ -x "$OPENNTPD_ROOT/usr/sbin/ntpd" ] && return 0
  log "unpacking openntpd for interop tests into $OPENNTPD_ROOT"
  local tmp
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  if (cd "$tmp" && apt-get download -qq openntpd >/dev/null 2>&1); then
    mkdir -p "$OPENNTPD_ROOT"
    dpkg -x "$tmp"/openntpd_*.deb "$OPENNTPD_ROOT"
  else
    echo "note: apt-get download openntpd failed; the openntpd interop test will skip"
  fi
  rm -rf "$tmp"
}

# Debian's reference policy modules, unpacked (not installed: that would make this an SELinux
# system) for tests/selinux to link the tempusd module against.
SELINUX_POLICY_ROOT=/var/cache/tempus-test/selinux-policy-root
prepare_selinux_policy() {
  [ -e "$SELINUX_POLICY_ROOT/usr/share/selinux/default/base.pp.bz2" ] && return 0
  [ "$(id -u)" -eq 0 ] || return 0
  log "unpacking selinux-policy-default for the SELinux module test into $SELINUX_POLICY_ROOT"
  local tmp
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  if (cd "$tmp" && apt-get download -qq selinux-policy-default >/dev/null 2>&1); then
    mkdir -p "$SELINUX_POLICY_ROOT"
    dpkg -x "$tmp"/selinux-policy-default_*.deb "$SELINUX_POLICY_ROOT"
  else
    echo "note: apt-get download selinux-policy-default failed; the SELinux link checks will skip"
  fi
  rm -rf "$tmp"
}

build() {  # build DIR [meson options...]
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@"
  fi
  ninja -C "$dir"
}

summarise() {  # summarise JUNIT_XML... → "N passed, N failed, N skipped"
  python3 - "$@" <<'PY'
import sys, xml.etree.ElementTree as ET
p = f = s = 0
for path in sys.argv[1:]:
    for tc in ET.parse(path).getroot().iter('testcase'):
        if tc.find('failure') is not None or tc.find('error') is not None: f += 1
        elif tc.find('skipped') is not None: s += 1
        else: p += 1
print(f"tests: {p} passed, {f} failed, {s} skipped")
sys.exit(1 if f else 0)
PY
}

run_suite() {  # run_suite DIR
  local dir=$1 rc=0
  meson test -C "$dir" --print-errorlogs --num-processes 2 || rc=$?
  return $rc
}

cmd=${1:-}
case "$cmd" in
  build)
    install_packages "${BUILD_PKGS[@]}"
    build build
    ;;
  run)
    install_packages "${BUILD_PKGS[@]}"
    ensure_user
    build build
    log "starting tempusd in the foreground, no-adjust mode (-x); Ctrl-C stops it"
    exec ./build/src/proc/tempusd -d -x -f etc/tempus.conf
    ;;
  test)
    install_packages "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${SELINUX_TEST_PKGS[@]}" "${FUZZ_PKGS[@]}"
    ensure_user
    prepare_ntpsec
    prepare_openntpd
    prepare_selinux_policy
    export TEMPUS_NTPSEC_ROOT=$NTPSEC_ROOT TEMPUS_OPENNTPD_ROOT=$OPENNTPD_ROOT
    export TEMPUS_SELINUX_POLICY_ROOT=$SELINUX_POLICY_ROOT
    rc=0
    log "release build (debugoptimized, hardened, no test hooks): every suite"
    build build
    run_suite build || rc=1
    log "test build (-Dtest_hooks=true): the system tests that need the hooks"
    [ -f build-test/build.ninja ] || meson setup build-test -Dtest_hooks=true
    ninja -C build-test src/proc/tempusd src/ctl/tempusctl
    # Only the tests that need the hooks (the release build ran every other one above).
    TEMPUS_TEST_PATTERNS="Hooks virtual_clock initstepslew ParentHook Soak" \
      meson test -C build-test --no-rebuild --print-errorlogs privsep client startup sandbox || rc=1
    log "ASan/UBSan build (with test hooks): every suite, system included (leak checks: unit)"
    build build-asan -Dtest_hooks=true -Db_sanitize=address,undefined -Db_lundef=false
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      run_suite build-asan || rc=1
    log "libFuzzer build (clang, ASan/UBSan): 5 s of fuzzing per target"
    [ -f build-fuzz/build.ninja ] || CC=clang CXX=clang++ meson setup build-fuzz \
      -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false
    ninja -C build-fuzz $(for f in tests/fuzz/fuzz_*.cc; do basename -s .cc "$f"; done |
                          sed 's|^|tests/fuzz/|')
    meson test -C build-fuzz --no-rebuild --print-errorlogs --suite fuzz-libfuzzer || rc=1
    summarise build/meson-logs/testlog.junit.xml build-test/meson-logs/testlog.junit.xml \
      build-asan/meson-logs/testlog.junit.xml build-fuzz/meson-logs/testlog.junit.xml || rc=1
    exit $rc
    ;;
  *)
    echo "usage: tools/dev.sh run|test|build" >&2
    exit 2
    ;;
esac
