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

// Front end of stepguide.ui.widgets.Disclosure: a section that opens and closes. Its header is a real <button>
// (Tab reaches it, Enter and Space toggle it) whose aria-expanded says whether the section is open and whose
// aria-controls names it; opening needs no round trip to the kernel. The content is HTML that the kernel built
// and escaped (stepguide.ui.render). No network requests.

let count = 0;

function render({ model, el }) {
  el.classList.add("sg-disclosure");
  const id = `sg-disclosure-${++count}-${Math.random().toString(36).slice(2, 8)}`;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "sg-disclosure-button";
  button.setAttribute("aria-controls", id);
  const mark = button.appendChild(document.createElement("span"));
  mark.className = "sg-disclosure-mark";
  mark.setAttribute("aria-hidden", "true");
  const title = button.appendChild(document.createElement("span"));
  const body = document.createElement("div");
  body.id = id;
  body.className = "sg-disclosure-body";
  el.append(button, body);

  const sync = () => {
    const open = !!model.get("expanded");
    button.setAttribute("aria-expanded", open ? "true" : "false");
    body.hidden = !open;
    title.textContent = model.get("title");
  };
  const fill = () => {
    body.innerHTML = model.get("content");
  };
  const toggle = () => {
    model.set("expanded", !model.get("expanded"));
    model.save_changes();
    sync();
  };
  button.addEventListener("click", toggle);
  const on = [["change:expanded", sync], ["change:title", sync], ["change:content", fill]];
  on.forEach(([type, fn]) => model.on(type, fn));
  fill();
  sync();
  return () => on.forEach(([type, fn]) => model.off(type, fn));
}

function initialize({ model }) {
  followEdits(model, ["content"]);
}

export default { initialize, render };
