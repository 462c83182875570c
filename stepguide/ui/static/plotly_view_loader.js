// Each PlotlyView's _esm (stepguide.ui.plotly_view): the charts' front end, static/plotly_view.js, fetched once
// per page from the URL the stepguide template preloads.
let base = "/";
try {
  base = JSON.parse(document.getElementById("jupyter-config-data").textContent).baseUrl || "/";
} catch (_) {
  /* no page config */
}
const url = new URL(`${base.replace(/\/?$/, "/")}stepguide/static/plotly_view.js`, document.baseURI);
export default (await import(url.href)).default;
