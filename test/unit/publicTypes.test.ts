/**
 * Every named type a user meets in the public API can be imported from the package's root:
 * the walk (test/support/publicTypes.ts) goes through every exported class's constructor,
 * outputs and static methods and every exported type, into nested argument types, and fails
 * on any interface, class, enum or type alias of the package that `provider/index.ts` does
 * not export.
 */
import assert from "node:assert/strict";
import { join, sep } from "node:path";
import ts from "typescript";
import { walkPublicTypes } from "../support/publicTypes";

const ROOT = join(__dirname, "..", "..");

/** The provider compiled as `npm run build` compiles it. */
function providerProgram(): ts.Program {
  const configPath = join(ROOT, "tsconfig.build.json");
  const config: unknown = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path)).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, configPath);
  return ts.createProgram([join(ROOT, "provider", "index.ts")], { ...options, noEmit: true });
}

/** A program of in-memory files (`/pkg/*.ts`) beside the real lib files. */
function virtualProgram(files: Record<string, string>): ts.Program {
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    noEmit: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = (name: string): string | undefined => files[name] ?? ts.sys.readFile(name);
  host.getSourceFile = (name, version) => {
    const text = read(name);
    return text === undefined ? undefined : ts.createSourceFile(name, text, version);
  };
  host.fileExists = (name) => name in files || ts.sys.fileExists(name);
  host.directoryExists = (name) => name === "/pkg" || ts.sys.directoryExists(name);
  host.readFile = read;
  return ts.createProgram(["/pkg/index.ts"], options, host);
}

describe("the package's public types", function () {
  // A program over the provider and @pulumi/pulumi's declarations.
  this.timeout(120_000);

  it("are all exported from the root", () => {
    const providerDir = join(ROOT, "provider") + sep;
    const walk = walkPublicTypes(
      providerProgram(),
      join(ROOT, "provider", "index.ts"),
      (f) => f.startsWith(providerDir) || f.startsWith(providerDir.split(sep).join("/")),
    );
    const missing = walk.unexported.map((t) => `${t.name} (reached through ${t.via})`);
    assert.deepEqual(missing, [], `types used in the public API but not exported from provider/index.ts:\n${missing.join("\n")}`);
    // The walk reaches the nested argument types, so it could have found them missing.
    for (const name of [
      "VirtualMachineArgs",
      "VirtualMachineGraphicsArgs",
      "VirtualMachineFilesystemArgs",
      "VirtualMachineSerialConsoleArgs",
      "VirtualMachineCloudInitArgs",
      "DnsHostArgs",
      "ConnectionArgs",
      "HostIdentity",
    ]) {
      assert.ok(walk.reached.has(name), `the walk never reached ${name}`);
    }
  });

  it("the walk names a nested type the root does not export, and how it is reached", () => {
    const program = virtualProgram({
      "/pkg/index.ts": 'export { Thing, ThingArgs, Shared } from "./thing";\n',
      "/pkg/thing.ts": [
        "export interface Hidden { size: number }",
        "export type Mode = 'a' | 'b';",
        "export interface Shared { note?: string }",
        "export interface ThingArgs { hidden?: Hidden[]; shared?: Shared }",
        "export interface Output { mode: Mode }",
        "export class Thing {",
        "  readonly out!: Promise<Output>;",
        "  private secret?: { never: Hidden };",
        "  constructor(name: string, args: ThingArgs) { void name; void args; }",
        "}",
      ].join("\n"),
    });
    const walk = walkPublicTypes(program, "/pkg/index.ts", (f) => f.startsWith("/pkg/"));
    assert.deepEqual(
      walk.unexported.map((t) => `${t.name} via ${t.via}`).sort(),
      ["Hidden via ThingArgs.hidden", "Mode via Thing.out.mode", "Output via Thing.out"].sort(),
    );
  });
});
