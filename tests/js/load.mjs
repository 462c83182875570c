// A widget's ES module from stepguide/ui/static, loaded from its text as anywidget loads it (a blob: URL
// there, a data: URL here): static/ declares no package "type", so node's own import would read it as
// CommonJS on the node CI's Debian ships (18), which does not detect ES module syntax.
import { readFile } from "node:fs/promises";

export async function staticModule(name) {
  const text = await readFile(new URL(`../../stepguide/ui/static/${name}`, import.meta.url), "utf8");
  return import(`data:text/javascript;base64,${Buffer.from(text).toString("base64")}`);
}
