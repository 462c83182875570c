// Front end of stepguide.ui.widgets.PageLandmark: gives the enclosing .sg-main box role="main" and names the
// slider handles and readouts after their labels (ipywidgets leaves them unnamed), re-applied whenever
// widgets re-render. No network requests.

function render({ model, el }) {
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

export default { render };
