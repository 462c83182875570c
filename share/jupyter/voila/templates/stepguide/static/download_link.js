// followEdits(model, names), shared by the widgets whose long text or figure stepguide.ui.edits sends as edits
// of the page's copy (a slider step changes a few words of an 11 kB plan): joined in front of their modules,
// like clipboard.js. A text's length is checked; on a mismatch the page asks the kernel for the whole value.

function applyEdits(value, ops) {
  if (typeof value === "string") {
    let out = "";
    let at = 0;
    for (const [start, end, text] of ops) {
      out += value.slice(at, start) + text;
      at = end;
    }
    return out + value.slice(at);
  }
  let root = structuredClone(value);
  for (const [path, ...set] of ops) {
    if (!path.length) {
      root = set[0];
      continue;
    }
    let node = root;
    for (const key of path.slice(0, -1)) node = node[key];
    const last = path[path.length - 1];
    if (set.length) node[last] = set[0];
    else delete node[last];
  }
  return root;
}

function followEdits(model, names) {
  model.on("msg:custom", (msg) => {
    for (const [name, ops] of Object.entries((msg && msg.edits) || {})) {
      if (!names.includes(name)) continue;
      let next;
      try {
        next = applyEdits(model.get(name), ops);
      } catch (_) {
        next = undefined;
      }
      const size = msg.sizes && msg.sizes[name];
      if (next === undefined || (size !== undefined && next.length !== size)) model.send({ resend: name });
      else model.set(name, next);
    }
  });
}

// Front end of stepguide.ui.widgets.DownloadLink: an <a download> whose data: URL is rebuilt on every change
// of `text`, so saving never needs a server round trip. No network requests.

function render({ model, el }) {
  const link = document.createElement("a");
  link.className = "sg-button";
  const sync = () => {
    const mime = model.get("mime") || "text/plain";
    link.textContent = model.get("label");
    link.setAttribute("download", model.get("filename"));
    link.href = `data:${mime};charset=utf-8,${encodeURIComponent(model.get("text"))}`;
  };
  const names = ["text", "filename", "label", "mime"];
  for (const n of names) model.on(`change:${n}`, sync);
  sync();
  el.append(link);
  return () => {
    for (const n of names) model.off(`change:${n}`, sync);
  };
}

function initialize({ model }) {
  followEdits(model, ["text"]);
}

export default { initialize, render };
