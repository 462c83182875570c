// Front end of stepguide.ui.plotly_view.PlotlyView.
// plotly.js comes from a static, cacheable URL (loaded once per page), never
// over the kernel websocket; updates go through Plotly.react.
//
// On top of drawing the figure spec as given (Python specs know no theme):
// * dark theme: when <html data-sg-theme="dark"> (stepguide.ui.theme), the light
//   palette is swapped for a dark one at draw time, and every chart redraws
//   when the attribute flips;
// * first paint: a chart draws when it nears the viewport or the page is idle,
//   whichever comes first (a hidden one when it is shown); its box keeps the
//   chart's height meanwhile, so nothing jumps;
// * keep: "PNG" and "SVG" buttons save the chart (light colours, for paper);
//   a chart whose element sets the CSS variable --sg-print: 1 is printed: on
//   "beforeprint" it redraws in light colours at (at most) a sheet's width;
// * --sg-chart-scale (CSS variable, e.g. 1.6 in presenter mode) scales fonts
//   and height for a projector;
// * cheap redraws: every part of a new figure equal to the one drawn last keeps
//   that one's object, so Plotly.react (which compares arrays, `meta` and
//   `template` by identity) redraws only what really changed.

const DEFAULT_HEIGHT = 360;
const PROMISE_KEY = "__stepguidePlotlyPromise";
const VIEWS_KEY = "__stepguidePlotlyViews";
// No mode bar by default: its buttons cannot live inside role="img", and
// "Share chart" would upload data to Plotly Cloud.
const DEFAULT_CONFIG = {
  responsive: true,
  displaylogo: false,
  displayModeBar: false,
  showSendToCloud: false,
  showLink: false,
};

// Light colours used by stepguide.charts -> their dark-theme counterparts (contrast >= 4.5:1 for
// text and >= 3:1 for marks against the dark paper). Anything else is left as it is.
const DARK = {
  "#ffffff": "#1d232a", "#222222": "#eceff2", "#666666": "#b9c1ca",
  "#e6e6e6": "#3b444e", "#999999": "#8a949e", "#c4c4c4": "#5d6670",
  "#f5f5f5": "#262d35", "#fbe3d6": "#4a2a17",
  "#0072b2": "#56b4e9", "#d55e00": "#ff9f5a", "#009e73": "#3fd1a6", "#e69f00": "#f5c04a",
  "rgba(255,255,255,0.85)": "rgba(29,35,42,0.88)", "rgba(255,255,255,0.9)": "rgba(29,35,42,0.9)",
};

function baseUrl() {
  const node = document.getElementById("jupyter-config-data");
  if (node) {
    try {
      const url = JSON.parse(node.textContent || "{}").baseUrl;
      if (url) return url.endsWith("/") ? url : `${url}/`;
    } catch (_) {
      /* fall through to "/" */
    }
  }
  return "/";
}

function loadPlotly(version) {
  if (window.Plotly && typeof window.Plotly.react === "function") {
    return Promise.resolve(window.Plotly);
  }
  if (!window[PROMISE_KEY]) {
    const promise = new Promise((resolve, reject) => {
      // The stepguide Voila template already started fetching it from the page head.
      const early = document.getElementById("stepguide-plotly");
      if (early && !early.dataset.failed) {
        early.addEventListener("load", () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("no Plotly"))));
        early.addEventListener("error", () => reject(new Error(`could not load ${early.src}`)));
        return;
      }
      const script = document.createElement("script");
      const query = version ? `?v=${encodeURIComponent(version)}` : "";
      script.src = `${baseUrl()}stepguide/static/plotly.min.js${query}`;
      script.async = true;
      script.onload = () =>
        window.Plotly
          ? resolve(window.Plotly)
          : reject(new Error("plotly.min.js loaded but defined no Plotly"));
      script.onerror = () => reject(new Error(`could not load ${script.src}`));
      document.head.appendChild(script);
    });
    // Forget a failed load so a later render can retry.
    promise.catch(() => {
      if (window[PROMISE_KEY] === promise) delete window[PROMISE_KEY];
    });
    window[PROMISE_KEY] = promise;
  }
  return window[PROMISE_KEY];
}

function titleText(layout) {
  const title = layout && layout.title;
  const text = typeof title === "string" ? title : title && title.text;
  return text ? String(text).replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim() : "";
}

