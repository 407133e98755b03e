/**
 * A Pulumi program kept in a module (an example's `index.ts`), run the way each `pulumi`
 * run runs it: loaded afresh, so its top-level code declares its resources again.
 */
import type { Program } from "./program";

/**
 * The program in the module at `path` (a file or a folder with an index): each call drops
 * the cached modules under `path` and loads it again, returning its exports.
 */
export function moduleProgram(path: string): Program {
  return () => {
    for (const key of Object.keys(require.cache)) if (key.startsWith(path)) delete require.cache[key];
    // `require`, not `import`: an import would load the module once for the whole process.
    return { ...(require(path) as Record<string, unknown>) };
  };
}
