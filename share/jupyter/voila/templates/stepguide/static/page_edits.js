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

// Front end of stepguide.ui.widgets.PageEdits: applies the edits the kernel sends for the page's HTML views
// (ipywidgets' own HTML models) in the order sent; a value that comes out the wrong length is asked for whole.
// It also fills the HTML views named in `fills` (the badges' glossary) from the template's static folder after
// the page's first paint; a badge pressed before its explanation has arrived opens it once it has. A file that
// cannot be fetched is asked of the kernel whole.

const SCOPE = /SG-SCOPE/g;

function baseUrl() {
  try {
    return JSON.parse(document.getElementById("jupyter-config-data").textContent).baseUrl || "/";
  } catch (_) {
    return "/";
  }
}

function fillViews(model) {
  const fills = model.get("fills") || {};
  const ready = Object.entries(fills).map(async ([target, { src, scope }]) => {
    const view = await model.widget_manager.get_model(target);
    try {
      const response = await fetch(new URL(`${baseUrl().replace(/\/?$/, "/")}${src}`, document.baseURI));
      if (!response.ok) throw new Error(`${response.status}`);
      const html = (await response.text()).replace(SCOPE, scope);
      view.set("value", html);
      view.on("change:value", () => { if (!view.get("value")) view.set("value", html); });  // a state resent whole
    } catch (_) {
      model.send({ unfetched: target });
    }
  });
  return Promise.allSettled(ready);
}

function initialize({ model }) {
  let queue = Promise.resolve();
  const apply = async ({ target, value, ops, size }) => {
    const view = await model.widget_manager.get_model(target);
    if (value !== undefined) return view.set("value", value);
    const next = applyEdits(view.get("value"), ops);
    if (next.length === size) view.set("value", next);
    else model.send({ resend: target });
  };
  model.on("msg:custom", (msg) => {
    for (const edit of (msg && msg.edits) || []) {
      queue = queue.then(() => apply(edit)).catch(() => model.send({ resend: edit.target }));
    }
  });
  if (Object.keys(model.get("fills") || {}).length) {
    let filled = null;
    const early = (event) => {  // a badge pressed before the glossary is there: open its explanation when it is
      const button = event.target.closest && event.target.closest("button[popovertarget]");
      const id = button && button.getAttribute("popovertarget");
      if (!id || document.getElementById(id) || !filled) return;
      filled.then(() => {
        const shown = document.getElementById(id);
        if (shown && !shown.matches(":popover-open")) shown.showPopover();
      });
    };
    document.addEventListener("click", early, true);
    requestAnimationFrame(() => setTimeout(() => {
      filled = fillViews(model).finally(() => setTimeout(() => document.removeEventListener("click", early, true), 0));
    }, 0));
  }
}

export default { initialize };
