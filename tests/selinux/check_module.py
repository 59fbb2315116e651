#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The SELinux policy module (selinux/): builds with the policy development Makefile, calls no
interface that neither refpolicy nor Fedora defines, and — linked with Debian's reference policy
— grants each role what design.md says and nothing of the others'.
Usage: check_module.py SELINUX_DIR
Needs selinux-policy-dev (skips without it, fails without it under CI=true). The link and rule
checks need $TEMPUS_SELINUX_POLICY_ROOT (Debian's selinux-policy-default unpacked, as
tools/dev.sh does), semodule_link/semodule_expand (semodule-utils) and python3-setools."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SRC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ""
DEVEL = "/usr/share/selinux/devel"
POLICY_ROOT = os.environ.get("TEMPUS_SELINUX_POLICY_ROOT", "")
MODULES = os.path.join(POLICY_ROOT, "usr/share/selinux/default")

# Names the module uses only in the branch that Debian's refpolicy does not take, checked by hand
# against fedora-selinux/selinux-policy (policy/modules/kernel/files.if, system/init.if,
# system/systemd.if). Anything else must be defined by the installed headers or by the module.
FEDORA_ONLY = {"files_pid_file", "files_pid_filetrans", "files_search_pids", "systemd_unit_file",
               "init_nnp_daemon_domain", "init_write_pid_socket"}
M4_BUILTINS = {"define", "ifdef", "ifelse", "dnl", "shift", "substr", "index", "len", "eval"}


def defined_names(root):
    names = set()
    pat = re.compile(r"^\s*(?:interface|template|define)\(`([A-Za-z0-9_]+)'", re.M)
    for base, _, files in os.walk(root):
        for f in files:
            if f.endswith((".if", ".spt", ".te")):
                with open(os.path.join(base, f), errors="replace") as fh:
                    names.update(pat.findall(fh.read()))
    return names


def strip_comments(text):
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)


