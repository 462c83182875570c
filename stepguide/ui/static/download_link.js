// Front end of stepguide.ui.widgets.DownloadLink: an <a download> whose data: URL is rebuilt on every change
// of `text`, so saving never needs a server round trip. No network requests.

function render({ model, el }) {
  const link = document.createElement("a");
  link.className = "sg-button";
  const sync = () => {
    const mime = model.get("mime") || "text/plain";
    link.textContent = model.get("label");
    link.setAttribute("download", model.get("filename"));
    link.href = `data:${mime};charset=utf-8,${encodeURIComponent(model.get("text"))}`;
  };
  const names = ["text", "filename", "label", "mime"];
  for (const n of names) model.on(`change:${n}`, sync);
  sync();
  el.append(link);
  return () => {
    for (const n of names) model.off(`change:${n}`, sync);
  };
}

function initialize({ model }) {
  followEdits(model, ["text"]);
}

export default { initialize, render };
