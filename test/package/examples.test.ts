/**
 * Each folder under examples/ is a project a team can copy out of this repository: it has
 * its own package.json, tsconfig.json, Pulumi.yaml and README, and its package.json asks for
 * versions this package accepts (the same @pulumi/pulumi range as the package, so a copied
 * example never installs a second SDK, and a pulumi-kvm range that holds this release).
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./support/project";

interface PackageJson {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readPackageJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, "utf8")) as PackageJson;
}

const examplesDir = join(REPO_ROOT, "examples");
const examples = readdirSync(examplesDir).filter((name) => statSync(join(examplesDir, name)).isDirectory());
const root = readPackageJson(join(REPO_ROOT, "package.json"));

/** Whether a caret range `^X.Y.Z` (the form the examples use) admits `version`, for 0.x and 1+ alike. */
function caretAdmits(range: string, version: string): boolean {
  const match = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  assert.ok(match, `expected a caret range, got ${range}`);
  const [major, minor, patch] = match.slice(1).map(Number);
  const [vMajor, vMinor, vPatch] = version.split(".").map(Number);
  if (vMajor !== major) return false;
  if (major === 0) return vMinor === minor && vPatch >= patch;
  return vMinor > minor || (vMinor === minor && vPatch >= patch);
}

describe("the examples, as projects of their own", () => {
  it("finds the examples", () => {
    assert.ok(examples.length >= 3, `examples found: ${examples.join(", ")}`);
    assert.ok(examples.includes("gitops"));
  });

  for (const name of examples) {
    it(`examples/${name} has its project files and asks for versions this package accepts`, () => {
      const dir = join(examplesDir, name);
      for (const file of ["package.json", "tsconfig.json", "Pulumi.yaml", "README.md", "index.ts"]) {
        assert.ok(existsSync(join(dir, file)), `examples/${name}/${file} is missing`);
      }
      const example = readPackageJson(join(dir, "package.json"));
      assert.equal(
        example.dependencies?.["@pulumi/pulumi"],
        root.dependencies?.["@pulumi/pulumi"],
        `examples/${name} must ask for the package's own @pulumi/pulumi range`,
      );
      const kvm = example.dependencies?.["pulumi-kvm"];
      assert.ok(kvm !== undefined, `examples/${name} does not depend on pulumi-kvm`);
      assert.ok(caretAdmits(kvm, root.version ?? ""), `examples/${name} asks for pulumi-kvm ${kvm}, not ${root.version}`);
      const tsconfig = JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8")) as {
        compilerOptions?: { strict?: boolean };
      };
      assert.equal(tsconfig.compilerOptions?.strict, true, `examples/${name}/tsconfig.json must be strict`);
    });
  }
});
