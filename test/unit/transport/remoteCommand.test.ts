import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { TransportError } from "../../../provider/transport/errors";
import { remoteProxyCommand, shellQuote, validateDaemonUri, validateSocketPath } from "../../../provider/transport/remoteCommand";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command line the way sshd does: `<login shell> -c <line>`. */
function runAsLoginShell(shell: string, line: string, path: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(shell, ["-c", line], { env: { PATH: path } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const HOSTILE_URIS = [
  "",
  "qemu:///system; rm -rf /",
  "qemu:///system'$(id)'",
  "qemu:///system`id`",
  "qemu:///system\nid",
  "qemu:///sys tem",
  "qemu:///system|id",
  "qemu:///system&&id",
  "qemu:///$HOME",
  "qemu:///../../etc",
  "-r",
  "--help",
  "qemu+ssh://host/system",
  "qemu+unix:///system",
  "qemu://host/system",
  "qemu:///system?socket=/tmp/x",
  "QEMU:///system",
  "qemu:/system",
  "qemu:///syst\u00e9m",
  `qemu:///${"a".repeat(300)}`,
];

const HOSTILE_PATHS = [
  "",
  "relative/libvirt-sock",
  "/var/run/libvirt/libvirt sock",
  "/tmp/$(id)",
  "/tmp/`id`",
  "/tmp/x;id",
  "/tmp/x'y",
  "/tmp/x\nid",
  "/tmp/x|id",
  "/tmp/*",
  `/${"a".repeat(120)}`,
];

describe("transport/remoteCommand", () => {
  describe("shellQuote", () => {
    it("wraps in single quotes and escapes single quotes", () => {
      assert.equal(shellQuote("plain"), "'plain'");
      assert.equal(shellQuote("it's"), "'it'\\''s'");
      assert.equal(shellQuote(""), "''");
    });

    it("round-trips hostile words through a real sh unchanged", async () => {
      const words = ["$(id)", "`id`", "a'b\"c", "x\ny", "*", "\\", "; rm -rf /", "$HOME", "!bang", "-n"];
      for (const word of words) {
        const run = await runAsLoginShell("/bin/sh", `printf %s ${shellQuote(word)}`, "/usr/bin:/bin");
        assert.equal(run.stdout, word, `word ${JSON.stringify(word)}`);
      }
    });

    it("refuses NUL, which no command line can carry", () => {
      assert.throws(
        () => shellQuote("a\0b"),
        (e: unknown) => e instanceof TransportError && e.kind === "config",
      );
    });
  });

  describe("validation", () => {
    it("accepts daemon-local URIs", () => {
      for (const uri of ["qemu:///system", "qemu:///session", "xen:///", "lxc:///", "xen:///system", "ch:///system", "test:///default"]) {
        assert.deepEqual(validateDaemonUri(uri), [], uri);
      }
    });

    for (const uri of HOSTILE_URIS) {
      it(`rejects uri ${JSON.stringify(uri.length > 40 ? `${uri.slice(0, 40)}...` : uri)}`, () => {
        assert.equal(validateDaemonUri(uri).length, 1);
      });
    }

    it("explains transport and host parts in URIs", () => {
      assert.match(validateDaemonUri("qemu+ssh://h/system")[0] ?? "", /names a transport/);
      assert.match(validateDaemonUri("qemu://h/system")[0] ?? "", /names a host/);
      assert.match(validateDaemonUri("qemu:///system?x=1")[0] ?? "", /query/);
    });

    it("does not echo control characters back in messages", () => {
      assert.ok(!/[\n\r]/.test(validateDaemonUri("qemu:///x\nid")[0] ?? ""));
    });

    it("accepts absolute socket paths of safe characters", () => {
      for (const path of [
        "/var/run/libvirt/libvirt-sock",
        "/run/libvirt/virtqemud-sock",
        "/var/run/libvirt/libvirt-sock-ro",
        "/tmp/a_b.c",
      ]) {
        assert.deepEqual(validateSocketPath(path), [], path);
      }
    });

    for (const path of HOSTILE_PATHS) {
      it(`rejects socket path ${JSON.stringify(path.length > 40 ? `${path.slice(0, 40)}...` : path)}`, () => {
        assert.equal(validateSocketPath(path).length, 1);
      });
    }

    it("refuses to build a command from hostile values, listing every problem", () => {
      assert.throws(
        () => remoteProxyCommand({ uri: "qemu:///system;id", socketPath: "/tmp/$(id)" }),
        (e: unknown) => e instanceof TransportError && e.kind === "config" && /uri/.test(e.message) && /socketPath/.test(e.message),
      );
    });
  });

  describe("the command, run by a real shell", () => {
    let dir: string;
    let tools: string;
    const withHelper = (): string => join(dir, "with-helper");
    const withNcQ = (): string => join(dir, "with-nc-q");
    const withPlainNc = (): string => join(dir, "with-plain-nc");
    const empty = (): string => join(dir, "empty");

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "remote-cmd-"));
      tools = join(dir, "tools");
      for (const d of [tools, withHelper(), withNcQ(), withPlainNc(), empty()]) await mkdir(d);
      // Only what the script needs, so the real virt-ssh-helper and nc stay out of PATH.
      for (const tool of ["sh", "grep"]) await symlink(`/bin/${tool}`, join(tools, tool));
      const echoArgs = '#!/bin/sh\nprintf "%s\\n" "${0##*/}" "$@"\n';
      await writeFile(join(withHelper(), "virt-ssh-helper"), echoArgs, { mode: 0o755 });
      await writeFile(join(withHelper(), "nc"), echoArgs, { mode: 0o755 });
      // OpenBSD nc (Debian's netcat-openbsd) complains that -q needs an argument.
      await writeFile(
        join(withNcQ(), "nc"),
        `#!/bin/sh\nif [ "$#" = 1 ] && [ "$1" = -q ]; then echo "nc: option requires an argument -- q" >&2; exit 1; fi\n${echoArgs.slice("#!/bin/sh\n".length)}`,
        { mode: 0o755 },
      );
      // An nc without -q (e.g. nmap's ncat) says something else.
      await writeFile(
        join(withPlainNc(), "nc"),
        `#!/bin/sh\nif [ "$1" = -q ]; then echo "nc: invalid option -- q" >&2; exit 2; fi\n${echoArgs.slice("#!/bin/sh\n".length)}`,
        { mode: 0o755 },
      );
    });
    after(async () => rm(dir, { recursive: true, force: true }));

    const shells = ["/bin/sh", "/usr/bin/bash", "/usr/bin/dash"].filter((s) => existsSync(s));
    for (const shell of shells) {
      describe(`with ${shell} as the login shell`, () => {
        it("auto: runs virt-ssh-helper with the URI as one argument when installed", async () => {
          const run = await runAsLoginShell(shell, remoteProxyCommand({ uri: "qemu:///system" }), `${withHelper()}:${tools}`);
          assert.equal(run.code, 0, run.stderr);
          assert.equal(run.stdout, "virt-ssh-helper\nqemu:///system\n");
        });

        it("auto: falls back to nc -q0 -U SOCKET when nc knows -q", async () => {
          const run = await runAsLoginShell(shell, remoteProxyCommand({ uri: "qemu:///system" }), `${withNcQ()}:${tools}`);
          assert.equal(run.code, 0, run.stderr);
          assert.equal(run.stdout, "nc\n-q0\n-U\n/var/run/libvirt/libvirt-sock\n");
        });

        it("auto: falls back to nc -U SOCKET when nc has no -q", async () => {
          const run = await runAsLoginShell(
            shell,
            remoteProxyCommand({ uri: "qemu:///system", socketPath: "/run/x/sock" }),
            `${withPlainNc()}:${tools}`,
          );
          assert.equal(run.code, 0, run.stderr);
          assert.equal(run.stdout, "nc\n-U\n/run/x/sock\n");
        });

        it("auto: exits 127 with a clear message when neither is installed", async () => {
          const run = await runAsLoginShell(shell, remoteProxyCommand({ uri: "qemu:///system" }), `${empty()}:${tools}`);
          assert.equal(run.code, 127);
          assert.match(run.stderr, /neither virt-ssh-helper nor nc is installed/);
        });

        it("netcat: uses nc even when virt-ssh-helper is installed", async () => {
          const run = await runAsLoginShell(
            shell,
            remoteProxyCommand({ uri: "qemu:///system", proxy: "netcat" }),
            `${withHelper()}:${tools}`,
          );
          assert.equal(run.code, 0, run.stderr);
          assert.match(run.stdout, /^nc\n/);
        });

        it("virt-ssh-helper: exits 127 with a clear message when it is missing", async () => {
          const run = await runAsLoginShell(
            shell,
            remoteProxyCommand({ uri: "qemu:///session", proxy: "virt-ssh-helper" }),
            `${withNcQ()}:${tools}`,
          );
          assert.equal(run.code, 127);
          assert.match(run.stderr, /virt-ssh-helper is not installed/);
        });
      });
    }
  });
});
