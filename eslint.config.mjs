/**
 * Lint rules of the project: typescript-eslint's type-checked recommendations, a few chosen
 * additions, and the import boundaries that keep the provider's layers pointing one way.
 * `npm run lint` runs it; so does `npm test` (scripts/run-tests).
 */
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

/**
 * The provider's layers and the layers each one may import (through their `index.ts`).
 * Layers point one way: transport ← rpc ← libvirt ← resources, and xml stands alone.
 * The same list is in CONTRIBUTING.md; change both together.
 */
const LAYERS = {
  transport: [],
  rpc: ["transport"],
  libvirt: ["rpc", "transport"],
  xml: [],
  resources: ["libvirt", "xml", "rpc", "transport"],
};

/** The deepest folder level under a layer that the boundary rules cover (provider/xml/a/b/c/x.ts is 4). */
const MAX_DEPTH = 6;

/** Pulumi's SDK belongs to the resources layer: the rest of the provider works without it. */
const PULUMI_ONLY_IN_RESOURCES = {
  regex: "^@pulumi/",
  message: "Only provider/resources imports Pulumi's SDK; the layers below it work without Pulumi.",
};

/** Source of a relative path that climbs `levels` folders: `../../` for 2. */
const up = (levels) => "\\.\\./".repeat(levels);

/**
 * The `no-restricted-imports` patterns for a file of `layer` that sits `depth` folders below
 * provider/ (provider/xml/node.ts is 1, provider/xml/domain/disk.ts is 2). Relative import
 * paths say how far they climb, so each depth gets its own exact patterns: that keeps
 * same-named sub-folders (provider/xml/network, provider/resources/network) out of the match.
 */
function layerPatterns(layer, depth) {
  const toProvider = up(depth);
  const patterns = [
    {
      regex: `^(\\./)?${toProvider}\\.\\./`,
      message: "Provider code imports nothing outside provider/ (tests, scripts and examples depend on it, not the reverse).",
    },
    {
      regex: `^(\\./)?${up(depth - 1)}\\.\\.(/index)?/?$`,
      message: "A layer does not import the package's public API (provider/index.ts); import the layer it comes from.",
    },
  ];
  for (const other of Object.keys(LAYERS)) {
    if (other === layer) continue;
    if (LAYERS[layer].includes(other)) {
      patterns.push({
        regex: `^(\\./)?${toProvider}${other}/.`,
        message: `Import provider/${other} through its index.ts ("${"../".repeat(depth)}${other}"), not one of its files: a layer's index is its public surface.`,
      });
    } else {
      patterns.push({
        regex: `^(\\./)?${toProvider}${other}(/.*)?$`,
        message: `provider/${layer} may not import provider/${other}: layers point one way (see the layer table in CONTRIBUTING.md).`,
      });
    }
  }
  if (layer !== "resources") patterns.push(PULUMI_ONLY_IN_RESOURCES);
  return patterns;
}

/** The files of `layer` that sit `depth` folders below provider/, as a glob. */
function layerFiles(layer, depth) {
  return `provider/${layer}/${"*/".repeat(depth - 1)}*.ts`;
}

/** One config block per layer and folder depth, each holding that file set's whole boundary rule. */
function layerBoundaries() {
  const blocks = [];
  for (const layer of Object.keys(LAYERS)) {
    for (let depth = 1; depth <= MAX_DEPTH; depth++) {
      blocks.push({
        name: `boundaries/provider/${layer}/depth-${depth}`,
        files: [layerFiles(layer, depth)],
        rules: {
          "no-restricted-imports": [
            "error",
            {
              paths: [{ name: "pulumi-kvm", message: "Provider code imports its own files by relative path, not by package name." }],
              patterns: layerPatterns(layer, depth),
            },
          ],
        },
      });
    }
  }
  return blocks;
}

/**
 * Every provider file that no boundary block covers (a folder that is not in {@link LAYERS},
 * or one nested deeper than {@link MAX_DEPTH}) fails to lint, so that no file escapes the rules.
 */
