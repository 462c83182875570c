// Front end of stepguide.ui.connection.ConnectionBanner.
// Watches the page's kernel connection through the widget manager. When the
// kernel dies, restarts (its widgets are gone with it) or the websocket drops,
// it shows one line saying so with "Reload with my inputs" (the URL fragment
// holds them, see url_state.js), greys the results (.sg-offline on the
// dashboard box) and makes the inputs inert, so nothing stale looks current.
// A short network blip that reconnects to the same kernel clears it again.

const LOST = new Set(["dead", "restarting", "autorestarting", "terminating", "unknown"]);

function render({ model, el }) {
  const banner = document.createElement("div");
  banner.className = "sg-banner";
  banner.setAttribute("role", "alert");
  banner.hidden = true;
  const text = document.createElement("span");
  text.className = "sg-banner-text";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "sg-button";
  button.textContent = "Reload with my inputs";
  button.addEventListener("click", () => window.location.reload());
  banner.append(text, button);
  el.appendChild(banner);

  let gone = false; // the kernel itself is gone: reconnecting cannot bring the widgets back
  const main = () => el.closest(".sg-main") || document.querySelector(".sg-main");
  const inputs = () => {
    const m = main();
    return m ? m.querySelectorAll(".sg-inputs, .sg-flags, .sg-example, .sg-email-fields, .sg-drop") : [];
  };
  const show = (message) => {
    text.textContent = message;
    banner.hidden = false;
    el.dataset.connection = "lost";
    const m = main();
    if (m) m.classList.add("sg-offline");
    for (const node of inputs()) node.inert = true;
  };
  const clear = () => {
    if (gone) return;
    banner.hidden = true;
    el.dataset.connection = "ok";
    const m = main();
    if (m) m.classList.remove("sg-offline");
    for (const node of inputs()) node.inert = false;
  };
  const LOST_TEXT = "The connection to the guide was lost, so the results below are out of date.";

  const manager = model.widget_manager;
  const kernel = manager && manager.kernel;
  if (!kernel) return undefined; // not in a live kernel page (e.g. a static export): nothing to watch
  const onStatus = (_, status) => {
    if (LOST.has(status)) {
      gone = true;
      show(LOST_TEXT);
    }
  };
  const onConnection = (_, status) => {
    if (status === "connected") clear();
    else show(status === "connecting" ? "The connection to the guide was lost: trying to reconnect. The results below may be out of date." : LOST_TEXT);
  };
  const onDisposed = () => {
    gone = true;
    show(LOST_TEXT);
  };
  kernel.statusChanged.connect(onStatus);
  kernel.connectionStatusChanged.connect(onConnection);
  kernel.disposed.connect(onDisposed);
  if (kernel.isDisposed || LOST.has(kernel.status)) onDisposed();
  else if (kernel.connectionStatus && kernel.connectionStatus !== "connected") onConnection(kernel, kernel.connectionStatus);
  el.dataset.connection = el.dataset.connection || "ok";
  return () => {
    kernel.statusChanged.disconnect(onStatus);
    kernel.connectionStatusChanged.disconnect(onConnection);
    kernel.disposed.disconnect(onDisposed);
  };
}

export default { render };
