/**
 * The package as a user gets it: packed by `npm pack` from this repository, then installed
 * from the tarball into a fresh project in a temporary folder, beside the SDK, TypeScript and
 * Node's types at the versions this repository locks (so npm takes them from its cache).
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The repository's root. */
export const REPO_ROOT = join(__dirname, "..", "..", "..");

/** What `npm pack` made. */
export interface Packed {
  /** The tarball's absolute path. */
  readonly tarball: string;
  /** The paths of the files in it, relative to the package's root. */
  readonly files: readonly string[];
  /** Its size in bytes, packed and unpacked. */
  readonly size: number;
  readonly unpackedSize: number;
}

/**
 * npm's own variables from the `npm test` that runs this test (`npm_config_local_prefix`,
 * `npm_package_*`, …) would point the npm started here back at this repository; only the
 * settings that say where the registry and the cache are pass on.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(cache|registry|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile)$/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) || keep.test(key)) env[key] = value;
  }
  return env;
}

/** Runs npm with `args` in `cwd`; a failure carries npm's output. */
async function npm(args: string[], cwd: string): Promise<string> {
  try {
    return (await run("npm", args, { cwd, env: npmEnv(), maxBuffer: 64 << 20 })).stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm ${args.join(" ")} failed in ${cwd}: ${failed.message}\n${failed.stdout ?? ""}\n${failed.stderr ?? ""}`, {
      cause: error,
    });
  }
}

/**
 * Packs this repository into `destination` as `npm pack` does for a release: its `prepack`
 * script builds `dist/` afresh first.
 */
export async function pack(destination: string): Promise<Packed> {
  const stdout = await npm(["pack", "--json", "--pack-destination", destination], REPO_ROOT);
  // Scripts print to stderr; stdout holds only the JSON report.
  const [report] = JSON.parse(stdout.slice(stdout.indexOf("["))) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  if (!report) throw new Error(`npm pack reported no tarball: ${stdout}`);
  return {
    tarball: join(destination, report.filename),
    files: report.files.map((f) => f.path),
    size: report.size,
    unpackedSize: report.unpackedSize,
  };
}

/** The version of `name` that this repository's package-lock.json installs. */
export function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string } | undefined>;
  };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`package-lock.json installs no ${name}`);
  return version;
}

/**
 * Makes `dir` a fresh project that depends on the tarball (which must sit in `dir`) and on
 * the SDK, TypeScript and Node's types at this repository's locked versions, and installs
 * it. `--prefer-offline` takes what `npm ci` of this repository already cached.
 */
export async function installProject(dir: string, tarball: string): Promise<void> {
  const dependencies: Record<string, string> = { "pulumi-kvm": `file:./${basename(tarball)}` };
  for (const name of ["@pulumi/pulumi", "typescript", "@types/node"]) dependencies[name] = lockedVersion(name);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "pkvm-package-check", private: true, dependencies }, null, 2));
  await npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel", "error"], dir);
}

/** Runs `node` in `dir` with `args`; returns its stdout, or throws with its stderr. */
export async function nodeIn(dir: string, args: string[]): Promise<string> {
  try {
    return (await run(process.execPath, args, { cwd: dir, env: npmEnv() })).stdout;
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`node ${args.join(" ")} failed: ${failed.message}\n${failed.stderr ?? ""}`, { cause: error });
  }
}
