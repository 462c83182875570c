// Front end of stepguide.ui.connection.ConnectionBanner.
// Watches the page's kernel connection through the widget manager. When the
// kernel dies, restarts (its widgets are gone with it) or the websocket drops,
// it shows one line saying so with "Reload with my inputs" (the URL fragment
// holds them, see url_state.js), greys the results (.sg-offline on the
// dashboard box) and makes the inputs inert, so nothing stale looks current.
// A short network blip that reconnects to the same kernel clears it again.
//
// Two faults keep the websocket looking fine, so the banner checks for them:
// * a hung kernel (stopped, stuck): every second the page asks the kernel for
//   its kernel_info on the control channel; no answer within `answer_within`
//   seconds shows "not answering" (data-connection="hung"), an answer clears it;
//   a question unanswered for three times that is asked again on the shell
//   channel, and from then on there (the in-browser kernel stops answering on
//   its control channel after a busy spell);
// * a server gone for good: while the connection or the kernel is lost the
//   page asks the server for its kernel; no answer for `give_up_after` seconds
//   says the server is not coming back (data-connection="gone"); an answer
//   that the kernel is gone says the connection was lost, for good.
// The sentences come from the kernel (`words`, data/wording.csv).

const LOST = new Set(["dead", "restarting", "autorestarting", "terminating", "unknown"]);
const PING_EVERY_MS = 1000;

function render({ model, el }) {
  const words = model.get("words") || {};
  const banner = document.createElement("div");
  banner.className = "sg-banner";
  banner.setAttribute("role", "alert");
  banner.hidden = true;
  const text = document.createElement("span");
  text.className = "sg-banner-text";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "sg-button";
  button.textContent = words.reload || "Reload";
  button.addEventListener("click", () => window.location.reload());
  banner.append(text, button);
  el.appendChild(banner);

  let gone = false; // the kernel itself is gone: reconnecting cannot bring the widgets back
  const main = () => el.closest(".sg-main") || document.querySelector(".sg-main");
  const inputs = () => {
    const m = main();
    return m ? m.querySelectorAll(".sg-inputs, .sg-flags, .sg-example, .sg-email-fields, .sg-drop") : [];
  };
  const show = (key, state) => {
    text.textContent = words[key] || "";
    banner.hidden = false;
    el.dataset.connection = state;
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

  const manager = model.widget_manager;
  const kernel = manager && manager.kernel;
  if (!kernel) return undefined; // not in a live kernel page (e.g. a static export): nothing to watch

  // -- a server that does not come back ------------------------------------
  let lostSince = null; // when the connection was lost (ms), while it is
  let probing = null;
  const base = (kernel.serverSettings && kernel.serverSettings.baseUrl) || "/";
  const probe = async () => {
    if (lostSince === null) return;
    let answer = "none";
    try {
      const r = await fetch(`${base}api/kernels/${kernel.id}?${Date.now()}`, { credentials: "same-origin", cache: "no-store" });
      answer = r.status === 404 || r.status === 403 ? "gone" : "up";
    } catch (e) {
      answer = "none"; // no server at that address (or no network)
    }
    if (lostSince === null) return;
    if (answer === "gone") { // the server is there, the kernel is not: nothing to reconnect to
      gone = true;
      show("lost", "lost");
      stopProbing();
    } else if (answer === "none" && Date.now() - lostSince >= 1000 * model.get("give_up_after")) {
      gone = true;
      show("not_coming_back", "gone");
      stopProbing();
    }
  };
  const startProbing = () => {
    if (lostSince === null) lostSince = Date.now();
    if (!probing) probing = setInterval(probe, PING_EVERY_MS);
  };
  const stopProbing = () => {
    if (probing) clearInterval(probing);
    probing = null;
  };

  // -- a kernel that stops answering ---------------------------------------
  let asked = null; // when the unanswered question was sent (ms)
  let ask = 0;
  let shell = false; // the control channel lost a question: ask on the shell channel from then on
  const ping = () => {
    if (gone || kernel.isDisposed || kernel.connectionStatus !== "connected") return;
    if (asked !== null) {
      const waited = Date.now() - asked;
      const within = 1000 * model.get("answer_within");
      if (waited >= within && el.dataset.connection === "ok") show("not_answering", "hung");
      // One question at a time (a hung kernel answers them all when it wakes), but not one for ever: the in-browser
      // kernel (JupyterLite), after a few busy seconds, answers nothing more on its control channel, and the banner
      // would stay up with the inputs inert.
      if (waited < 3 * within) return;
      shell = true; // asked again on the shell channel, which the in-browser kernel's own start-up uses
    }
    asked = Date.now();
    const mine = ++ask;
    const answered = () => {
      if (mine === ask) asked = null;
      if (el.dataset.connection === "hung") clear(); // any answer, even to an older question: it answers
    };
    try {
      if (typeof kernel.sendControlMessage === "function" && !shell) {
        const id = `sg-ping-${mine}-${Math.random().toString(16).slice(2)}`;
        const msg = { header: { msg_id: id, msg_type: "kernel_info_request", session: kernel.clientId,
                                username: kernel.username || "", date: new Date().toISOString(), version: "5.3" },
                      parent_header: {}, metadata: {}, content: {}, channel: "control", buffers: [] };
        kernel.sendControlMessage(msg, true, true).done.then(answered, () => {});
      } else {
        kernel.requestKernelInfo().then(answered, () => {});
      }
    } catch (e) {
      asked = null; // the connection went meanwhile: the connection status says so
    }
  };
  const pinger = setInterval(ping, PING_EVERY_MS);

  // -- the connection itself -------------------------------------------------
  const onStatus = (_, status) => {
    if (LOST.has(status)) {
      gone = true;
      if (el.dataset.connection !== "gone") show("lost", "lost");
      startProbing(); // the server too? then it says so
    }
  };
  const onConnection = (_, status) => {
    if (status === "connected") {
      lostSince = null;
      asked = null;
      stopProbing();
      clear();
    } else {
      if (!gone && el.dataset.connection !== "gone") show(status === "connecting" ? "reconnecting" : "lost", "lost");
      startProbing();
    }
  };
  const onDisposed = () => {
    gone = true;
    if (el.dataset.connection !== "gone") show("lost", "lost");
    startProbing();
  };
  kernel.statusChanged.connect(onStatus);
  kernel.connectionStatusChanged.connect(onConnection);
  kernel.disposed.connect(onDisposed);
  if (kernel.isDisposed || LOST.has(kernel.status)) onDisposed();
  else if (kernel.connectionStatus && kernel.connectionStatus !== "connected") onConnection(kernel, kernel.connectionStatus);
  el.dataset.connection = el.dataset.connection || "ok";
  return () => {
    clearInterval(pinger);
    stopProbing();
    kernel.statusChanged.disconnect(onStatus);
    kernel.connectionStatusChanged.disconnect(onConnection);
    kernel.disposed.disconnect(onDisposed);
  };
}

export default { render };
