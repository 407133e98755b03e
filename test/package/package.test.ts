/**
 * The package as a company adopts it: `npm pack` of this repository installed from the
 * tarball into a fresh project in a temporary folder. The tarball holds what a release must
 * (license, README, changelog, the built entry points, the runtime path stored states load)
 * and nothing of the repository's tests or scripts; every path a stored state loads resolves
 * through the `exports` map; and every TypeScript block of the README and every example
 * program compile there under `--strict`, as CommonJS and as an ES module.
 */
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { typescriptBlocks } from "./support/markdownBlocks";
import { installProject, nodeIn, pack, Packed, REPO_ROOT } from "./support/project";
import { storedStatePaths } from "./support/statePaths";
import { CheckedFile, describeProblems, ModuleFlavor, typecheck } from "./support/typecheck";

/** Runs `step`, logging how long it took: the suite's time is mostly npm and tsc. */
async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await step();
  } finally {
    console.log(`      package: ${what} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/**
 * Each TypeScript block of a Markdown file as a file of its own. `export {}` at its end keeps
 * it a module even without an import, so no block can lean on names another block declares.
 */
function markdownFiles(markdown: string, name: string, folder: string): CheckedFile[] {
  return typescriptBlocks(markdown).map((block) => ({
    path: `${folder}/line-${block.line}.ts`,
    text: `${block.code}export {};\n`,
    origin: (line: number) => `${name}:${block.line + line - 1}`,
  }));
}

/** Every `.ts` file directly in a folder of examples/ (each example program and its modules). */
function exampleFiles(): CheckedFile[] {
  const root = join(REPO_ROOT, "examples");
  const files: CheckedFile[] = [];
  for (const example of readdirSync(root, { withFileTypes: true })) {
    if (!example.isDirectory()) continue;
    for (const name of readdirSync(join(root, example.name))) {
      const source = join(root, example.name, name);
      if (!name.endsWith(".ts") || name.endsWith(".d.ts") || !statSync(source).isFile()) continue;
      const path = `examples/${example.name}/${name}`;
      files.push({ path, text: readFileSync(source, "utf8"), origin: (line) => `${path}:${line}` });
    }
  }
  return files;
}

describe("the packed package, installed into a fresh project", function () {
  // npm pack (with the build its prepack runs) and an install from npm's cache.
  this.timeout(600_000);
  let work: string;
  let packed: Packed;
  let installed: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "pkvm-package-"));
    packed = await timed("npm pack (prepack builds dist/)", () => pack(work));
    console.log(
      `      package: ${basename(packed.tarball)}: ${packed.files.length} files, ${packed.size} bytes (${packed.unpackedSize} unpacked)`,
    );
    await timed("npm install of the tarball, @pulumi/pulumi, typescript, @types/node", () => installProject(work, packed.tarball));
    installed = join(work, "node_modules", "pulumi-kvm");
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe("the tarball", () => {
    it("holds the license, README, changelog, the entry points and the runtime states load", () => {
      for (const file of [
        "package.json",
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "dist/provider/index.js",
        "dist/provider/index.d.ts",
        "dist/provider/resources/runtime.js",
      ]) {
        assert.ok(packed.files.includes(file), `${file} is missing from ${basename(packed.tarball)}`);
      }
    });

    it("holds none of the repository's tests, scripts or examples", () => {
      const stray = packed.files.filter((f) => /^(test|scripts|examples|node_modules|\.ci)\//.test(f) || /(^|\/)\.[^/]+$/.test(f));
      assert.deepEqual(stray, []);
    });

    it("holds the source every source map and declaration map points at", () => {
      const maps = packed.files.filter((f) => f.endsWith(".map"));
      assert.ok(maps.length > 0, "no source maps in the tarball");
      const missing: string[] = [];
      for (const map of maps) {
        const { sources } = JSON.parse(readFileSync(join(installed, map), "utf8")) as { sources: string[] };
        for (const source of sources) {
          const target = relative(installed, resolve(dirname(join(installed, map)), source));
          if (target.startsWith("..") || !packed.files.includes(target)) missing.push(`${map} → ${source}`);
        }
      }
      assert.deepEqual(missing, []);
    });
  });

  describe("the exports map", () => {
    it("resolves every path a stored state loads, and the module there is the runtime", async () => {
      const paths = storedStatePaths(REPO_ROOT);
      assert.ok(paths.size > 0, "no stored-state paths found: the fixtures or the provider object changed shape");
      for (const [path, files] of paths) {
        const loaded = await nodeIn(work, [
          "-e",
          `const m = require(${JSON.stringify(path)}); console.log(typeof m.handler, typeof m.configure);`,
        ]).catch((error: Error) => `${error.message}`);
        assert.equal(
          loaded.trim(),
          "function function",
          `${path} (loaded by ${files.join(", ")}) does not resolve to the runtime:\n${loaded}`,
        );
      }
    });

    it("loads the root from CommonJS and from an ES module, and keeps internal files private", async () => {
      const cjs = await nodeIn(work, ["-e", `console.log(typeof require("pulumi-kvm").VirtualMachine)`]);
      assert.equal(cjs.trim(), "function");
      const esm = await nodeIn(work, [
        "--input-type=module",
        "-e",
        `import { VirtualMachine } from "pulumi-kvm"; console.log(typeof VirtualMachine);`,
      ]);
      assert.equal(esm.trim(), "function");
      const internal = await nodeIn(work, [
        "-e",
        `try { require("pulumi-kvm/dist/provider/transport"); console.log("loaded") } catch (e) { console.log(e.code) }`,
      ]);
      assert.equal(internal.trim(), "ERR_PACKAGE_PATH_NOT_EXPORTED");
    });
  });

  describe("the README's TypeScript blocks and the examples compile under --strict", () => {
    const readme = (): CheckedFile[] => markdownFiles(readFileSync(join(REPO_ROOT, "README.md"), "utf8"), "README.md", "readme");

    it("finds blocks and examples to check", () => {
      assert.ok(readme().length > 0, "README.md has no ```ts block");
      assert.ok(exampleFiles().length > 0, "examples/ has no program");
    });

    for (const flavor of ["commonjs", "esm"] as ModuleFlavor[]) {
      it(`as ${flavor === "esm" ? "an ES module (type: module, nodenext)" : "CommonJS (module: commonjs)"}`, async () => {
        const files = [...readme(), ...exampleFiles()];
        const problems = await timed(`tsc --strict of ${files.length} files as ${flavor}`, () =>
          typecheck(work, `check-${flavor}`, flavor, files),
        );
        assert.equal(problems.length, 0, `${problems.length} compile errors:\n${describeProblems(problems)}`);
      });
    }

    it("fails on a broken block, naming its line and tsc's message", async () => {
      const markdown = [
        "# A broken README",
        "",
        "```ts",
        'import { VirtualMachine } from "pulumi-kvm";',
        "",
        'new VirtualMachine("web", { memory: "2GiB", connection: hv1 });',
        "```",
        "",
        "```typescript",
        'import { Volume } from "pulumi-kvm";',
        'new Volume("disk", { pool: "default", capacity: 20, sizeInGiB: 20 });',
        "```",
        "",
      ].join("\n");
      const files = markdownFiles(markdown, "BROKEN.md", "readme");
      assert.equal(files.length, 2);
      const problems = await timed("tsc --strict of a broken README", () =>
        typecheck(work, "check-broken", "commonjs", files, { libCheck: false }),
      );
      const lines = describeProblems(problems);
      assert.match(lines, /^BROKEN\.md:6: TS2304: Cannot find name 'hv1'\.$/m);
      assert.match(lines, /^BROKEN\.md:11: TS2353: .*'sizeInGiB'/m);
      assert.equal(problems.length, 2, lines);
    });
  });

  it("installs the package as a copy of the tarball, not a link to this repository", () => {
    assert.ok(existsSync(join(installed, "package.json")));
    assert.ok(!lstatSync(installed).isSymbolicLink(), `${installed} is a link`);
  });
});
