/**
 * The TypeScript blocks of a Markdown document, each with the line it starts on, so a
 * block that stops compiling is reported at its place in the README.
 */

/** One fenced ```ts or ```typescript block. */
export interface CodeBlock {
  /** The 1-based line of the document that holds the block's first line of code. */
  readonly line: number;
  /** The block's code, without its fences. */
  readonly code: string;
}

/** Info strings (the word after the opening fence) whose blocks are TypeScript. */
const TYPESCRIPT = new Set(["ts", "typescript"]);

/** Every ```ts / ```typescript block of `markdown`, in document order. */
export function typescriptBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split("\n");
  const blocks: CodeBlock[] = [];
  let open: { fence: string; typescript: boolean; start: number; code: string[] } | undefined;
  lines.forEach((text, index) => {
    if (!open) {
      // An opening fence: three or more backticks or tildes, then the info string.
      const start = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(text);
      if (start?.[1] && start[2] !== undefined) {
        open = { fence: start[1], typescript: TYPESCRIPT.has(start[2].toLowerCase()), start: index + 2, code: [] };
      }
      return;
    }
    const fenceChar = open.fence.charAt(0);
    const closing = new RegExp(`^ {0,3}${fenceChar === "`" ? "`" : "~"}{${open.fence.length},}\\s*$`);
    if (closing.test(text)) {
      if (open.typescript) blocks.push({ line: open.start, code: open.code.join("\n") + "\n" });
      open = undefined;
      return;
    }
    open.code.push(text);
  });
  return blocks;
}
