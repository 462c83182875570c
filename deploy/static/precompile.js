// Compile the Python modules inside wheels to bytecode with Pyodide itself (so the bytecode matches the
// browser's CPython exactly), the way Pyodide's own distribution ships its pure-Python packages: in the
// browser, importing IPython and its helpers from source costs seconds of compiling on every visit.
//
//   node precompile.js <pyodide core dir> <wheel dir> <wheel file name>...
//
// Each listed wheel is rewritten in place: every module `x.py` becomes a sourceless `x.pyc` (unchecked
// hash-based, so no timestamp is involved and the output is reproducible); a module that does not compile
// (e.g. Python 2 leftovers) stays as source.
const path = require("path");

const [core, wheels, ...names] = process.argv.slice(2);
const { loadPyodide } = require(path.resolve(core, "pyodide.js"));

const COMPILE = `
import importlib.util, os, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

SITE = "/lib/python3.13/site-packages/"

def precompile(path):
    tmp = path + ".tmp"
    kept = 0
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            name = info.filename
            if name.endswith(".py") and ".dist-info/" not in name:
                try:
                    code = compile(data, SITE + name, "exec", dont_inherit=True)
                except SyntaxError:
                    kept += 1
                else:
                    name, data = name[:-3] + ".pyc", bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), False))
            entry = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            entry.external_attr = info.external_attr
            out.writestr(entry, data, zipfile.ZIP_DEFLATED)
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
    const kept = precompile(`/wheels/${name}`);
    if (kept) console.log(`  ${name}: ${kept} module(s) kept as source (they do not compile)`);
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
