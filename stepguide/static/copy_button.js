// Front end of stepguide.page.CopyButton: a real <button> copying `text` (Clipboard API, with a
// textarea fallback for plain-http workshop servers). No network requests.

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

export default { render };