const uncoveredProviderFiles = {
  name: "boundaries/provider/uncovered",
  files: ["provider/**/*.ts"],
  ignores: [
    "provider/index.ts",
    ...Object.keys(LAYERS).flatMap((layer) => Array.from({ length: MAX_DEPTH }, (_, i) => layerFiles(layer, i + 1))),
  ],
  rules: {
    "no-restricted-syntax": [
      "error",
      {
        selector: "Program",
        message: `No layer boundary rule covers this file: add its folder to LAYERS in eslint.config.mjs, or raise MAX_DEPTH there.`,
      },
    ],
  },
};

export default defineConfig(
  {
    ignores: ["dist/**", "**/node_modules/**", "test/fixtures/**"],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    name: "project/typescript",
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // The compiler's noUnusedLocals and noUnusedParameters already refuse these;
      // reporting them twice only adds noise.
      "@typescript-eslint/no-unused-vars": "off",
      // A variable that closures read before its first assignment (a stream's handlers, set
      // up before the stream is open) stays `let`: as a `const` those reads would throw.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // Loose equality hides type mix-ups; `== null` is the one idiom kept (null or undefined).
      eqeqeq: ["error", "always", { null: "ignore" }],
      // Variants are discriminated unions (style.md): a switch over one must name every case,
      // so adding a variant fails to lint where it is not handled yet.
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      // Passing on a caught value (typed `unknown`) is forwarding an error, not inventing a
      // non-Error; only-throw-error allows the same for `throw` by default.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
      // libvirt's numbers (error codes, procedures, packet types) arrive as plain numbers and
      // are compared with the enums that name the known ones; an unknown number is a valid
      // wire value, so the fields stay `number` and the comparison is the point.
      "@typescript-eslint/no-unsafe-enum-comparison": "off",
      // Control characters are matched on purpose, to refuse them in names, paths, passwords
      // and kernel command lines; the mistake this rule catches has not come up here.
      "no-control-regex": "off",
      // `async` marks functions that implement a Promise-returning interface (dynamic
      // provider methods, fakes of libvirt calls) even when they need no `await`: a throw
      // still becomes a rejection, which is what their callers handle.
      "@typescript-eslint/require-await": "off",
      // A dynamic provider's methods are serialized with their closure, so they load the
      // package by name at call time (provider/resources/dynamicProvider.ts); elsewhere
      // `import` is the way in.
      "@typescript-eslint/no-require-imports": ["error", { allow: ["^pulumi-kvm/"] }],
      // An empty interface extending one type is how a resource class gets its typed outputs
      // (`interface Network extends OutputsOf<…> {}` merges with `class Network`) and how a
      // derived type gets a name with its own doc (`ConnectionSpec`); a type alias can do
      // neither. Empty interfaces extending nothing stay refused.
      "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
    },
  },
  {
    name: "project/provider-types",
    files: ["provider/**/*.ts"],
    languageOptions: {
      parserOptions: {
        // The provider is read with the options it is built with (noUncheckedIndexedAccess,
        // which tsconfig.json lacks), so that the rules agree with the build: a `!` or a guard
        // it needs is not reported as unnecessary here.
        projectService: false,
        project: "./tsconfig.build.json",
      },
    },
  },
  ...layerBoundaries(),
  uncoveredProviderFiles,
  {
    name: "boundaries/provider/index",
    files: ["provider/index.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^\\./[a-z]+/.",
              message: "The public API re-exports each layer through its index.ts, not its files.",
            },
            PULUMI_ONLY_IN_RESOURCES,
          ],
        },
      ],
    },
  },
  {
    name: "boundaries/examples",
    files: ["examples/**/*.ts"],
    rules: {
      // Examples are users' programs: they use the published package, never its sources.
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^\\.", message: 'An example imports the package by name ("pulumi-kvm"), as a user\'s program does.' }] },
      ],
    },
  },
  {
    name: "project/tests",
    files: ["test/**/*.ts"],
    rules: {
      // Tests load modules at run time on purpose: a fresh copy of an example per run, the
      // SDK's own copy of gRPC, the modules a serialized test provider needs when it runs.
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    name: "project/javascript",
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { process: "readonly" },
    },
  },
  {
    name: "project/commonjs",
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    // CommonJS files (mocha's reporter) have no other way in.
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
