// Front end of stepguide.ui.widgets.PageLandmark: the page's accessibility over ipywidgets. It gives the enclosing
// .sg-main box role="main", names the slider handles and readouts after their labels (ipywidgets leaves them
// unnamed), gives each toggle button (Score / Pass / Fail) an aria-pressed that follows its state, all re-applied
// whenever widgets re-render, and holds the page's one polite live region (role="status"), whose text the kernel
// sets (the `announce` trait) only when the verdict changes. No network requests.

function render({ model, el }) {
  el.classList.add("sg-page-helper");
  const live = el.appendChild(document.createElement("div"));
  live.className = "sg-live";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  live.setAttribute("aria-atomic", "true");
  const announce = () => {
    const text = model.get("announce") || "";
    if (live.textContent !== text) live.textContent = text;
  };
  announce();
  model.on("change:announce", announce);

  let root = null;
  let observer = null;
  const watched = new WeakSet();
  const toggles = new MutationObserver((records) => records.forEach((r) => press(r.target)));

  const press = (button) => {
    if (!button.classList || !button.classList.contains("widget-toggle-button")) return;
    const on = button.classList.contains("mod-active") ? "true" : "false";
    if (button.getAttribute("aria-pressed") !== on) button.setAttribute("aria-pressed", on);
  };

  const mend = () => {
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
    for (const group of root.querySelectorAll(".widget-toggle-buttons")) {
      group.querySelectorAll(".widget-toggle-button").forEach(press);
      if (!watched.has(group)) {  // only the groups' own class changes, not every chart's
        watched.add(group);
        toggles.observe(group, { attributes: true, attributeFilter: ["class"], subtree: true });
      }
    }
  };

  const attach = () => {
    const found = el.closest(".sg-main");
    if (!found) return false;
    root = found;
    root.setAttribute("role", "main");
    root.setAttribute("aria-label", model.get("label") || "Step 2 CK guide");
    mend();
    observer = new MutationObserver(() => mend());
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
    model.off("change:announce", announce);
    if (observer) observer.disconnect();
    toggles.disconnect();
  };
}

export default { render };