function isDark() {
  return document.documentElement.getAttribute("data-sg-theme") === "dark";
}

// Every live view registers a redraw callback; one observer re-themes them all.
function views() {
  if (!window[VIEWS_KEY]) {
    const set = new Set();
    window[VIEWS_KEY] = set;
    new MutationObserver(() => set.forEach((redraw) => redraw())).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["data-sg-theme"],
    });
  }
  return window[VIEWS_KEY];
}

function recolour(value) {
  if (typeof value === "string") {
    const swap = DARK[value.trim().toLowerCase()];
    return swap === undefined ? value : swap;
  }
  if (Array.isArray(value)) return value.map(recolour);
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === "meta" ? v : recolour(v);
    return out;
  }
  return value;
}

function darken(fig) {
  const layout = recolour(fig.layout || {});
  layout.paper_bgcolor = DARK["#ffffff"];
  layout.plot_bgcolor = DARK["#ffffff"];
  layout.font = { ...(layout.font || {}), color: (layout.font && layout.font.color) || "#eceff2" };
  for (const key of Object.keys(layout)) {
    if (/^[xy]axis\d*$/.test(key) && layout[key] && typeof layout[key] === "object") {
      const axis = layout[key];
      axis.gridcolor = axis.gridcolor || "#3b444e";
      axis.linecolor = axis.linecolor || "#8a949e";
      axis.zerolinecolor = axis.zerolinecolor || "#8a949e";
    }
  }
  return { ...fig, data: recolour(fig.data || []), layout };
}

function scaleFonts(value, k) {
  if (Array.isArray(value)) return value.map((v) => scaleFonts(v, k));
  if (value && typeof value === "object") {
    const out = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === "meta") out[key] = v;
      else if (key === "size" && typeof v === "number") out[key] = v * k;
      else out[key] = scaleFonts(v, k);
    }
    return out;
  }
  return value;
}

const idle = (fn, timeout) => (window.requestIdleCallback || setTimeout)(fn, { timeout });

// Charts waiting for an idle moment: each idle period draws as many as fit in it.
const QUEUE_KEY = "__stepguidePlotlyQueue";
function enqueue(job) {
  const q = window[QUEUE_KEY] || (window[QUEUE_KEY] = { jobs: new Set(), asked: false });
  q.jobs.add(job);
  if (q.asked) return;
  q.asked = true;
  const run = (deadline) => {
    q.asked = false;
    for (const next of q.jobs) {
      q.jobs.delete(next);
      next();
      if (!deadline || (!deadline.didTimeout && deadline.timeRemaining() < 10)) break;
    }
    if (q.jobs.size && !q.asked) {
      q.asked = true;
      idle(run, 300);
    }
  };
  idle(run, 300);
}

// Plotly's first chart on a page pays for its style sheet and text measuring: pay it while the
// kernel connects, in a throwaway plot drawn and removed in one task (never seen on screen).
function warmUp(Plotly) {
  if (window.__stepguidePlotlyWarm) return;
  window.__stepguidePlotlyWarm = true;
  const div = document.createElement("div");
  div.style.cssText = "position:absolute;left:-9999px;top:0;width:300px;height:200px";
  document.body.appendChild(div);
  const done = () => {
    Plotly.purge(div);
    div.remove();
  };
  // newPlot may finish asynchronously (e.g. when the page is busy): purge only once it has, or plotly's
  // pending redraw finds no layout and throws.
  let drawn;
  try {
    drawn = Plotly.newPlot(div, [{ type: "bar", x: ["a"], y: [1], text: ["1"] }], { width: 300, height: 200,
      font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" },
      annotations: [{ text: "a", x: 0, y: 1 }] }, { staticPlot: true });
  } catch (_) {
    /* a warm-up only */
  }
  Promise.resolve(drawn).catch(() => {}).then(done);
}

