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
