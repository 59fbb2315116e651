#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The RPM spec (rpm/tempus.spec) builds: rpm/build.sh makes the source and binary packages
from the work tree with rpmbuild, then the packages are read back with rpm -qp:
- the file list is what tempus installs on RHEL (binaries, units, ntp-units.d, sysusers.d,
  tmpfiles.d, man pages, /etc/tempus/tempus.conf and /etc/sysconfig/tempusd as
  %config(noreplace), /var/lib/tempus owned by root), nothing under /usr/local;
- the packaged tempusd runs and is a release build (no test hook);
- the scriptlets create the tempus user, apply the tmpfiles entry, handle the units, and the
  selinux subpackage installs its module (a policy module, bzip2'd) and relabels;
- with RHEL's macros defined (stubs), the spec calls %meson, %sysusers_create_compat,
  %systemd_post and the selinux-policy macros instead of its plain fallbacks;
- no package-level conflict with chrony (the unit's Conflicts= does the job) and nothing that
  would satisfy a dependency on chrony.
Usage: check_rpm.py SOURCE_DIR OUT_DIR. Skips without rpmbuild (fails without it when CI=true)
and outside a git work tree.
Takes about a minute once ccache holds the build/ directory's objects."""
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest

SRC, OUT = (os.path.abspath(a) for a in sys.argv[1:3])
del sys.argv[1:3]
POLICY_MODULE_MAGIC = bytes.fromhex("8fff7cf9")  # SELinux module package, little-endian


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)


def project_version():
    with open(os.path.join(SRC, "meson.build")) as f:
        return re.search(r"version\s*:\s*'([^']+)'", f.read()).group(1)


class Rpm(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        r = run([os.path.join(SRC, "rpm", "build.sh"), SRC, OUT])
        if r.returncode != 0:
            raise RuntimeError("rpm/build.sh failed:\n" + r.stderr[-6000:])
        cls.packages = r.stdout.split()
        cls.version = project_version()

    def package(self, pattern):
        found = [p for p in self.packages if re.search(pattern, os.path.basename(p))]
        self.assertEqual(len(found), 1, (pattern, self.packages))
        return found[0]

    @property
    def main(self):
        return self.package(rf"^tempus-{re.escape(self.version)}-1[^-]*\.(?!noarch|src)\w+\.rpm$")

    @property
    def selinux(self):
        return self.package(r"^tempus-selinux-.*\.noarch\.rpm$")

    def query(self, rpm, *args):
        r = run(["rpm", "-qp", *args, rpm])
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def extract(self, rpm):
        d = tempfile.mkdtemp(prefix="tempus-rpm-")
        self.addCleanup(shutil.rmtree, d, True)
        with open(rpm, "rb") as f:
            r = subprocess.run(["rpm2archive", "-"], stdin=f, capture_output=True, check=True,
                               timeout=60)
        with tarfile.open(fileobj=io.BytesIO(r.stdout), mode="r:gz") as t:
            t.extractall(d, filter="tar")
        return d

    def test_three_packages(self):
        self.assertEqual(len(self.packages), 3, self.packages)
        self.package(rf"^tempus-{re.escape(self.version)}-1.*\.src\.rpm$")
        self.main
        self.selinux

    def test_source_package(self):
        files = self.query(self.package(r"\.src\.rpm$"), "-l").split()
        self.assertEqual(sorted(files),
                         sorted([f"tempus-{self.version}.tar.gz", "tempus.spec", "tempus.sysusers"]))

    def test_file_list(self):
        files = set(self.query(self.main, "-l").split())
        want = {
            "/usr/sbin/tempusd", "/usr/bin/tempusctl",
            "/etc/tempus", "/etc/tempus/tempus.conf", "/etc/sysconfig/tempusd",
            "/usr/lib/systemd/system/tempusd.service", "/usr/lib/systemd/system/tempus-wait.service",
            "/usr/lib/systemd/ntp-units.d/50-tempusd.list",
            "/usr/lib/sysusers.d/tempus.conf", "/usr/lib/tmpfiles.d/tempus.conf",
            "/var/lib/tempus",
        }
        self.assertLessEqual(want, files)
        for man in ("/usr/share/man/man5/tempus.conf.5", "/usr/share/man/man8/tempusd.8",
                    "/usr/share/man/man8/tempusctl.8"):
            self.assertTrue(any(f == man or f.startswith(man + ".") for f in files), man)
        self.assertEqual([f for f in files if f.startswith(("/usr/local", "/usr/com", "/home"))], [])
        # Everything else is documentation or build-id links.
        rest = {f for f in files - want if not f.startswith(
            ("/usr/share/man/", "/usr/share/doc/", "/usr/lib/.build-id", "/usr/share/licenses/"))}
        self.assertEqual(rest, {"/usr/lib/systemd/ntp-units.d"})

    def test_config_noreplace_and_modes(self):
        rows = self.query(self.main, "--qf",
                          "[%{FILENAMES}\t%{FILEFLAGS:fflags}\t%{FILEMODES:perms}\t"
                          "%{FILEUSERNAME}:%{FILEGROUPNAME}\n]").splitlines()
        table = {r.split("\t")[0]: r.split("\t")[1:] for r in rows}
        configs = {f for f, (flags, _, _) in table.items() if "c" in flags}
        self.assertEqual(configs, {"/etc/tempus/tempus.conf", "/etc/sysconfig/tempusd"})
        for f in configs:
            self.assertIn("n", table[f][0], f)  # noreplace
        # The chroot: root's, not writable by the tempus user.
        self.assertEqual(table["/var/lib/tempus"][1:], ["drwxr-xr-x", "root:root"])
        self.assertEqual(table["/usr/sbin/tempusd"][1:], ["-rwxr-xr-x", "root:root"])

    def test_packaged_daemon_is_a_release_build(self):
        root = self.extract(self.main)
        tempusd = os.path.join(root, "usr/sbin/tempusd")
        r = run([tempusd, "-v"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(self.version, r.stdout)
        self.assertNotIn("test hooks", r.stdout)
        with open(tempusd, "rb") as f:
            self.assertNotIn(b"TEMPUS_TEST_HOOK", f.read())
        # The packaged unit starts the packaged binary.
        with open(os.path.join(root, "usr/lib/systemd/system/tempusd.service")) as f:
            self.assertIn("ExecStart=/usr/sbin/tempusd -n $OPTIONS", f.read())
        with open(os.path.join(root, "usr/lib/sysusers.d/tempus.conf")) as f:
            self.assertRegex(f.read(), r"(?m)^u tempus .* /var/lib/tempus ")

    def test_scriptlets(self):
        s = self.query(self.main, "--scripts")
        parts = dict(re.findall(r"(?ms)^(\w+) scriptlet \(using /bin/sh\):\n(.*?)(?=^\w+ scriptlet|\Z)", s))
        self.assertEqual(set(parts), {"preinstall", "postinstall", "preuninstall", "postuninstall"}, s)
        # The user exists before the files are laid down (sysusers line or its fallback).
        self.assertRegex(parts["preinstall"], r"useradd|systemd-sysusers")
        self.assertIn("tempus", parts["preinstall"])
        self.assertIn("/usr/lib/tmpfiles.d/tempus.conf", parts["postinstall"])
        self.assertIn("tempusd.service", parts["postinstall"])
        self.assertIn("tempusd.service", parts["preuninstall"])
        self.assertRegex(parts["postuninstall"], r"try-restart tempusd\.service|"
                                                 r"systemd_postun_with_restart|restart")

    def test_selinux_package(self):
        files = set(self.query(self.selinux, "-l").split())
        pp = "/usr/share/selinux/packages/targeted/tempusd.pp.bz2"
        self.assertIn(pp, files)
        self.assertIn("/usr/share/selinux/devel/include/distributed/tempusd.if", files)
        root = self.extract(self.selinux)
        r = subprocess.run(["bunzip2", "-c", root + pp], capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stdout[:4], POLICY_MODULE_MAGIC)
        s = self.query(self.selinux, "--scripts")
        post = s.split("postinstall scriptlet", 1)[1].split("scriptlet", 1)[0]
        self.assertRegex(post, r"semodule .*-i .*tempusd\.pp\.bz2|selinux_modules_install")
        self.assertRegex(s, r"restorecon|selinux_relabel_post")
        self.assertIn("selinux-policy-targeted", self.query(self.selinux, "--requires"))
        self.assertIn("(tempus-selinux if selinux-policy-targeted)",
                      self.query(self.main, "--requires"))

    def test_rhel_macros_are_used_where_defined(self):
        # CI's rpmbuild takes the fallback branches; with RHEL's macros defined (as stubs that
        # print their name and arguments) the spec must call each of them, with these arguments.
        stubs = {
            "meson": "STUB_MESON", "meson_build": "STUB_MESON_BUILD",
            "meson_install": "STUB_MESON_INSTALL",
            "sysusers_create_compat()": "STUB_SYSUSERS %*", "tmpfiles_create()": "STUB_TMPFILES %*",
            "systemd_post()": "STUB_SYSTEMD_POST %*", "systemd_preun()": "STUB_SYSTEMD_PREUN %*",
            "systemd_postun_with_restart()": "STUB_SYSTEMD_POSTUN %*",
            "selinux_relabel_pre(s:)": "STUB_RELABEL_PRE %{-s*}",
            "selinux_modules_install(s:)": "STUB_MODULES_INSTALL %{-s*} %*",
            "selinux_modules_uninstall(s:)": "STUB_MODULES_UNINSTALL %{-s*} %*",
            "selinux_relabel_post(s:)": "STUB_RELABEL_POST %{-s*}",
        }
        args = [a for name, body in stubs.items() for a in ("--define", f"{name} {body}")]
        r = run(["rpmspec", "-P", *args, "--define", "_sourcedir /SOURCES",
                 os.path.join(SRC, "rpm", "tempus.spec")])
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = {l.strip() for l in r.stdout.splitlines()}
        for want in ("STUB_MESON -Dtests=false -Dwerror=false", "STUB_MESON_BUILD",
                     "STUB_MESON_INSTALL", "STUB_SYSUSERS /SOURCES/tempus.sysusers",
                     "STUB_TMPFILES /usr/lib/tmpfiles.d/tempus.conf",
                     "STUB_SYSTEMD_POST tempusd.service tempus-wait.service",
                     "STUB_SYSTEMD_PREUN tempusd.service tempus-wait.service",
                     "STUB_SYSTEMD_POSTUN tempusd.service", "STUB_RELABEL_PRE targeted",
                     "STUB_MODULES_INSTALL targeted "
                     "/usr/share/selinux/packages/targeted/tempusd.pp.bz2",
                     "STUB_MODULES_UNINSTALL targeted tempusd", "STUB_RELABEL_POST targeted"):
            self.assertTrue(want in lines, f"not in the expanded spec: {want}")
        # None of the fallbacks is left in the build and the scriptlets.
        scripts = r.stdout.split("\n%prep\n", 1)[1]
        for fallback in ("useradd", "systemd-tmpfiles", "systemctl", "semodule", "meson setup"):
            self.assertNotIn(fallback, scripts)

    def test_no_package_conflict_with_chrony(self):
        for rpm in (self.main, self.selinux):
            self.assertNotIn("chrony", self.query(rpm, "--conflicts"))
            self.assertNotIn("chrony", self.query(rpm, "--provides"))
        # Instead, one time daemon runs at a time: the packaged unit stops chronyd.
        root = self.extract(self.main)
        with open(os.path.join(root, "usr/lib/systemd/system/tempusd.service")) as f:
            self.assertRegex(f.read(), r"(?m)^Conflicts=.*\bchronyd\.service\b")


if __name__ == "__main__":
    if not shutil.which("rpmbuild"):
        if os.environ.get("CI") == "true":
            print("rpmbuild not found (Debian: apt-get install rpm)")
            sys.exit(1)
        print("SKIP: rpmbuild not found (Debian: apt-get install rpm)")
        sys.exit(77)
    if run(["git", "-C", SRC, "rev-parse", "--git-dir"]).returncode != 0:
        print(f"SKIP: {SRC} is not a git work tree (rpm/build.sh packs git's file list)")
        sys.exit(77)
    unittest.main(verbosity=2)
