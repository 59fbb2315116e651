# SPDX-License-Identifier: ISC
"""The sandbox of tempusd.service reproduced without systemd as PID 1, for tests that must show a
missing capability, system call or writable directory: the unit's CapabilityBoundingSet,
NoNewPrivileges=, User=, Group= and AmbientCapabilities= through setpriv(1), its SystemCallFilter=
(groups expanded by `systemd-analyze syscall-filter`, as systemd 252 does: anything else kills the
process) and RestrictAddressFamilies= (other families: EAFNOSUPPORT) as a seccomp filter loaded
through libseccomp, and ProtectSystem=strict as a private mount namespace whose root is read-only
but for the paths the unit makes writable (StateDirectory=, RuntimeDirectory=, LogsDirectory=,
ReadWritePaths=, and /tmp for PrivateTmp=, here the host's), all before tempusd is executed. Not
reproduced: PrivateDevices=, ProtectProc=, ProtectHome=, PrivateTmp='s private /tmp.

  prefix(unit_text) -> the command prefix (python3 unit_fence.py SPEC -- setpriv ...)
  python3 unit_fence.py SPEC_JSON COMMAND...   loads the filter, then executes COMMAND."""
import ctypes
import ctypes.util
import json
import os
import pwd
import socket
import subprocess
import sys
import tempfile

SCMP_ACT_KILL_PROCESS = 0x80000000
SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_CMP_EQ = 4
AF_MAX = 64  # above every family Linux defines


def unit_values(text, key):
    return [l.split("=", 1)[1].strip() for l in text.splitlines() if l.startswith(key + "=")]


def expand(name, cache={}):
    """A syscall group (@x) as the set of its syscall names, or {name}."""
    if not name.startswith("@"):
        return {name}
    if name not in cache:
        out = subprocess.run(["systemd-analyze", "syscall-filter", name], capture_output=True,
                             text=True, check=True, timeout=30).stdout
        names = set()
        for line in out.splitlines()[1:]:
            line = line.strip()
            if line and not line.startswith("#"):
                names |= expand(line)
        cache[name] = names
    return cache[name]


def syscall_allow_list(text):
    """SystemCallFilter= as systemd reads it: the first line an allow list, `~` lines remove."""
    allowed = None
    for value in unit_values(text, "SystemCallFilter"):
        deny = value.startswith("~")
        names = set().union(*(expand(n) for n in value.lstrip("~").split()))
        if allowed is None:
            if deny:
                raise ValueError("a deny-list SystemCallFilter= is not reproduced")
            allowed = names
        elif deny:
            allowed -= names
        else:
            allowed |= names
    return allowed


def families(text):
    values = unit_values(text, "RestrictAddressFamilies")
    if not values:
        return None
    return sorted({getattr(socket, n) for v in values for n in v.split()})


def writable_paths(text):
    """With ProtectSystem=strict, the paths the unit leaves writable (missing "-" ones dropped);
    None without it."""
    if unit_values(text, "ProtectSystem")[-1:] != ["strict"]:
        return None
    paths = []
    for key, base in [("StateDirectory", "/var/lib"), ("RuntimeDirectory", "/run"),
                      ("LogsDirectory", "/var/log")]:
        paths += [os.path.join(base, d) for v in unit_values(text, key) for d in v.split()]
    for v in unit_values(text, "ReadWritePaths"):
        for p in v.split():
            if not p.startswith("-") or os.path.exists(p[1:]):
                paths.append(p.lstrip("-"))
    if unit_values(text, "PrivateTmp")[-1:] == ["yes"]:
        paths.append("/tmp")
    return paths


def bounding_set(text):
    return unit_values(text, "CapabilityBoundingSet")[-1].split()


