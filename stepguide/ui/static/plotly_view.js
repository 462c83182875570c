// Front end of stepguide.ui.plotly_view.PlotlyView (see its docstring); static/edits.js goes in front of it.

const HEIGHT = 360;
const PROMISE = "__stepguidePlotlyPromise";
const VIEWS = "__stepguidePlotlyViews";
const QUEUE = "__stepguidePlotlyQueue";
export const CONFIG = { responsive: true, displaylogo: false, displayModeBar: false, showSendToCloud: false, showLink: false };

export function titleText(layout) {
  const t = layout?.title;
  const text = typeof t === "string" ? t : t?.text;
  return text ? String(text).replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim() : "";
}

export function walk(value, leaf, key) {
  if (Array.isArray(value)) return value.map((v) => walk(v, leaf));
  if (!value || typeof value !== "object") return leaf(value, key);
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === "meta" ? v : walk(v, leaf, k);
  return out;
}

export const scaleFonts = (layout, k) => walk(layout, (v, key) => (key === "size" && typeof v === "number" ? v * k : v));

// palette: {id: [light, dark]} (data/palette.csv)
export function darken(fig, palette) {
  const swap = {};
  for (const [light, dark] of Object.values(palette)) swap[light.toLowerCase()] = dark;
  const dark = (id) => palette[id]?.[1];
  const recolour = (v) => (typeof v === "string" && swap[v.trim().toLowerCase()]) || v;
  const layout = walk(fig.layout || {}, recolour);
  layout.paper_bgcolor = layout.plot_bgcolor = dark("background");
  layout.font = { ...layout.font, color: layout.font?.color || dark("text") };
  for (const [key, axis] of Object.entries(layout)) {
    if (/^[xy]axis\d*$/.test(key) && axis && typeof axis === "object") {
      axis.gridcolor ||= dark("grid");
      axis.linecolor ||= dark("axis");
      axis.zerolinecolor ||= dark("axis");
    }
  }
  return { ...fig, data: walk(fig.data || [], recolour), layout };
}

export function wrapTitle(layout, width) {
  const t = layout.title;
  if (!width || !t || typeof t.text !== "string" || t.text.includes("<br>")) return layout;
  const size = t.font?.size || 14;
  const per = Math.max(12, Math.floor((width - 24) / (size * 0.56)));
  const lines = [];
  for (const word of t.text.split(" ")) {
    const n = lines.length - 1;
    if (n >= 0 && `${lines[n]} ${word}`.length <= per) lines[n] += ` ${word}`;
    else lines.push(word);
  }
  if (lines.length < 2) return layout;
  const margin = layout.margin || {};
  return { ...layout, title: { ...t, text: lines.join("<br>"), pad: { ...t.pad, t: (t.pad?.t || 0) + 8 } },
    margin: { ...margin, t: (margin.t || 80) + Math.ceil((lines.length - 1) * size * 1.25) } };
}

// Below NARROW px: the layout the builder made for a phone (charts/look.py, layout.meta.narrow).
export const NARROW = 560;
export function narrow(fig, width) {
  const over = fig.layout?.meta?.narrow;
  return over && width > 0 && width < NARROW ? { ...fig, layout: { ...fig.layout, ...over } } : fig;
}

export function chartHeight(layout, k = 1) {
  const h = Number(layout?.height);
  return Math.round((h > 0 ? h : HEIGHT) * k);
}

export function prepare(figure, { k = 1, palette = null, width = 0, print = 0 } = {}) {
  let fig = structuredClone(figure);
  if (!print) fig = narrow(fig, width);
  if (k !== 1) fig.layout = scaleFonts(fig.layout || {}, k);
  if (palette) fig = darken(fig, palette);
  const layout = wrapTitle(fig.layout || {}, print || width);
  delete layout.width;
  layout.autosize = !print;
  if (print) layout.width = print;
  layout.height = chartHeight(fig.layout, k);
  return { data: fig.data || [], layout };
}

export const plotConfig = (figure, model) => ({ ...CONFIG, ...figure, ...model });
export const roleOf = (config) => (config.displayModeBar === false || config.staticPlot ? "img" : "figure");

