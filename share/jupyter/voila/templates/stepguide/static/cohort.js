// Front end of the adviser's page (stepguide.ui.pages.cohort_page), no network requests of its own.
// kind "upload":   a labelled <input type=file>. The file is read in the browser (File API): one over
//                  `page_max_bytes` is refused before anything is sent (the kernel checks its own limit too); otherwise it goes to the kernel in
//                  `chunk_size` binary messages, a few in flight, each acknowledged, so the progress bar
//                  shows what has arrived. The kernel then drives the same bar (`progress`, `status`)
//                  while it reads and judges the rows.
// kind "download": a button; on click the kernel sends the file in binary parts, which become a Blob
//                  saved through an <a download> (clicked for the user, and left on the page to click).

const IN_FLIGHT = 4;
const SEND_SHARE = 0.4; // of the bar: sending; the kernel reports the rest (reading and judging)
let counter = 0;

// Sizes as stepguide.cohort.file.human_size writes them.
function human(bytes) {
  const MIB = 1024 * 1024;
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1).replace(/\.0$/, "")} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

function renderUpload({ model, el }) {
  el.classList.add("sg-cohort-upload");
  const id = `sg-cohort-file-${++counter}`;
  const label = document.createElement("label");
  label.className = "sg-file";
  label.htmlFor = id;
  const input = document.createElement("input");
  input.type = "file";
  input.id = id;
  const bar = document.createElement("progress");
  bar.max = 1;
  bar.hidden = true;
  bar.setAttribute("aria-label", "Sending, reading and judging the file");
  const status = document.createElement("span");
  status.className = "sg-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");

  let upload = null; // {id, file, next, acked}

  const syncStatic = () => {
    label.textContent = model.get("label");
    input.accept = model.get("accept");
  };
  const syncProgress = () => {
    const p = model.get("progress");
    bar.hidden = p < 0;
    if (p >= 0) bar.value = p;
    status.textContent = model.get("status");
    status.classList.toggle("sg-refused", false);
  };

  const sendNext = async () => {
    const up = upload;
    if (!up) return;
    const size = model.get("chunk_size");
    while (up === upload && up.next < up.file.size && up.next - up.acked < IN_FLIGHT * size) {
      const offset = up.next;
      up.next = Math.min(offset + size, up.file.size);
      const buffer = await up.file.slice(offset, up.next).arrayBuffer();
      if (up !== upload) return;
      model.send({ kind: "chunk", id: up.id, offset }, undefined, [buffer]);
    }
  };

  const onMessage = (msg) => {
    if (!upload || msg.id !== upload.id) return;
    if (msg.kind === "ack") {
      upload.acked = msg.received;
      bar.hidden = false;
      bar.value = (SEND_SHARE * msg.received) / Math.max(upload.file.size, 1);
      status.textContent = `Sending ${upload.file.name}: ${human(msg.received)} of ${human(upload.file.size)}`;
      if (msg.received >= upload.file.size) upload = null;
      else sendNext();
    } else if (msg.kind === "refuse") {
      upload = null;
    }
  };

  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    if (!file) return;
    input.value = ""; // choosing the same file again is a new upload
    if (file.size > model.get("page_max_bytes")) {
      upload = null;
      bar.hidden = true;
      status.textContent = model.get("too_big").replace("{size}", human(file.size)).replace("{name}", file.name);
      status.classList.add("sg-refused");
      el.dataset.refused = String(file.size);
      return;
    }
    delete el.dataset.refused;
    upload = { id: ++counter, file, next: 0, acked: 0 };
    bar.hidden = false;
    bar.value = 0;
    status.textContent = `Sending ${file.name}`;
    model.send({ kind: "start", id: upload.id, name: file.name, size: file.size });
    sendNext();
  });

  model.on("msg:custom", onMessage);
  model.on("change:label", syncStatic);
  model.on("change:accept", syncStatic);
  model.on("change:progress", syncProgress);
  model.on("change:status", syncProgress);
  syncStatic();
  syncProgress();
  el.append(label, input, bar, status);
  return () => {
    upload = null;
    model.off("msg:custom", onMessage);
    model.off("change:label", syncStatic);
    model.off("change:accept", syncStatic);
    model.off("change:progress", syncProgress);
    model.off("change:status", syncProgress);
  };
}

function renderDownload({ model, el }) {
  el.classList.add("sg-cohort-download");
  const button = document.createElement("button");
  button.type = "button";
  const link = document.createElement("a");
  link.hidden = true;
  const status = document.createElement("span");
  status.className = "sg-status";
  status.setAttribute("role", "status");
  let parts = [];
  let url = null;

  const sync = () => {
    button.textContent = model.get("label");
    button.disabled = !model.get("ready");
    link.hidden = true; // a new result: the old file no longer matches the page
    status.textContent = "";
  };
  button.addEventListener("click", () => {
    parts = [];
    button.disabled = true;
    status.textContent = "Preparing the file…";
    model.send({ kind: "want" });
  });
  const onMessage = (msg, buffers) => {
    if (msg.kind !== "part") return;
    for (const b of buffers || []) parts.push(b.buffer ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b);
    if (!msg.last) return;
    if (url) URL.revokeObjectURL(url);
    const blob = new Blob(parts, { type: model.get("mime") });
    parts = [];
    url = URL.createObjectURL(blob);
    const name = model.get("filename");
    link.href = url;
    link.download = name;
    link.textContent = `Save ${name} (${human(blob.size)}) again`;
    link.hidden = false;
    status.textContent = `Ready: ${name}.`;
    button.disabled = !model.get("ready");
    link.click();
  };
  const names = ["label", "ready", "filename", "version"];
  for (const n of names) model.on(`change:${n}`, sync);
  model.on("msg:custom", onMessage);
  sync();
  el.append(button, link, status);
  return () => {
    for (const n of names) model.off(`change:${n}`, sync);
    model.off("msg:custom", onMessage);
    if (url) URL.revokeObjectURL(url);
  };
}

const KINDS = { upload: renderUpload, download: renderDownload };

function render(args) {
  const kind = KINDS[args.model.get("kind")];
  return kind ? kind(args) : undefined;
}

export default { render };
