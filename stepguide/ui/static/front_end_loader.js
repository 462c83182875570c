// Each widget's _esm under Voila (stepguide.ui.front_ends): links the widget's style sheets (once per page, in
// order) and imports its front end, both from the stepguide template's static folder, where
// front_ends.write_template_files() copied them; ?v= is each file's hash, so Voila serves it with a long cache
// and the page fetches it once. The widget renders once its style sheets have loaded.
let base = "/";
try {
  base = JSON.parse(document.getElementById("jupyter-config-data").textContent).baseUrl || "/";
} catch (_) {
  /* no page config */
}
const folder = new URL(`${base.replace(/\/?$/, "/")}voila/templates/stepguide/static/`, document.baseURI);
await Promise.all(SHEETS.map(([id, file]) => {
  let link = document.getElementById(id);
  if (!link) {
    link = Object.assign(document.createElement("link"), { rel: "stylesheet", id, href: new URL(file, folder).href });
    link.sgLoaded = new Promise((resolve) => { link.onload = link.onerror = resolve; });
    document.head.appendChild(link);
  }
  return link.sgLoaded;
}));
export default (await import(new URL("MODULE", folder).href)).default;
