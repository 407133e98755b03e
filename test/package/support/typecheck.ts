/**
 * Typechecks files in a project where the packed package is installed, as a user's program
 * would be compiled: under `--strict`, as CommonJS or as an ES module, with the project's own
 * `typescript`. Each problem is reported at the place the file came from (a README line, an
 * example's file), with tsc's code and message.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** How the project compiles and loads its modules. */
export type ModuleFlavor = "commonjs" | "esm";

/** The compiler options of each flavor, beside `strict` and the rest that both share. */
const FLAVOR_OPTIONS: Record<ModuleFlavor, { packageType: string; options: Record<string, string> }> = {
  // What `module: commonjs` users compile with: node10 resolution (which reads "types").
  commonjs: { packageType: "commonjs", options: { module: "commonjs", moduleResolution: "node10" } },
  // An ES module package: resolution through the package's `exports` map.
  esm: { packageType: "module", options: { module: "nodenext", moduleResolution: "nodenext" } },
};

/** A file to typecheck and where its lines come from. */
export interface CheckedFile {
  /** Its path under the check's folder, e.g. `readme/line-35.ts`. */
  readonly path: string;
  readonly text: string;
  /** Names the origin of one of its 1-based lines, e.g. `README.md:42`. */
  readonly origin: (line: number) => string;
}

/** One compiler error, at its origin. */
export interface TypeProblem {
  /** Where the error is: `README.md:42`, `examples/quickstart/index.ts:7`, or tsc's own file name. */
  readonly origin: string;
  /** tsc's code and message, e.g. `TS2304: Cannot find name 'hv1'.` */
  readonly message: string;
}

/**
 * Writes `files` into `<projectDir>/<folder>` with a package.json and tsconfig.json of
 * `flavor`, runs the project's tsc over them and returns every error it reported. The folder
 * sits inside the project, so `pulumi-kvm` and `@pulumi/pulumi` resolve from its node_modules.
 * `libCheck` also checks every declaration file (the package's among them), which is most
 * of tsc's time.
 */
export async function typecheck(
  projectDir: string,
  folder: string,
  flavor: ModuleFlavor,
  files: readonly CheckedFile[],
  { libCheck = true }: { libCheck?: boolean } = {},
): Promise<TypeProblem[]> {
  const dir = join(projectDir, folder);
  mkdirSync(dir, { recursive: true });
  const { packageType, options } = FLAVOR_OPTIONS[flavor];
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `check-${folder}`, private: true, type: packageType }, null, 2));
  const tsconfig = {
    compilerOptions: {
      ...options,
      target: "ES2022",
      lib: ["ES2022"],
      types: ["node"],
      strict: true,
      esModuleInterop: true,
      // The package's own declarations are checked with the rest: a .d.ts that does not compile
      // under a user's strict settings is a bug of the package.
      skipLibCheck: !libCheck,
      noEmit: true,
    },
    include: ["**/*.ts"],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  const origins = new Map<string, CheckedFile>();
  for (const file of files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
    origins.set(file.path, file);
  }
  const tsc = join(projectDir, "node_modules", "typescript", "bin", "tsc");
  let output: string;
  let exitCode = 0;
  try {
    output = (await run(process.execPath, [tsc, "-p", "tsconfig.json", "--pretty", "false"], { cwd: dir, maxBuffer: 64 << 20 })).stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    output = `${failed.stdout ?? ""}${failed.stderr ?? ""}`;
    exitCode = typeof failed.code === "number" ? failed.code : 1;
  }
  const problems = parseTscOutput(output, origins);
  if (exitCode !== 0 && problems.length === 0) {
    problems.push({ origin: folder, message: `tsc exited with code ${exitCode}: ${output.trim()}` });
  }
  return problems;
}

/**
 * tsc's `--pretty false` lines (`file(line,col): error TSnnnn: message`, a message's further
 * lines indented below it), each placed at its origin.
 */
export function parseTscOutput(output: string, origins: ReadonlyMap<string, CheckedFile>): TypeProblem[] {
  const problems: { origin: string; message: string }[] = [];
  for (const line of output.split("\n")) {
    const located = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    const unlocated = /^error (TS\d+): (.*)$/.exec(line);
    if (located?.[1] && located[2] && located[4] && located[5] !== undefined) {
      const file = origins.get(located[1]);
      const lineNumber = Number(located[2]);
      const origin = file ? file.origin(lineNumber) : `${located[1]}:${lineNumber}`;
      problems.push({ origin, message: `${located[4]}: ${located[5]}` });
    } else if (unlocated?.[1] && unlocated[2] !== undefined) {
      problems.push({ origin: "tsconfig.json", message: `${unlocated[1]}: ${unlocated[2]}` });
    } else if (/^\s+\S/.test(line) && problems.length > 0) {
      const last = problems[problems.length - 1];
      if (last) last.message += `\n${line}`;
    }
  }
  return problems;
}

/** The problems as one line each, for an assertion's message. */
export function describeProblems(problems: readonly TypeProblem[]): string {
  return problems.map((p) => `${p.origin}: ${p.message}`).join("\n");
}