// Plotly.react compares arrays, meta and template by identity: reuse prev's equal parts.
export function share(next, prev) {
  if (next === prev || !next || !prev || typeof next !== "object" || typeof prev !== "object") return next;
  if (Array.isArray(next) !== Array.isArray(prev)) return next;
  const keys = Object.keys(next);
  let same = keys.length === Object.keys(prev).length;
  const out = Array.isArray(next) ? [] : {};
  for (const k of keys) {
    out[k] = share(next[k], prev[k]);
    same = same && out[k] === prev[k];
  }
  return same ? prev : out;
}

// A new meta object replots all: refill the drawn one in place (unless a text uses %{meta}).
const isObject = (v) => !!v && typeof v === "object" && !Array.isArray(v);
function refill(fresh, old) {
  if (!isObject(fresh) || !isObject(old) || fresh === old) return fresh;
  for (const k of Object.keys(old)) delete old[k];
  return Object.assign(old, fresh);
}
export function keepMeta(next, prev) {
  if (JSON.stringify(next).includes("%{meta")) return next;
  const fill = (o, old) => (isObject(o) && isObject(old) && isObject(o.meta) ? { ...o, meta: refill(o.meta, old.meta) } : o);
  return { data: next.data.map((trace, i) => fill(trace, prev.data[i])), layout: fill(next.layout, prev.layout) };
}

export const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "chart";

function baseUrl() {
  let url;
  try {
    url = JSON.parse(document.getElementById("jupyter-config-data").textContent).baseUrl;
  } catch (_) {
    /* no page config */
  }
  return url ? url.replace(/\/?$/, "/") : "/";
}

// One plotly.js per page (template static), fetched early by its <head>.
function loadPlotly(version) {
  if (typeof window.Plotly?.react === "function") return Promise.resolve(window.Plotly);
  if (!window[PROMISE]) {
    const promise = new Promise((resolve, reject) => {
      const early = document.getElementById("stepguide-plotly");
      const script = early && !early.dataset.failed ? early : document.createElement("script");
      script.addEventListener("load", () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("no Plotly"))));
      script.addEventListener("error", () => reject(new Error(`could not load ${script.src}`)));
      if (script === early) return;
      script.src = `${baseUrl()}voila/templates/stepguide/static/plotly-basic.min.js${version ? `?v=${encodeURIComponent(version)}` : ""}`;
      script.async = true;
      document.head.appendChild(script);
    });
    promise.catch(() => window[PROMISE] === promise && delete window[PROMISE]); // retry later
    window[PROMISE] = promise;
  }
  return window[PROMISE];
}

// Our page's theme (html[data-sg-theme]), else JupyterLab's (body[data-jp-theme-light="false"] is dark).
function isDark() {
  const ours = document.documentElement.getAttribute("data-sg-theme");
  return ours ? ours === "dark" : document.body?.getAttribute("data-jp-theme-light") === "false";
}

// Every chart on the page, told when the theme changes ("theme") or a style sheet arrives ("sheet": the page's
// sheets are linked by the widgets' loaders, and one may land after a chart's first draw, e.g. the presenter's
// --sg-chart-scale).
function views() {
  if (!window[VIEWS]) {
    const set = (window[VIEWS] = new Set());
    const redraw = new MutationObserver(() => set.forEach((fn) => fn("theme")));
    redraw.observe(document.documentElement, { attributes: true, attributeFilter: ["data-sg-theme"] });
    if (document.body) redraw.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light"] });
    document.addEventListener("load", (event) => {
      if (event.target instanceof HTMLLinkElement && event.target.rel === "stylesheet") set.forEach((fn) => fn("sheet"));
    }, true);
  }
  return window[VIEWS];
}

const idle = (fn, timeout) => (window.requestIdleCallback || setTimeout)(fn, { timeout });

// Each idle period draws as many waiting charts as fit in it; on a busy page (no idle period within 300 ms)
// one chart per task, each painted before the next starts, so the first is on screen without waiting for all.
function enqueue(job) {
  const q = (window[QUEUE] ||= { jobs: new Set(), asked: false, first: true });
  const ask = (busy) => {
    if (!q.asked) busy ? requestAnimationFrame(() => setTimeout(run, 0)) : idle(run, 300);
    q.asked = true;
  };
  const run = (deadline) => {
    q.asked = false;
    const busy = !deadline || deadline.didTimeout;
    for (const next of q.jobs) {
      q.jobs.delete(next);
      next();
      if (busy || deadline.timeRemaining() < 10) break;
    }
    if (q.jobs.size) ask(busy);
  };
  q.jobs.add(job);
  ask(q.first); // the page's first chart: once the page has painted, not at the first idle moment
  q.first = false;
}

