// Parse every ```mermaid block of a Markdown file with Mermaid's own parser.
// Prints one JSON line per block: {"block": n, "type": "xychart"} or {"block": n, "error": "..."};
// exits 1 if any block fails. Mermaid wants a DOM (for DOMPurify): jsdom gives it one.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

const text = readFileSync(process.argv[2], "utf8");
const blocks = [...text.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
let failed = false;
for (const [n, block] of blocks.entries()) {
  try {
    const parsed = await mermaid.parse(block);
    console.log(JSON.stringify({ block: n, type: parsed.diagramType }));
  } catch (error) {
    failed = true;
    console.log(JSON.stringify({ block: n, error: String(error.message || error).split("\n")[0] }));
  }
}
process.exit(failed ? 1 : 0);
