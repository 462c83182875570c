// Compile the Python modules inside wheels to bytecode with Pyodide itself (so the bytecode matches the
// browser's CPython exactly), the way Pyodide's own distribution ships its pure-Python packages: in the
// browser, importing IPython and its helpers from source costs seconds of compiling on every visit.
//
//   node precompile.js <pyodide core dir> <wheel dir> [--keep-source=<wheel file name>]... <wheel file name>...
//
// Each listed wheel is rewritten in place: every module `x.py` becomes a sourceless `x.pyc` (unchecked
// hash-based, so no timestamp is involved and the output is reproducible); a module that does not compile
// (e.g. Python 2 leftovers) stays as source. A --keep-source wheel keeps its `x.py` and gains the same bytecode
// beside it, as `__pycache__/x.<cache tag>.pyc` (where CPython looks first; unchecked, so the source is not
// re-read to validate it): imports skip the compiler and tracebacks still show the source lines.
const path = require("path");

const args = process.argv.slice(2);
const [core, wheels] = args;
const keep = new Set(args.filter((a) => a.startsWith("--keep-source=")).map((a) => a.slice("--keep-source=".length)));
const names = [...args.slice(2).filter((a) => !a.startsWith("--keep-source=")), ...keep];
const { loadPyodide } = require(path.resolve(core, "pyodide.js"));

const COMPILE = `
import importlib.util, os, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

SITE = "/lib/python3.13/site-packages/"

def precompile(path, keep_source):
    tmp = path + ".tmp"
    kept = 0
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        def write(name, data, info):
            entry = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            entry.external_attr = info.external_attr
            out.writestr(entry, data, zipfile.ZIP_DEFLATED)

        for info in src.infolist():
            data = src.read(info)
            name = info.filename
            if name.endswith(".py") and ".dist-info/" not in name:
                try:
                    code = compile(data, SITE + name, "exec", dont_inherit=True)
                except SyntaxError:
                    kept += 1
                else:
                    pyc = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), False))
                    if keep_source:
                        write(importlib.util.cache_from_source(name), pyc, info)
                    else:
                        name, data = name[:-3] + ".pyc", pyc
            write(name, data, info)
    os.replace(tmp, path)
    return kept
`;

(async () => {
  const py = await loadPyodide({ indexURL: path.resolve(core) + "/" });
  py.FS.mkdirTree("/wheels");
  py.FS.mount(py.FS.filesystems.NODEFS, { root: path.resolve(wheels) }, "/wheels");
  py.runPython(COMPILE);
  const precompile = py.globals.get("precompile");
  for (const name of names) {
    const kept = precompile(`/wheels/${name}`, keep.has(name));
    if (kept) console.log(`  ${name}: ${kept} module(s) kept as source (they do not compile)`);
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
