// Reads a JSON array of {"tex": string, "display": bool} from stdin and writes a JSON array
// of {"index", "tex", "error"} for every string KaTeX rejects (throwOnError: true), [] if none.
"use strict";
const katex = require("katex");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const items = JSON.parse(input);
  const errors = [];
  items.forEach((item, index) => {
    try {
      katex.renderToString(item.tex, { displayMode: item.display, throwOnError: true, strict: "ignore" });
    } catch (error) {
      errors.push({ index, tex: item.tex, error: String(error.message || error) });
    }
  });
  process.stdout.write(JSON.stringify({ version: katex.version, errors }));
});
