// Front end of stepguide.ui.theme.ThemeToggle: light or dark page.
// The theme is an attribute, <html data-sg-theme="light|dark">, read by
// dashboard.css and by the charts (plotly_view.js redraws on a change).
// Until the person picks one with the button (remembered in localStorage), it
// follows the system's prefers-color-scheme; inside JupyterLab it follows the
// lab's own theme instead. The stepguide Voila template sets the attribute in
// the page head already, so a dark page never flashes white.

const KEY = "sg-theme";

function stored() {
  try {
    const t = window.localStorage.getItem(KEY);
    return t === "light" || t === "dark" ? t : null;
  } catch (_) {
    return null;
  }
}

function inVoila() {
  try {
    const node = document.getElementById("jupyter-config-data");
    return !!node && "kernelId" in JSON.parse(node.textContent || "{}");
  } catch (_) {
    return false;
  }
}

function automatic() {
  if (!inVoila() && document.body.dataset.jpThemeLight) {
    return document.body.dataset.jpThemeLight === "false" ? "dark" : "light";
  }
  return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function apply(theme) {
  if (document.documentElement.getAttribute("data-sg-theme") !== theme) {
    document.documentElement.setAttribute("data-sg-theme", theme);
  }
}

function render({ el }) {
  el.classList.add("sg-theme-toggle");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "sg-button sg-button-quiet";
  button.textContent = "Dark theme";
  const sync = () => {
    const dark = document.documentElement.getAttribute("data-sg-theme") === "dark";
    button.setAttribute("aria-pressed", dark ? "true" : "false");
  };
  const follow = () => {
    if (!stored()) apply(automatic());
    sync();
  };
  button.addEventListener("click", () => {
    const next = document.documentElement.getAttribute("data-sg-theme") === "dark" ? "light" : "dark";
    try {
      window.localStorage.setItem(KEY, next);
    } catch (_) {
      /* private mode: the choice lasts for this page only */
    }
    apply(next);
    sync();
  });
  // Paper is light: print in the light theme, then come back.
  let printedFrom = null;
  const beforePrint = () => {
    printedFrom = document.documentElement.getAttribute("data-sg-theme");
    if (printedFrom === "dark") apply("light");
  };
  const afterPrint = () => {
    if (printedFrom === "dark") apply("dark");
    printedFrom = null;
  };
  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  const media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  if (media) media.addEventListener("change", follow);
  const watch = new MutationObserver(sync);
  watch.observe(document.documentElement, { attributes: true, attributeFilter: ["data-sg-theme"] });
  // In JupyterLab, switching the Lab's theme is a choice of the same kind as the system's: follow it too.
  const lab = new MutationObserver(follow);
  if (!inVoila()) lab.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light"] });
  apply(stored() || automatic());
  sync();
  el.appendChild(button);
  return () => {
    if (media) media.removeEventListener("change", follow);
    window.removeEventListener("beforeprint", beforePrint);
    window.removeEventListener("afterprint", afterPrint);
    watch.disconnect();
    lab.disconnect();
  };
}

export default { render };
