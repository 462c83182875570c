// copyText(text), shared by the widgets that copy text: stepguide.ui.widgets.with_clipboard puts this file in
// front of their modules (anywidget loads a module from a blob: URL, where an import has nothing to resolve
// against). The Clipboard API in a secure context, else a hidden textarea (plain-http workshop servers).

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (_) {
      // fall through to the textarea
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch (_) {
    ok = false;
  }
  area.remove();
  return ok;
}


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

// Front end of stepguide.ui.widgets.CopyButton: a real <button> copying `text` (Clipboard API, with a
// textarea fallback for plain-http workshop servers). No network requests.

function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "sg-button";
  const status = document.createElement("span");
  status.className = "sg-status";
  status.setAttribute("role", "status");
  const sync = () => {
    button.textContent = model.get("label");
    button.disabled = !model.get("text");
    const name = model.get("name");
    if (name) button.setAttribute("aria-label", name);
    else button.removeAttribute("aria-label");
    status.textContent = "";
  };
  button.addEventListener("click", async () => {
    const text = model.get("text");
    const ok = await copyText(text);
    el.dataset.copied = ok ? "yes" : "no";
    status.textContent = ok ? "Copied." : "Could not copy: select the text and copy it by hand.";
  });
  model.on("change:text", sync);
  model.on("change:label", sync);
  model.on("change:name", sync);
  sync();
  el.append(button, status);
  return () => {
    model.off("change:text", sync);
    model.off("change:label", sync);
    model.off("change:name", sync);
  };
}

function initialize({ model }) {
  followEdits(model, ["text"]);
}

export default { initialize, render };
