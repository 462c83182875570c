// copyText(text), shared by the widgets that copy text: stepguide.ui.widgets.with_clipboard puts this file in
// front of their modules (anywidget loads a module from a blob: URL, where an import has nothing to resolve
// against). The Clipboard API in a secure context, else a hidden textarea (plain-http workshop servers).

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (_) {
      // fall through to the textarea
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch (_) {
    ok = false;
  }
  area.remove();
  return ok;
}