// `next` with every part deep-equal to `prev`'s counterpart replaced by that (already drawn) object.
// Plotly.react treats a new array as new data (a full replot) and a figure off the websocket is all new.
function share(next, prev) {
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

// A new `meta` object alone makes Plotly replot everything, though meta shows on a chart only through
// a %{meta} text template. Without one, the meta object drawn last is refilled in place: Plotly sees no
// change, and _fullLayout.meta (what the page and the tests read) is current.
const isObject = (v) => !!v && typeof v === "object" && !Array.isArray(v);
function refill(fresh, old) {
  if (!isObject(fresh) || !isObject(old) || fresh === old) return fresh;
  for (const k of Object.keys(old)) delete old[k];
  return Object.assign(old, fresh);
}
function keepMeta(next, prev) {
  if (JSON.stringify(next).includes("%{meta")) return next;
  const layout = isObject(next.layout.meta) ? { ...next.layout, meta: refill(next.layout.meta, prev.layout.meta) } : next.layout;
  const data = next.data.map((trace, i) => {
    const old = prev.data[i];
    return isObject(trace) && isObject(old) && isObject(trace.meta) ? { ...trace, meta: refill(trace.meta, old.meta) } : trace;
  });
  return { data, layout };
}

const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "chart";

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "stepguide-plotly-view";
  box.style.width = "100%";
  const plot = document.createElement("div");
  plot.className = "stepguide-plotly-view-plot";
  plot.style.width = "100%";
  box.appendChild(plot);
  el.appendChild(box);

  const tools = document.createElement("div");
  tools.className = "sg-chart-tools";
  const buttons = ["png", "svg"].map((format) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "sg-button sg-button-quiet";
    b.textContent = format.toUpperCase();
    b.dataset.format = format;
    tools.appendChild(b);
    return b;
  });
  let Plotly = null;
  let alive = true;
  let renders = 0;
  let broken = false; // plotly.js could not load: the box says so and stays as it is
  let wanted = false; // near the viewport or the page went idle: draw (and keep drawing on changes)
  let drawn = null; // the {data, layout} last given to Plotly.react, shared into the next one

  const figure = () => model.get("figure") || {};
  const name = () => model.get("label") || titleText(figure().layout) || "Chart";
  // Read once, when the chart first draws (not while the page mounts: getComputedStyle forces a style pass).
  let k = 0;
  const scale = () => {
    if (!k && wanted) k = parseFloat(getComputedStyle(el).getPropertyValue("--sg-chart-scale")) || 1;
    return k || 1;
  };
  const height = () => {
    const h = Number((figure().layout || {}).height);
    return Math.round((h > 0 ? h : DEFAULT_HEIGHT) * scale());
  };
  const setName = () => {
    const text = name();
    if (!box.hasAttribute("role")) box.setAttribute("role", "img");
    box.setAttribute("aria-label", text);
    buttons.forEach((b) => b.setAttribute("aria-label", `Download "${text}" as ${b.textContent}`));
  };
  const sizeBox = () => {
    box.style.minHeight = `${height()}px`;
    plot.style.height = `${height()}px`;
  };
  const showTools = () => {
    if (model.get("downloads") !== false) el.appendChild(tools);
    else tools.remove();
  };

  // The figure as drawn on screen: theme and scale applied, the model's copy left pristine.
  const prepared = (dark) => {
    let fig = structuredClone(figure());
    const k = scale();
    if (k !== 1) fig = { ...fig, layout: scaleFonts(fig.layout || {}, k) };
    if (dark) fig = darken(fig);
    const layout = fig.layout || {};
    // A title longer than a phone-wide chart wraps onto more lines, and the top margin grows to fit them.
    const t = layout.title;
    const w = printing || plot.offsetWidth;
    if (t && typeof t.text === "string" && !t.text.includes("<br>") && w) {
      const size = (t.font && t.font.size) || 14;
      const per = Math.max(12, Math.floor((w - 24) / (size * 0.56)));
      const lines = [];
      for (const word of t.text.split(" ")) {
        if (lines.length && (lines[lines.length - 1] + " " + word).length <= per) lines[lines.length - 1] += " " + word;
        else lines.push(word);
      }
      if (lines.length > 1) {
        layout.title = { ...t, text: lines.join("<br>"), pad: { ...(t.pad || {}), t: ((t.pad && t.pad.t) || 0) + 8 } };
        layout.margin = { ...(layout.margin || {}) };
        layout.margin.t = (layout.margin.t || 80) + Math.ceil((lines.length - 1) * size * 1.25);
      }
    }
    delete layout.width;
    layout.autosize = !printing;
    if (printing) layout.width = printing;
    layout.height = height();
    return { data: fig.data || [], layout };
  };

  let printing = 0; // while printing: the width to draw at, at most a sheet's
  const printed = () => getComputedStyle(el).getPropertyValue("--sg-print").trim() === "1";
  const beforePrint = () => {
    if (!Plotly || !printed()) return;
    printing = Math.min(plot.offsetWidth || 680, 680);
    wanted = true;
    draw();
  };
  const afterPrint = () => {
    if (!printing) return;
    printing = 0;
    draw();
  };
  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);

  const draw = () => {
    if (broken) return;
    setName();
    sizeBox();
    if (!Plotly || !alive || !wanted) return;
    const next = prepared(isDark() && !printing);
    drawn = drawn ? share(keepMeta(next, drawn), drawn) : next; // one pass: meta refilled, then shared
    const { data, layout } = drawn;
    const config = {
      ...DEFAULT_CONFIG,
      ...(figure().config || {}),
      ...(model.get("config") || {}),
    };
    // role="img" hides its descendants from assistive tech, so it is only
    // right while the chart holds no controls; with a mode bar (real
    // buttons) the container becomes a labelled figure instead.
    box.setAttribute("role", config.displayModeBar === false || config.staticPlot ? "img" : "figure");
    Plotly.react(plot, data, layout, config)
      .then(() => {
        renders += 1;
        box.dataset.renders = String(renders);
        box.dataset.theme = isDark() && !printing ? "dark" : "light";
      })
      .catch((err) => console.error("PlotlyView: bad figure", err));
  };

  // Save the chart as the page shows it, but in light colours (for paper and slides).
  const download = (format) => {
    if (!Plotly) return;
    const fig = prepared(false);
    const width = Math.max(480, Math.round(plot.getBoundingClientRect().width) || 800);
    fig.layout.width = width;
    fig.layout.autosize = false;
    Plotly.toImage(fig, { format, width, height: fig.layout.height, scale: format === "png" ? 2 : 1 })
      .then((url) => {
        const a = document.createElement("a");
        a.href = url;
        a.download = `${slug(name())}.${format}`;
        a.style.display = "none";
        document.body.appendChild(a);
        a.click();
        a.remove();
      })
      .catch((err) => console.error("PlotlyView: save", err));
  };
  buttons.forEach((b) => b.addEventListener("click", () => download(b.dataset.format)));

  const want = () => {
    // A hidden chart (display: none) waits until it is shown: the resize observer calls back.
    if (wanted || !alive || !box.getClientRects().length) return;
    wanted = true;
    draw();
  };
  // Near the viewport: draw now. Otherwise when the browser is idle.
  const seen = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) want();
  }, { rootMargin: "300px 0px" });
  seen.observe(box);
  enqueue(want);

  // Widgets are often rendered detached or hidden (tabs, accordions); plotly
  // only follows window resizes, so follow the container too.
  let frame = 0;
  const observer = new ResizeObserver((entries) => {
    if (!Plotly || !entries.some((e) => e.contentRect.width > 0)) return;
    if (!wanted) return want();
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (alive && plot.offsetParent !== null && plot.data) {
        Promise.resolve(Plotly.Plots.resize(plot)).catch(() => {});
      }
    });
  });
  observer.observe(box);

  const onLabel = () => setName();
  const registry = views();
  registry.add(draw);
  showTools();
  model.on("change:figure", draw);
  model.on("change:config", draw);
  model.on("change:downloads", showTools);
  model.on("change:label", onLabel);
  draw();

  loadPlotly(model.get("_plotly_version"))
    .then((lib) => {
      Plotly = lib;
      draw();
    })
    .catch((err) => {
      if (!alive) return;
      broken = true;
      console.error("stepguide PlotlyView:", err);
      const text = box.getAttribute("aria-label") || "Chart";
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      box.style.minHeight = "";
      box.textContent = `${text}: chart could not be displayed (plotting library failed to load).`;
      tools.remove();
    });

  return () => {
    alive = false;
    registry.delete(draw);
    seen.disconnect();
    observer.disconnect();
    cancelAnimationFrame(frame);
    window.removeEventListener("beforeprint", beforePrint);
    window.removeEventListener("afterprint", afterPrint);
    model.off("change:figure", draw);
    model.off("change:config", draw);
    model.off("change:downloads", showTools);
    model.off("change:label", onLabel);
    if (Plotly) Plotly.purge(plot);
  };
}

// Start fetching plotly.js as soon as the first chart model exists, before any view renders.
function initialize({ model }) {
  loadPlotly(model.get("_plotly_version")).then((lib) => idle(() => warmUp(lib), 1000)).catch(() => {});
}

export default { initialize, render };
