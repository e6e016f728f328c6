// Loads the built package (bindings-wasm/pkg, made by build.sh) the way a Node user would:
// the --target web module, initialised synchronously from the .wasm bytes.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const here = path.dirname(fileURLToPath(import.meta.url));
export const pkgDir = path.resolve(here, "../pkg");
export const repoDir = path.resolve(here, "../..");
export const wasmFile = path.join(pkgDir, "raw/entitle_wasm_bg.wasm");

if (!existsSync(wasmFile)) {
  throw new Error(`${wasmFile} is missing: build the package first (bindings-wasm/build.sh or scripts/test-wasm.sh)`);
}

const entitle = await import(pathToFileURL(path.join(pkgDir, "entitle.js")).href);
entitle.initSync(readFileSync(wasmFile));

export default entitle;

export function program(name) {
  return readFileSync(path.join(repoDir, "examples/programs", name), "utf8");
}