def prefix(text):
    """The command prefix that runs a program in the unit's sandbox (as far as reproduced)."""
    spec = {"allow": sorted(syscall_allow_list(text)), "families": families(text),
            "writable": writable_paths(text)}
    fd, path = tempfile.mkstemp(prefix="tempus-fence-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(spec, f)
    os.chmod(path, 0o644)
    caps = ",".join("+" + c.lower().removeprefix("cap_") for c in bounding_set(text))
    setpriv = ["setpriv", f"--bounding-set=-all,{caps}"]
    if unit_values(text, "NoNewPrivileges") == ["yes"]:
        setpriv.append("--no-new-privs")
    if unit_values(text, "User"):
        user = unit_values(text, "User")[-1]
        group = (unit_values(text, "Group") or [str(pwd.getpwnam(user).pw_gid)])[-1]
        setpriv += [f"--reuid={user}", f"--regid={group}", "--clear-groups"]
        ambient = " ".join(unit_values(text, "AmbientCapabilities")).split()
        if ambient:
            caps = ",".join("+" + c.lower().removeprefix("cap_") for c in ambient)
            setpriv += [f"--inh-caps={caps}", f"--ambient-caps={caps}"]
    return [sys.executable, os.path.abspath(__file__), path, "--", *setpriv]


class ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64),
                ("datum_b", ctypes.c_uint64)]


def read_only_root(writable):
    """A private mount namespace with / read-only but `writable` (bound onto themselves first,
    as systemd does; other mounts such as /proc, /sys and /dev stay as they are)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                           ctypes.c_void_p]
    ms_rdonly, ms_remount, ms_bind, ms_rec, ms_private = 0x1, 0x20, 0x1000, 0x4000, 0x40000

    def check(r, what):
        if r != 0:
            raise OSError(ctypes.get_errno(), f"{what}: {os.strerror(ctypes.get_errno())}")

    check(libc.unshare(0x00020000), "unshare(CLONE_NEWNS)")
    check(libc.mount(b"none", b"/", None, ms_rec | ms_private, None), "mount --make-rprivate /")
    for p in writable:
        os.makedirs(p, 0o755, exist_ok=True)  # systemd makes the unit's own directories
        check(libc.mount(p.encode(), p.encode(), None, ms_bind | ms_rec, None), f"bind {p}")
    check(libc.mount(None, b"/", None, ms_remount | ms_bind | ms_rdonly, None), "remount / ro")


def load(spec):
    lib = ctypes.CDLL(ctypes.util.find_library("seccomp") or "libseccomp.so.2", use_errno=True)
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                           ctypes.c_uint, ctypes.POINTER(ArgCmp)]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]

    def new(default):
        ctx = lib.seccomp_init(default)
        if not ctx:
            raise OSError("seccomp_init failed")
        return ctx

    def add(ctx, action, nr, cmps=()):
        arr = (ArgCmp * max(1, len(cmps)))(*cmps)
        if lib.seccomp_rule_add_array(ctx, action, nr, len(cmps), arr) < 0:
            raise OSError(f"seccomp_rule_add({nr}) failed")

    ctx = new(SCMP_ACT_KILL_PROCESS)
    for name in spec["allow"]:
        nr = lib.seccomp_syscall_resolve_name(name.encode())
        if nr >= 0:  # names of other architectures resolve to pseudo numbers < 0
            add(ctx, SCMP_ACT_ALLOW, nr)
    if lib.seccomp_load(ctx) < 0:
        raise OSError("seccomp_load (allow list) failed")
    if spec["families"] is not None:
        # A second, stacked filter: socket() of another family fails as systemd makes it fail.
        ctx = new(SCMP_ACT_ALLOW)
        errno_eafnosupport = 0x00050000 | 97
        nr = lib.seccomp_syscall_resolve_name(b"socket")
        for fam in range(AF_MAX):
            if fam not in spec["families"]:
                add(ctx, errno_eafnosupport, nr, [ArgCmp(0, SCMP_CMP_EQ, fam, 0)])
        if lib.seccomp_load(ctx) < 0:
            raise OSError("seccomp_load (address families) failed")


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        spec_ = json.load(f)
    os.unlink(sys.argv[1])
    argv = sys.argv[3:] if sys.argv[2] == "--" else sys.argv[2:]
    if spec_["writable"] is not None:
        read_only_root(spec_["writable"])
    load(spec_)
    os.execvp(argv[0], argv)
