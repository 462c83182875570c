// Front end of stepguide.ui.url_state.SituationLink.
// * On first render: a non-empty URL fragment is sent to Python, which applies
//   what it can; otherwise the current inputs are written to the fragment.
// * The inputs (the `state` trait) are written to the fragment once they have
//   settled (no change for SETTLE_MS): a drag or a quick run of key presses is
//   one write. A URL write costs the browser ~10 ms of CPU, so one per slider
//   step would compete with the page redrawing for that step.
// * The first write after a gesture ended (a key or pointer released, a select
//   changed) or after a quiet second adds a history entry, the others replace
//   it, so the back button steps back one gesture at a time, not one slider
//   step of a drag at a time.
// * Back/forward and a hand-edited fragment are sent to Python again.
// * "Copy link to this situation" copies the page URL with the fragment.
// Everything shown comes from textContent: nothing from the URL becomes HTML.

const QUIET_MS = 1000;
const SETTLE_MS = 300;

function currentFragment() {
  return window.location.hash.replace(/^#/, "");
}

function render({ model, el }) {
  el.classList.add("sg-link");
  const make = (tag, props) => Object.assign(document.createElement(tag), props);
  const row = make("div", { className: "sg-link-tools" });
  const button = make("button", { type: "button", className: "sg-button sg-copy-link",
    textContent: "Copy link to this situation" });
  const status = make("span", { className: "sg-status" });
  status.setAttribute("role", "status");
  row.append(button, status);
  const notice = document.createElement("p");
  notice.className = "sg-notice";
  notice.setAttribute("role", "status");
  const summary = document.createElement("div");
  summary.className = "sg-summary sg-print-only";
  el.append(row, notice, summary);

  let lastWritten = null; // the fragment this view last put in the URL
  let lastSent = null;
  let lastPush = 0;
  let applying = false; // the next state change answers a fragment we sent: replace, do not push
  let ended = false; // a gesture ended since the last history entry
  const endGesture = () => {
    ended = true;
  };

  const url = (fragment) => `${window.location.pathname}${window.location.search}#${fragment}`;
  const write = (replace = false) => {
    const state = model.get("state");
    if (!state || state === currentFragment()) {
      lastWritten = state;
      return;
    }
    const now = Date.now();
    if (replace || applying || lastWritten === null || (!ended && now - lastPush < QUIET_MS)) {
      window.history.replaceState(window.history.state, "", url(state));
    } else {
      window.history.pushState(window.history.state, "", url(state));
      ended = false;
    }
    if (!replace && !applying) lastPush = now;
    lastWritten = state;
    status.textContent = "";
  };
  let timer = 0; // a write waiting for the inputs to settle
  const cancel = () => {
    clearTimeout(timer);
    timer = 0;
  };
  const flush = () => {
    cancel();
    write();
  };
  const send = () => {
    const fragment = currentFragment();
    if (!fragment || fragment === lastWritten || fragment === lastSent) return;
    cancel(); // back/forward or an edited fragment wins over a write not yet made
    lastSent = fragment;
    applying = true;
    model.send({ kind: "fragment", fragment });
  };
  const onState = () => {
    lastSent = null;
    cancel();
    if (applying) write();
    else timer = setTimeout(flush, SETTLE_MS);
  };
  // Python has applied a fragment we sent: show its canonical form (bad fields dropped) in place.
  const onMessage = (msg) => {
    if (!msg || msg.kind !== "applied") return;
    applying = false;
    write(true);
  };
  const onNotice = () => {
    notice.textContent = model.get("notice") || "";
  };
  const onSummary = () => {
    const table = document.createElement("table");
    const caption = document.createElement("caption");
    caption.textContent = "Your situation";
    table.appendChild(caption);
    for (const [label, value] of model.get("summary") || []) {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = label;
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(th, td);
      table.appendChild(tr);
    }
    summary.replaceChildren(table);
  };

  button.addEventListener("click", async () => {
    flush();
    const link = url(model.get("state") || currentFragment());
    const full = new URL(link, window.location.href).href;
    const ok = await copyText(full);
    el.dataset.copied = ok ? "yes" : "no";
    status.textContent = ok ? "Link copied." : `Could not copy: the link is ${full}`;
  });
  // Every subscription in one table, so tearing down undoes exactly what was set up.
  const pageEvents = [[window, "hashchange", send, false], [window, "popstate", send, false],
    ...["keyup", "pointerup", "change"].map((type) => [document, type, endGesture, true])];
  const modelEvents = { "change:state": onState, "msg:custom": onMessage, "change:notice": onNotice,
    "change:summary": onSummary };
  for (const [target, type, fn, capture] of pageEvents) target.addEventListener(type, fn, capture);
  for (const [name, fn] of Object.entries(modelEvents)) model.on(name, fn);
  onNotice();
  onSummary();
  if (currentFragment() && currentFragment() !== model.get("state")) send();
  else write();

  return () => {
    clearTimeout(timer);
    for (const [target, type, fn, capture] of pageEvents) target.removeEventListener(type, fn, capture);
    for (const [name, fn] of Object.entries(modelEvents)) model.off(name, fn);
  };
}

function initialize({ model }) {
  followEdits(model, ["summary"]);
}

export default { initialize, render };
