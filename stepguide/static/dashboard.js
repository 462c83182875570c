// Front end of the small helper widgets in stepguide.dashboard.
// kind "page":     gives the dashboard box role="main" and names the slider
//                  handles and readouts after their labels (ipywidgets leaves
//                  them unnamed), re-applied whenever widgets re-render.
// kind "copy":     a real <button> copying `text` (Clipboard API, with a
//                  textarea fallback for plain-http workshop servers).
// kind "download": an <a download> whose data: URL is rebuilt on every change
//                  of `text`, so saving never needs a server round trip.
// Everything works offline: no network requests at all.

function renderPage({ model, el }) {
  el.classList.add("sg-page-helper");
  let root = null;
  let observer = null;

  const nameControls = () => {
    if (!root) return;
    for (const box of root.querySelectorAll(".widget-slider")) {
      const label = box.querySelector(".widget-label");
      const name = label ? label.textContent.trim() : "";
      if (!name) continue;
      for (const handle of box.querySelectorAll("[role=slider]")) {
        if (handle.getAttribute("aria-label") !== name) handle.setAttribute("aria-label", name);
      }
      const readout = box.querySelector(".widget-readout");
      if (readout && readout.getAttribute("aria-label") !== `${name} (type a number)`) {
        readout.setAttribute("role", "textbox");
        readout.setAttribute("aria-label", `${name} (type a number)`);
        readout.setAttribute("tabindex", "0");
      }
    }
  };

  const attach = () => {
    const found = el.closest(".sg-main");
    if (!found) return false;
    root = found;
    root.setAttribute("role", "main");
    root.setAttribute("aria-label", model.get("label") || "Step 2 CK guide");
    nameControls();
    observer = new MutationObserver(() => nameControls());
    observer.observe(root, { childList: true, subtree: true });
    return true;
  };

  // The box appends its children after they render: wait until we are inside it.
  let tries = 0;
  const poll = () => {
    if (attach() || tries++ > 600) return;
    requestAnimationFrame(poll);
  };
  poll();

  return () => {
    if (observer) observer.disconnect();
  };
}

function legacyCopy(text) {
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

function renderCopy({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "sg-button";
  const status = document.createElement("span");
  status.className = "sg-status";
  status.setAttribute("role", "status");
  const sync = () => {
    button.textContent = model.get("label");
    button.disabled = !model.get("text");
    status.textContent = "";
  };
  button.addEventListener("click", async () => {
    const text = model.get("text");
    let ok = false;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        ok = true;
      } catch (_) {
        ok = false;
      }
    }
    if (!ok) ok = legacyCopy(text);
    el.dataset.copied = ok ? "yes" : "no";
    status.textContent = ok ? "Copied." : "Could not copy: select the text and copy it by hand.";
  });
  model.on("change:text", sync);
  model.on("change:label", sync);
  sync();
  el.append(button, status);
  return () => {
    model.off("change:text", sync);
    model.off("change:label", sync);
  };
}

function renderDownload({ model, el }) {
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

const KINDS = { page: renderPage, copy: renderCopy, download: renderDownload };

function render(args) {
  const kind = KINDS[args.model.get("kind")];
  return kind ? kind(args) : undefined;
}

export default { render };
