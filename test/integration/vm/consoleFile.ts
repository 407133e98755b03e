/**
 * Reading a guest's serial console that the host writes to a file on this
 * machine (host A shares this machine's file system).
 */
import { chmodSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** A fresh folder the host's daemon (another user) may write console files into. */
export function consoleFolder(what: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pkvm-ci-${what}-`));
  chmodSync(dir, 0o777);
  return dir;
}

/**
 * The file's lines, each guest line from its `guest: ` on (kernel messages
 * can share a line with it); none while the VM has not created the file.
 */
export function consoleLines(file: string): string[] {
  try {
    return readFileSync(file, "utf8")
      .split(/\r?\n/)
      .map((l) => l.replace(/^.*?(?=guest: )/, ""));
  } catch {
    return [];
  }
}

/** Waits until every pattern matches some line of the console file; returns the lines. */
export async function waitForConsole(file: string, patterns: RegExp[], timeoutMs = 120_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = consoleLines(file);
    if (patterns.every((p) => lines.some((l) => p.test(l)))) return lines;
    if (Date.now() > deadline)
      throw new Error(`console ${file} lacks ${patterns.filter((p) => !lines.some((l) => p.test(l))).join(", ")}:\n${lines.join("\n")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
