// Front end of stepguide.ui.widgets.DownloadLink: an <a download> whose file the kernel makes when the link is
// clicked (a click asks, the answer becomes the link's data: URL and is saved), so no slider step sends it.
// No network requests of its own.

function render({ model, el }) {
  const link = document.createElement("a");
  link.className = "sg-button";
  link.href = "data:,"; // a link (focusable, "Save link as"), until a click brings the file
  let asked = 0;
  let made = false;
  const sync = () => {
    link.textContent = model.get("label");
    link.setAttribute("download", model.get("filename"));
  };
  link.addEventListener("click", (event) => {
    if (made) {
      made = false; // the file just made: the browser saves it
      return;
    }
    event.preventDefault();
    model.send({ kind: "want", id: ++asked });
  });
  const onMessage = (msg) => {
    if (!msg || msg.kind !== "file" || msg.id !== asked) return; // an older click's answer
    const mime = model.get("mime") || "text/plain";
    link.href = `data:${mime};charset=utf-8,${encodeURIComponent(msg.text)}`;
    made = true;
    link.click();
  };
  const names = ["filename", "label"];
  for (const n of names) model.on(`change:${n}`, sync);
  model.on("msg:custom", onMessage);
  sync();
  el.append(link);
  return () => {
    for (const n of names) model.off(`change:${n}`, sync);
    model.off("msg:custom", onMessage);
  };
}

export default { render };
