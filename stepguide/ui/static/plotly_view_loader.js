// Each PlotlyView's _esm (stepguide.ui.plotly_view): the charts' front end (edits.js + plotly_view.js, copied into
// the stepguide template's static folder), fetched once per page from the URL the template preloads; VERSION is
// its hash, so Voila serves it with a long cache.
let base = "/";
try {
  base = JSON.parse(document.getElementById("jupyter-config-data").textContent).baseUrl || "/";
} catch (_) {
  /* no page config */
}
const url = new URL(`${base.replace(/\/?$/, "/")}voila/templates/stepguide/static/plotly_view.js?v=VERSION`, document.baseURI);
export default (await import(url.href)).default;