// Pay plotly's first-chart costs (style sheet, text measuring) off screen while the kernel connects.
function warmUp(Plotly, figure) {
  if (window.__stepguidePlotlyWarm) return;
  window.__stepguidePlotlyWarm = true;
  const div = document.createElement("div");
  div.style.cssText = "position:absolute;left:-9999px;top:0;width:300px;height:200px";
  document.body.appendChild(div);
  const layout = { width: 300, height: 200, template: figure?.layout?.template, annotations: [{ text: "a" }] };
  // Purge once newPlot is done, or its pending redraw throws.
  Promise.resolve().then(() => Plotly.newPlot(div, [{ type: "bar", x: ["a"], y: [1], text: ["1"] }], layout, { staticPlot: true }))
    .catch(() => {}).then(() => {
      Plotly.purge(div);
      div.remove();
    });
}

function mount(model, el) {
  const make = (tag, props) => Object.assign(document.createElement(tag), props);
  const box = make("div", { className: "stepguide-plotly-view" });
  const plot = box.appendChild(make("div", { className: "stepguide-plotly-view-plot" }));
  box.style.width = plot.style.width = "100%";
  el.appendChild(box);
  const tools = make("div", { className: "sg-chart-tools" });
  const buttons = ["PNG", "SVG"].map((text) =>
    tools.appendChild(make("button", { type: "button", className: "sg-button sg-button-quiet", textContent: text })));
  return { model, el, box, plot, tools, buttons, Plotly: null, alive: true, asked: false, wanted: false, broken: false,
    k: 0, drawn: null, printing: 0, renders: 0, wide: false, narrowAt: false };
}

const figureOf = (view) => view.model.get("figure") || {};
const nameOf = (view) => view.model.get("label") || titleText(figureOf(view).layout) || "Chart";

// Read at the first draw, not on mount: getComputedStyle forces a style pass.
function scaleOf(view) {
  if (!view.k && view.wanted) view.k = parseFloat(getComputedStyle(view.el).getPropertyValue("--sg-chart-scale")) || 1;
  return view.k || 1;
}

function setName({ box, buttons }, text) {
  if (!box.hasAttribute("role")) box.setAttribute("role", "img");
  box.setAttribute("aria-label", text);
  for (const b of buttons) b.setAttribute("aria-label", `Download "${text}" as ${b.textContent}`);
}

function showTools({ model, el, tools }) {
  if (model.get("downloads") !== false) el.appendChild(tools);
  else tools.remove();
}

const prepared = (view, dark) => prepare(figureOf(view), { k: scaleOf(view),
  palette: dark ? view.model.get("_palette") : null, width: view.printing || view.plot.offsetWidth, print: view.printing });

// A figure wider than its box (a flow: meta.min_width) keeps its width; the box scrolls (and takes focus).
function wideFor(view) {
  const need = Number(figureOf(view).layout?.meta?.min_width) || 0;
  return !view.printing && need > 0 && view.box.clientWidth > 0 && need > view.box.clientWidth;
}

function fitWidth(view) {
  const { box, plot } = view;
  const need = Number(figureOf(view).layout?.meta?.min_width) || 0;
  const wide = wideFor(view);
  if (wide === view.wide) return;
  view.wide = wide;
  plot.style.width = wide ? `${need}px` : "100%";
  box.style.overflowX = wide ? "auto" : "";
  if (wide) box.tabIndex = 0;
  else box.removeAttribute("tabindex");
}

function draw(view) {
  const { box, plot, Plotly } = view;
  if (view.broken) return;
  setName(view, nameOf(view));
  fitWidth(view);
  const ready = Plotly && view.alive && view.wanted;
  const dark = isDark() && !view.printing;
  const next = ready ? prepared(view, dark) : null;
  box.style.minHeight = plot.style.height = `${next ? next.layout.height : chartHeight(figureOf(view).layout,
    scaleOf(view))}px`;
  if (!ready) return;
  const { drawn } = view;
  view.drawn = drawn ? share(keepMeta(next, drawn), drawn) : next;
  view.narrowAt = plot.offsetWidth < NARROW;
  const config = plotConfig(figureOf(view).config, view.model.get("config"));
  box.setAttribute("role", roleOf(config));
  Plotly.react(plot, view.drawn.data, view.drawn.layout, config)
    .then(() => {
      box.dataset.renders = String(++view.renders);
      box.dataset.theme = dark ? "dark" : "light";
    })
    .catch((err) => console.error("PlotlyView: bad figure", err));
}

