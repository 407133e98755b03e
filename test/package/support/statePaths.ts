/**
 * The module paths a stored state loads: Pulumi serializes each resource's provider object
 * into state as source text, and that text `require`s the package by a path that must resolve
 * in every later release. They are read from the states earlier releases wrote (the legacy
 * fixtures) and from the provider object this release writes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** `require("pulumi-kvm…")` in source text, or in that text as a JSON string holds it. */
const REQUIRE = /require\(\\?["'](pulumi-kvm(?:\/[^"'\\]*)?)\\?["']\)/g;

/** Every file under `dir` whose name ends with one of `extensions`. */
function filesUnder(dir: string, extensions: readonly string[]): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, extensions));
    else if (extensions.some((ext) => entry.name.endsWith(ext))) found.push(path);
  }
  return found;
}

/** The distinct `pulumi-kvm…` paths that `text` requires. */
export function requiredPackagePaths(text: string): string[] {
  return [...new Set([...text.matchAll(REQUIRE)].map((m) => m[1] ?? ""))].filter((p) => p !== "");
}

/**
 * Each path stored states load, with the files that name it: the JSON states under the
 * integration tests' fixtures, and the provider's own sources (what this release writes).
 */
export function storedStatePaths(repoRoot: string): Map<string, string[]> {
  const files = [
    ...filesUnder(join(repoRoot, "test", "integration", "resources", "fixtures"), [".json"]),
    ...filesUnder(join(repoRoot, "provider"), [".ts"]),
  ];
  const paths = new Map<string, string[]>();
  for (const file of files) {
    for (const path of requiredPackagePaths(readFileSync(file, "utf8"))) {
      paths.set(path, [...(paths.get(path) ?? []), file.slice(repoRoot.length + 1)]);
    }
  }
  return paths;
}