class Module(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tempus-selinux-")
        cls.work = os.path.join(cls.tmp, "selinux")
        cls.build = build_module(cls.work)
        cls.pp = os.path.join(cls.work, "tempusd.pp")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_builds_without_warnings(self):
        out = self.build.stdout + self.build.stderr
        self.assertEqual(self.build.returncode, 0, out)
        self.assertTrue(os.path.exists(self.pp), out)
        self.assertNotRegex(out.lower(), r"warning|error|undefined", out)

    def test_every_called_name_is_defined(self):
        # checkmodule rejects an unknown interface only in the branches it compiles: the names in
        # the other ifdef() branches are checked here.
        known = defined_names(os.path.join(DEVEL, "include")) | defined_names(SRC)
        known |= FEDORA_ONLY | M4_BUILTINS
        for name in ("tempusd.te", "tempusd.if"):
            with open(os.path.join(SRC, name)) as f:
                text = strip_comments(f.read())
            called = set(re.findall(r"\b([a-z][a-z0-9_]*)\(", text))
            called |= set(re.findall(r"ifn?def\(`([A-Za-z0-9_]+)'", text))
            self.assertEqual(sorted(called - known), [], f"undefined in {name}")


def build_module(dest):
    """Copies selinux/ to dest and builds tempusd.pp there; returns make's result."""
    shutil.copytree(SRC, dest)
    return run(["make", "-f", os.path.join(DEVEL, "Makefile"), "tempusd.pp"], cwd=dest)


@unittest.skipUnless(POLICY_ROOT, "TEMPUS_SELINUX_POLICY_ROOT not set")
class Linked(unittest.TestCase):
    """Our module linked with every module of Debian's reference policy and expanded (which also
    checks neverallow rules), then queried with setools."""

    @classmethod
    def setUpClass(cls):
        import setools  # python3-setools: Debian's python3 (meson.build picks /usr/bin/python3)
        cls.setools = setools
        cls.tmp = tempfile.mkdtemp(prefix="tempus-selinux-link-")
        work = os.path.join(cls.tmp, "selinux")
        r = build_module(work)
        if r.returncode != 0:
            raise RuntimeError(r.stdout + r.stderr)
        mods = []
        for f in sorted(os.listdir(MODULES)):
            if not f.endswith(".pp.bz2"):
                continue
            out = os.path.join(cls.tmp, f[:-4])
            with open(out, "wb") as fh:
                subprocess.run(["bunzip2", "-c", os.path.join(MODULES, f)], stdout=fh, check=True)
            mods.append(out)
        base = [m for m in mods if m.endswith("/base.pp")]
        if len(base) != 1:
            raise RuntimeError(f"no base.pp in {MODULES}")
        others = [m for m in mods if m not in base]
        linked = os.path.join(cls.tmp, "linked.lnk")
        policy = os.path.join(cls.tmp, "policy.bin")
        for cmd in (["semodule_link", "-o", linked] + base + others + [os.path.join(work, "tempusd.pp")],
                    ["semodule_expand", linked, policy]):
            r = run(cmd)
            if r.returncode != 0:
                raise RuntimeError(" ".join(cmd[:2]) + ": " + r.stdout[-2000:] + r.stderr[-2000:])
        cls.policy = setools.SELinuxPolicy(policy)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def rules(self, ruletype, conditional, **kw):
        for r in self.setools.TERuleQuery(self.policy, ruletype=[ruletype], **kw).results():
            try:
                r.conditional
                is_cond = True
            except self.setools.exception.RuleNotConditional:
                is_cond = False
            if conditional or not is_cond:
                yield r

    def perms(self, source, target=None, tclass=None, conditional=False):
        """The permissions that allow rules give source (also through its attributes) on target
        (likewise; any target when None) for tclass; unconditional rules unless asked."""
        kw = {"source": source}
        if target:
            kw["target"] = target
        if tclass:
            kw["tclass"] = [tclass]
        out = set()
        for r in self.rules("allow", conditional, **kw):
            out |= set(r.perms)
        return out

    def transitions(self, source, target, tclass):
        return {str(r.default) for r in self.rules("type_transition", True, source=source,
                                                   target=target, tclass=[tclass])}

    def test_only_the_parent_sets_the_clock(self):
        self.assertIn("sys_time", self.perms("tempusd_t", "tempusd_t", "capability"))
        for d in ("tempusd_net_t", "tempusd_dns_t"):
            self.assertNotIn("sys_time", self.perms(d, None, "capability", conditional=True), d)

    def test_capabilities_per_role(self):
        cases = {
            "tempusd_t": {"sys_time", "setgid", "setpcap", "dac_read_search"},
            "tempusd_net_t": {"setuid", "setgid", "sys_chroot", "setpcap", "net_bind_service"},
            "tempusd_dns_t": {"setuid", "setgid", "setpcap"},
        }
        for d, want in cases.items():
            self.assertEqual(self.perms(d, d, "capability"), want, d)
            never = {"sys_admin", "dac_override", "sys_module", "sys_ptrace", "fowner"}
            self.assertEqual(self.perms(d, None, "capability", conditional=True) & never, set(), d)

    def test_children_entered_by_setexeccon_only(self):
        self.assertIn("setexec", self.perms("tempusd_t", "tempusd_t", "process"))
        for d in ("tempusd_net_t", "tempusd_dns_t"):
            self.assertIn("transition", self.perms("tempusd_t", d, "process"), d)
            self.assertIn("entrypoint", self.perms(d, "tempusd_exec_t", "file"), d)
            # Neither child may turn into another domain, the parent's included.
            self.assertNotIn("transition", self.perms(d, "tempusd_t", "process"), d)
            self.assertNotIn("setexec", self.perms(d, d, "process"), d)
        self.assertEqual(self.transitions("tempusd_t", "tempusd_exec_t", "process"), set())
        self.assertEqual(self.transitions("init_t", "tempusd_exec_t", "process"), {"tempusd_t"})

    def test_ports(self):
        self.assertIn("name_bind", self.perms("tempusd_net_t", "ntp_port_t", "udp_socket"))
        self.assertIn("name_bind", self.perms("tempusd_net_t", "chronyd_port_t", "udp_socket"))
        self.assertLessEqual({"name_bind", "name_connect"},
                             self.perms("tempusd_net_t", "ntske_port_t", "tcp_socket"))
        for d in ("tempusd_t", "tempusd_dns_t"):
            self.assertNotIn("name_bind", self.perms(d, "ntp_port_t", "udp_socket"), d)

    def test_taken_over_from_chrony(self):
        # Each optional block is enabled (a misspelt type in its gen_require would disable it).
        self.assertIn("sendto", self.perms("chronyc_t", "tempusd_net_t", "unix_dgram_socket"))
        self.assertIn("sendto", self.perms("tempusd_net_t", "chronyc_t", "unix_dgram_socket"))
        self.assertIn("create", self.perms("chronyc_t", "tempusd_cmdsock_t", "sock_file"))
        self.assertIn("connectto", self.perms("chronyc_t", "tempusd_net_t", "unix_stream_socket"))
        for admin in ("unconfined_t", "sysadm_t"):
            self.assertIn("sendto", self.perms("tempusd_net_t", admin, "unix_dgram_socket"), admin)
        self.assertLessEqual({"create", "write", "rename"},
                             self.perms("tempusd_t", "chronyd_var_lib_t", "file"))
        for d in ("tempusd_t", "tempusd_net_t", "tempusd_dns_t"):
            self.assertIn("read", self.perms(d, "chronyd_conf_t", "file"), d)
        self.assertIn("rmdir", self.perms("tempusd_t", "chronyd_var_run_t", "dir"))

    def test_taken_over_from_ntpd(self):
        for d in ("tempusd_t", "tempusd_net_t", "tempusd_dns_t"):
            self.assertIn("read", self.perms(d, "net_conf_t", "file"), d)  # /etc/ntp.conf
        for d in ("tempusd_t", "tempusd_net_t"):
            self.assertIn("read", self.perms(d, "ntpd_key_t", "file"), d)
        self.assertLessEqual({"create", "write", "rename"},
                             self.perms("tempusd_t", "ntp_drift_t", "file"))
        self.assertNotIn("write", self.perms("tempusd_net_t", "ntp_drift_t", "file"))
        self.assertIn("append", self.perms("tempusd_t", "ntpd_log_t", "file"))

    def test_file_contexts_name_declared_types(self):
        with open(os.path.join(SRC, "tempusd.fc")) as f:
            types = set(re.findall(r"object_r:([a-z0-9_]+)", f.read()))
        self.assertIn("tempusd_exec_t", types)
        for t in types:
            self.policy.lookup_type(t)  # raises InvalidType


if __name__ == "__main__":
    if not os.path.exists(os.path.join(DEVEL, "Makefile")):
        print(f"{DEVEL}/Makefile missing: install selinux-policy-dev")
        sys.exit(1 if os.environ.get("CI") else 77)
    if not SRC or not os.path.isdir(SRC):
        print(__doc__)
        sys.exit(2)
    unittest.main(argv=sys.argv[:1], verbosity=2)
