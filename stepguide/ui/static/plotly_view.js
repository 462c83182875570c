// Front end of stepguide.ui.plotly_view.PlotlyView (see its docstring); sent once per chart, so lean.

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

// ---- narrow charts (phones): the figure's layout was made for ~600 px; redo what does not fit the width ----
export const NARROW = 560; // px: below this width a chart is laid out again for it
const GLYPH = 0.58; // an average glyph's width, in font sizes (system-ui)
const LINE_PX = 15; // px per line of small text (charts/look.py LINE)
const HERE = "you-are-here";

const plain = (text) => String(text).replace(/<br>/g, " ").replace(/\s+/g, " ").trim();
const textWidth = (text, size) => plain(text).replace(/<[^>]*>/g, "").length * size * GLYPH;

export function wrapWords(text, per) {
  const lines = [];
  for (const word of plain(text).split(" ")) {
    const n = lines.length - 1;
    if (n >= 0 && `${lines[n]} ${word}`.length <= per) lines[n] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

const perLine = (width, size) => Math.max(10, Math.floor(width / (size * GLYPH)));

// The caption (name "source") moves down by `dy` px and the bottom margin grows to keep it on the chart.
function lower(layout, dy) {
  if (!dy) return;
  layout.margin = { ...layout.margin, b: (layout.margin?.b || 0) + dy };
  for (const a of layout.annotations || []) if (a.name === "source") a.yshift = (a.yshift || 0) - dy;
}

// Notes under the title and the source caption (both start at the plot's left edge) and a several-line x axis
// title (under the plot) re-wrapped to the plot's width; the margins follow.
function rewrapText(layout, width) {
  const notes = (layout.annotations || []).filter((a) => a.name === "note" && typeof a.text === "string");
  let before = 0;
  let after = 0;
  for (const a of notes) {
    const lines = wrapWords(a.text, perLine(width - 16, a.font?.size || 11));
    a.yshift = 4 + LINE_PX * after;
    before += a.text.split("<br>").length;
    after += lines.length;
    a.text = lines.join("<br>");
  }
  if (after !== before) layout.margin = { ...layout.margin, t: (layout.margin?.t || 0) + LINE_PX * (after - before) };
  for (const a of layout.annotations || []) {
    if (a.name !== "source" || typeof a.text !== "string") continue;
    const old = a.text.split("<br>").length;
    const lines = wrapWords(a.text, perLine(width - 16, a.font?.size || 10));
    a.text = lines.join("<br>");
    layout.margin = { ...layout.margin, b: (layout.margin?.b || 0) + LINE_PX * (lines.length - old) };
  }
  // A several-line x axis title (the matched chart's key): each of its lines wrapped, the caption below it.
  const title = layout.xaxis?.title;
  if (title && typeof title.text === "string" && title.text.includes("<br>")) {
    const old = title.text.split("<br>");
    const lines = old.flatMap((line) => wrapWords(line, perLine(width - 16, title.font?.size || 11)));
    layout.xaxis = { ...layout.xaxis, title: { ...title, text: lines.join("<br>") } };
    lower(layout, LINE_PX * (lines.length - old.length));
  }
}

// Column labels that would be turned on their side (and run into the caption) wrap onto lines instead.
function wrapColumns(layout, data, width) {
  const trace = data[0];
  const axis = layout.xaxis;
  if (!trace || !axis || axis.type !== "category" || axis.ticktext || trace.orientation === "h") return;
  const labels = (trace.x || []).map(String);
  if (!labels.length) return;
  const size = axis.tickfont?.size || layout.font?.size || 12;
  const slot = (width - 70) / labels.length;
  if (!labels.some((l) => textWidth(l, size) > slot - 6)) return;
  const per = Math.max(4, Math.floor((slot - 6) / (size * GLYPH)));
  const wrapped = labels.map((l) => wrapWords(l, per));
  layout.xaxis = { ...axis, tickvals: labels, ticktext: wrapped.map((l) => l.join("<br>")), tickangle: 0 };
  lower(layout, Math.ceil(size * 1.3) * (Math.max(...wrapped.map((l) => l.length)) - 1));
}

// "You are here" on a phone: no arrow and label over the bars (there is no room beside them), the marked
// category's own label says it instead, in bold and in the mark's colour.
function markCategory(layout, data) {
  const annotations = layout.annotations || [];
  const i = annotations.findIndex((a) => a.name === HERE && typeof a.text === "string");
  if (i < 0) return;
  const a = annotations[i];
  const trace = data[0] || {};
  const rows = layout.yaxis?.type === "category" && a.yref === "y" && typeof a.x === "number";
  const key = rows ? "yaxis" : "xaxis";
  const axis = layout[key];
  if (!axis || axis.type !== "category") return;
  const cats = (axis.tickvals || trace[rows ? "y" : "x"] || []).map(String);
  const k = cats.indexOf(String(rows ? a.y : a.x));
  if (k < 0) return;
  const text = (axis.ticktext || cats).map(String);
  const lines = (t) => t.split("<br>").length;
  // Under a column the mark has a line of its own, below every label's lines: wider than its column, it
  // then meets no other label (and the labels stay level, never turned on their side).
  const pad = rows ? 0 : Math.max(...text.map(lines)) - lines(text[k]);
  text[k] = `<b>${text[k]}</b>${"<br> ".repeat(pad)}<br><span style="color:${a.font?.color || "inherit"}"><b>${a.text}</b></span>`;
  layout[key] = { ...axis, tickvals: cats, ticktext: text, ...(rows ? {} : { tickangle: 0 }) };
  annotations.splice(i, 1);
  if (!rows) lower(layout, Math.ceil((axis.tickfont?.size || layout.font?.size || 12) * 1.3));
}

// The category labels of a horizontal chart (the matched chart's specialties) wrapped to 40 % of the width.
function wrapRows(layout, data, width) {
  const trace = data[0];
  const axis = layout.yaxis;
  if (!trace || !axis || axis.type !== "category" || !Array.isArray(trace.y)) return;
  const per = perLine(width * 0.4, axis.tickfont?.size || layout.font?.size || 12);
  const names = (axis.tickvals || trace.y).map(String);
  layout.yaxis = { ...axis, tickvals: names, ticktext: names.map((l) => wrapWords(l, per).join("<br>")) };
}

// Where the plot starts: after the row labels of a horizontal chart, else after the value axis' numbers.
function plotLeft(layout) {
  const axis = layout.yaxis;
  if (axis?.type !== "category" || !axis.ticktext) return 50;
  const size = axis.tickfont?.size || layout.font?.size || 12;
  return 16 + Math.max(...axis.ticktext.flatMap((t) => String(t).replace(/<(?!br>)[^>]*>/g, "").split("<br>"))
    .map((line) => textWidth(line, size)));
}

// Rows of several lines need a taller plot: it grows until each two neighbouring rows' lines fit between
// their ticks (plotly spaces the rows evenly).
function fitRows(layout) {
  const axis = layout.yaxis;
  if (axis?.type !== "category" || !axis.ticktext || !Array.isArray(axis.range)) return;
  const line = (axis.tickfont?.size || layout.font?.size || 12) * 1.3;
  const counts = axis.ticktext.map((t) => String(t).split("<br>").length);
  const pair = Math.max(1, ...counts.slice(1).map((n, i) => (n + counts[i]) / 2));
  const need = Math.abs(axis.range[1] - axis.range[0]) * (line * pair + 6);
  const height = Number(layout.height) || 360;
  const have = height - (layout.margin?.t || 0) - (layout.margin?.b || 0);
  if (need > have) layout.height = Math.ceil(height + need - have);
}

// A label beside a value on the x axis (the matched chart's "You: 248 (±6...)") goes to the side with room.
function keepInside(layout, plotWidth) {
  const range = layout.xaxis?.range;
  if (!Array.isArray(range) || range[1] === range[0]) return;
  for (const a of layout.annotations || []) {
    if (a.xref !== "x" || typeof a.x !== "number" || a.showarrow !== false || typeof a.text !== "string") continue;
    const at = ((a.x - range[0]) / (range[1] - range[0])) * plotWidth;
    const need = textWidth(a.text, a.font?.size || 12) + 8;
    const fits = a.xanchor === "left" ? at + need <= plotWidth : a.xanchor === "right" ? at - need >= 0 : true;
    if (fits) continue;
    if (at + need <= plotWidth) Object.assign(a, { xanchor: "left", xshift: 4 });
    else if (at - need >= 0) Object.assign(a, { xanchor: "right", xshift: -4 });
    else Object.assign(a, { xanchor: "left", xshift: Math.round(Math.max(-at, plotWidth - need - at)) }); // over the line
  }
}

export function narrow(fig, width) {
  if (!width || width >= NARROW || fig.layout?.meta?.min_width) return fig;
  const layout = { ...fig.layout, annotations: (fig.layout.annotations || []).map((a) => ({ ...a })) };
  const data = fig.data || [];
  wrapRows(layout, data, width);
  wrapColumns(layout, data, width);
  markCategory(layout, data);
  const plotWidth = width - plotLeft(layout);
  rewrapText(layout, plotWidth);
  keepInside(layout, plotWidth - 12);
  fitRows(layout);
  return { ...fig, layout };
}

export function chartHeight(layout, k = 1) {
  const h = Number(layout?.height);
  return Math.round((h > 0 ? h : HEIGHT) * k);
}

export function prepare(figure, { k = 1, palette = null, width = 0, print = 0 } = {}) {
  let fig = structuredClone(figure);
  if (k !== 1) fig.layout = scaleFonts(fig.layout || {}, k);
  if (palette) fig = darken(fig, palette);
  if (!print) fig = narrow(fig, width);
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

// One plotly.js per page, fetched early by the stepguide template's <head>.
function loadPlotly(version) {
  if (typeof window.Plotly?.react === "function") return Promise.resolve(window.Plotly);
  if (!window[PROMISE]) {
    const promise = new Promise((resolve, reject) => {
      const early = document.getElementById("stepguide-plotly");
      const script = early && !early.dataset.failed ? early : document.createElement("script");
      script.addEventListener("load", () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("no Plotly"))));
      script.addEventListener("error", () => reject(new Error(`could not load ${script.src}`)));
      if (script === early) return;
      script.src = `${baseUrl()}stepguide/static/plotly.min.js${version ? `?v=${encodeURIComponent(version)}` : ""}`;
      script.async = true;
      document.head.appendChild(script);
    });
    promise.catch(() => window[PROMISE] === promise && delete window[PROMISE]); // retry later
    window[PROMISE] = promise;
  }
  return window[PROMISE];
}

const isDark = () => document.documentElement.getAttribute("data-sg-theme") === "dark";

function views() {
  if (!window[VIEWS]) {
    const set = (window[VIEWS] = new Set());
    new MutationObserver(() => set.forEach((redraw) => redraw())).observe(document.documentElement,
      { attributes: true, attributeFilter: ["data-sg-theme"] });
  }
  return window[VIEWS];
}

const idle = (fn, timeout) => (window.requestIdleCallback || setTimeout)(fn, { timeout });

// Each idle period draws as many waiting charts as fit in it.
function enqueue(job) {
  const q = (window[QUEUE] ||= { jobs: new Set(), asked: false });
  const ask = () => {
    if (!q.asked) idle(run, 300);
    q.asked = true;
  };
  const run = (deadline) => {
    q.asked = false;
    for (const next of q.jobs) {
      q.jobs.delete(next);
      next();
      if (!deadline || (!deadline.didTimeout && deadline.timeRemaining() < 10)) break;
    }
    if (q.jobs.size) ask();
  };
  q.jobs.add(job);
  ask();
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
  return { model, el, box, plot, tools, buttons, Plotly: null, alive: true, wanted: false, broken: false, k: 0,
    drawn: null, printing: 0, renders: 0, wide: false, narrowAt: false, drawnWidth: 0 };
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

// A figure that needs more width than the box has (a flow diagram: meta.min_width) keeps its width and
// the box scrolls sideways (and takes focus, so the keyboard scrolls it too), rather than boxes overlapping.
function fitWidth(view) {
  const { box, plot } = view;
  const need = Number(figureOf(view).layout?.meta?.min_width) || 0;
  const wide = !view.printing && need > 0 && box.clientWidth > 0 && need > box.clientWidth;
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
  view.drawnWidth = plot.offsetWidth;
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
    if (!view.wanted) return want(view);
    const wasNarrow = view.narrowAt;
    const nowNarrow = plot.offsetWidth < NARROW;
    const need = Number(figureOf(view).layout?.meta?.min_width) || 0;
    if ((need && (need > box.clientWidth) !== !!view.wide) || wasNarrow !== nowNarrow || (nowNarrow
        && Math.abs(plot.offsetWidth - view.drawnWidth) > 24)) return draw(view); // laid out for another width
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
  registry.add(redraw);
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
    registry.delete(redraw);
    stop();
    on.forEach(([type, fn]) => model.off(type, fn));
    page.abort();
    if (view.Plotly) view.Plotly.purge(view.plot);
  };
}

function initialize({ model }) {
  loadPlotly(model.get("_plotly_version")).then((lib) => idle(() => warmUp(lib, model.get("figure")), 1000)).catch(() => {});
}

export default { initialize, render };
