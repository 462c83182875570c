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
