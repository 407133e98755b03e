/**
 * An OpenSSH client configuration file (`~/.ssh/config`, ssh_config(5)) read into plain
 * entries that keep their line numbers. The text is tokenized by the `ssh-config` package
 * (quoting, `=` separators, comments, Host and Match sections); which entries apply to a
 * host is decided in `sshConfig.ts`, never by that package's `compute`, which would run
 * `Match exec` commands and DNS lookups.
 */
import { LineType, parse, type Line } from "ssh-config";

/** A problem in a config file, naming the file and the line. */
export class SshConfigError extends Error {
  /** The file, as it was named. */
  readonly file: string;
  /** 1-based line number; absent when the problem is not on one line. */
  readonly line?: number;

  constructor(file: string, line: number | undefined, reason: string) {
    super(`ssh config ${file}${line === undefined ? "" : ` line ${line}`}: ${reason}`);
    this.name = "SshConfigError";
    this.file = file;
    this.line = line;
  }
}

/** One keyword line (`HostName 10.0.0.5`). */
export interface SshConfigEntry {
  /** The keyword, lower-cased (OpenSSH keywords are case-insensitive). */
  readonly keyword: string;
  /** Its arguments, unquoted; several for `UserKnownHostsFile a b`. */
  readonly values: readonly string[];
  /** 1-based line number. */
  readonly line: number;
}

/** A `Host` or `Match` section and the entries under it. */
export interface SshConfigSection {
  /** `host` or `match`. */
  readonly kind: "host" | "match";
  /** The section line's arguments: Host patterns, or Match criteria. */
  readonly patterns: readonly string[];
  /** 1-based line number of the `Host` / `Match` line. */
  readonly line: number;
  /** The entries of the section, in file order. */
  readonly entries: readonly SshConfigEntry[];
}

/** A parsed config file. */
export interface SshConfig {
  /** The file's path, for messages. */
  readonly file: string;
  /** Entries before the first section: they apply to every host. */
  readonly global: readonly SshConfigEntry[];
  /** Sections in file order. */
  readonly sections: readonly SshConfigSection[];
}

/**
 * Parses config text. `file` names it in errors.
 * @throws SshConfigError naming the line when the text cannot be read (an unclosed quote,
 *   a keyword without a value, a Match criterion without its argument).
 */
export function parseSshConfig(text: string, file: string): SshConfig {
  let lines: Line[];
  try {
    lines = parse(text);
  } catch (error) {
    throw new SshConfigError(file, failingLine(text), `cannot be parsed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const global: SshConfigEntry[] = [];
  const sections: Array<{ kind: "host" | "match"; patterns: string[]; line: number; entries: SshConfigEntry[] }> = [];
  let at = 1;
  const visit = (node: Line, into: SshConfigEntry[]): void => {
    at += breaks(node.before);
    const line = at;
    if (node.type === LineType.DIRECTIVE) {
      // A keyword alone on its line comes back with the line break inside its name.
      const keyword = node.param.trim().toLowerCase();
      at += breaks(node.param);
      const values = valuesOf(node.value);
      if (values.length === 0) throw new SshConfigError(file, line, `${node.param.trim()} has no value`);
      if ("config" in node) {
        const entries: SshConfigEntry[] = [];
        at += breaks(node.after);
        sections.push({ kind: keyword === "match" ? "match" : "host", patterns: values, line, entries });
        for (const child of node.config) visit(child, entries);
        return;
      }
      into.push({ keyword, values, line });
    }
    at += breaks(node.after);
  };
  for (const node of lines) visit(node, global);
  return { file, global, sections };
}

function valuesOf(value: string | ReadonlyArray<{ val: string }>): string[] {
  if (typeof value === "string") return value === "" ? [] : [value];
  return value.map((v) => v.val).filter((v) => v !== "");
}

function breaks(text: string): number {
  let n = 0;
  for (const c of text) if (c === "\n") n++;
  return n;
}

/** The first line that fails to parse on its own: the package's errors are about one line each. */
function failingLine(text: string): number | undefined {
  const all = text.split("\n");
  for (let i = 0; i < all.length; i++) {
    try {
      parse(all[i] ?? "");
    } catch {
      return i + 1;
    }
  }
  return undefined;
}
