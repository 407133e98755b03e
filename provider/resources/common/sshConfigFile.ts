/**
 * Which OpenSSH client configuration file a connection reads, read from the machine that
 * runs Pulumi: the connection's `sshConfigPath`, else `~/.ssh/config` of the user running
 * the program when it exists. Parsed once per file content (the provider asks for it at
 * every check, diff and connect).
 */
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

import { expandHome, parseSshConfig, SshConfigError, type SshConfig, type SshConfigContext } from "../../transport";

/** The `sshConfigPath` that reads no file, as `ssh -F none` does. */
export const NO_SSH_CONFIG = "none";

/** Parsed files by path, kept while the file's size and modification time stay the same. */
const parsed = new Map<string, { stamp: string; config: SshConfig }>();

/** The home directory `~` means: `HOME` of `env`, else the account's. */
export function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME ?? homedir();
}

/** The login used when neither the connection nor the file names one. */
export function localUserOf(env: NodeJS.ProcessEnv): string {
  return env.USER ?? env.LOGNAME ?? "root";
}

/** The values ssh config tokens stand for on this machine. */
export function sshConfigContext(env: NodeJS.ProcessEnv): SshConfigContext {
  return { home: homeOf(env), localUser: localUserOf(env) };
}

/**
 * The config a connection reads: none for `none`; `path` (a leading `~/` is the home
 * directory) when given, which must exist; else `~/.ssh/config` when it exists (only when `env` has a `HOME`, so
 * a caller passing its own environment decides); else none.
 * @throws SshConfigError naming the file (and line) when it cannot be read or parsed.
 */
export function loadSshConfig(path: string | undefined, env: NodeJS.ProcessEnv): SshConfig | undefined {
  if (path === NO_SSH_CONFIG) return undefined;
  const home = homeOf(env);
  if (path === undefined) {
    if (env.HOME === undefined) return undefined;
    const fallback = join(env.HOME, ".ssh", "config");
    return exists(fallback) ? read(fallback) : undefined;
  }
  return read(expandHome(path, home));
}

function exists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function read(path: string): SshConfig {
  let stamp: string;
  let text: string;
  try {
    const stat = statSync(path);
    stamp = `${stat.size}:${stat.mtimeMs}`;
    const known = parsed.get(path);
    if (known?.stamp === stamp) return known.config;
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SshConfigError(path, undefined, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const config = parseSshConfig(text, path);
  parsed.set(path, { stamp, config });
  return config;
}

/** The first of `paths` that is a file on this machine, else the first; undefined for none. */
export function firstExisting(paths: readonly string[]): string | undefined {
  return paths.find(exists) ?? paths[0];
}