// A hidden chart waits: the resize observer asks again when it is shown.
function want(view) {
  view.asked = true;
  if (view.wanted || !view.alive || !view.box.getClientRects().length) return;
  view.wanted = true;
  draw(view);
}

function download(view, format) {
  if (!view.Plotly) return;
  const { data, layout } = prepared(view, false); // light, for paper
  const width = Math.max(480, Math.round(view.plot.getBoundingClientRect().width) || 800);
  view.Plotly.downloadImage({ data, layout: { ...layout, width, autosize: false } }, { format, width,
    height: layout.height, scale: format === "png" ? 2 : 1, filename: slug(nameOf(view)) })
    .catch((err) => console.error("PlotlyView: save", err));
}

function print(view, on) {
  const { el, plot } = view;
  const width = on && view.Plotly && getComputedStyle(el).getPropertyValue("--sg-print").trim() === "1"
    ? Math.min(plot.offsetWidth || 680, 680) : 0;
  if (width === view.printing) return;
  view.printing = width;
  if (width) view.wanted = true;
  draw(view);
}

function fail(view, err) {
  if (!view.alive) return;
  const { box } = view;
  view.broken = true;
  console.error("stepguide PlotlyView:", err);
  box.textContent = `${box.getAttribute("aria-label")}: chart could not be displayed (plotting library failed to load).`;
  ["role", "aria-label", "style"].forEach((a) => box.removeAttribute(a));
  view.tools.remove();
}

// Plotly follows only window resizes; widgets may render hidden (tabs): follow the box.
function observe(view) {
  const { box, plot } = view;
  const seen = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && want(view),
    { rootMargin: "300px 0px" });
  seen.observe(box);
  enqueue(() => want(view));
  let frame = 0;
  const resized = new ResizeObserver((entries) => {
    if (!view.Plotly || !entries.some((e) => e.contentRect.width > 0)) return;
    if (!view.wanted) return view.asked && want(view); // shown after being asked while hidden
    if (wideFor(view) !== view.wide || (plot.offsetWidth < NARROW) !== view.narrowAt) {
      return draw(view); // laid out for another width
    }
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => view.alive && plot.offsetParent !== null && plot.data
      && Promise.resolve(view.Plotly.Plots.resize(plot)).catch(() => {}));
  });
  resized.observe(box);
  return () => {
    seen.disconnect();
    resized.disconnect();
    cancelAnimationFrame(frame);
  };
}

function render({ model, el }) {
  const view = mount(model, el);
  const redraw = () => draw(view);
  const on = [["change:figure", redraw], ["change:config", redraw], ["change:downloads", () => showTools(view)],
    ["change:label", () => setName(view, nameOf(view))]];
  on.forEach(([type, fn]) => model.on(type, fn));
  const page = new AbortController();
  window.addEventListener("beforeprint", () => print(view, true), { signal: page.signal });
  window.addEventListener("afterprint", () => print(view, false), { signal: page.signal });
  view.buttons.forEach((b) => b.addEventListener("click", () => download(view, b.textContent.toLowerCase())));
  const stop = observe(view);
  const registry = views();
  const onPage = (why) => {
    if (why !== "sheet") return redraw();
    const k = view.k; // drawn at this scale; a sheet that changes it (read again) redraws the chart
    if (!k) return;
    view.k = 0;
    if (scaleOf(view) !== k) draw(view);
  };
  registry.add(onPage);
  showTools(view);
  draw(view);
  loadPlotly(model.get("_plotly_version"))
    .then((lib) => {
      view.Plotly = lib;
      draw(view);
    })
    .catch((err) => fail(view, err));
  return () => {
    view.alive = false;
    registry.delete(onPage);
    stop();
    on.forEach(([type, fn]) => model.off(type, fn));
    page.abort();
    if (view.Plotly) view.Plotly.purge(view.plot);
  };
}

function initialize({ model }) {
  followEdits(model, ["figure", "label"]); // stepguide.ui.edits: a step sends the changed parts only
  loadPlotly(model.get("_plotly_version")).then((lib) => idle(() => warmUp(lib, model.get("figure")), 1000)).catch(() => {});
}

export default { initialize, render };
