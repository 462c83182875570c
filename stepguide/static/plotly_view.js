// Front end of stepguide.plotly_view.PlotlyView.
// plotly.js comes from a static, cacheable URL (loaded once per page), never
// over the kernel websocket; updates go through Plotly.react.

const DEFAULT_HEIGHT = 360;
const PROMISE_KEY = "__stepguidePlotlyPromise";
// No mode bar by default: its buttons cannot live inside role="img", and
// "Share chart" would upload data to Plotly Cloud.
const DEFAULT_CONFIG = {
  responsive: true,
  displaylogo: false,
  displayModeBar: false,
  showSendToCloud: false,
  showLink: false,
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

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "stepguide-plotly-view";
  box.style.width = "100%";
  const plot = document.createElement("div");
  plot.className = "stepguide-plotly-view-plot";
  plot.style.width = "100%";
  box.appendChild(plot);
  el.appendChild(box);

  let Plotly = null;
  let alive = true;
  let renders = 0;

  const figure = () => model.get("figure") || {};
  const height = () => {
    const h = Number((figure().layout || {}).height);
    return h > 0 ? h : DEFAULT_HEIGHT;
  };
  const setName = () => {
    const name = model.get("label") || titleText(figure().layout) || "Chart";
    if (!box.hasAttribute("role")) box.setAttribute("role", "img");
    box.setAttribute("aria-label", name);
  };
  const sizeBox = () => {
    box.style.minHeight = `${height()}px`;
    plot.style.height = `${height()}px`;
  };

  const draw = () => {
    setName();
    sizeBox();
    if (!Plotly || !alive) return;
    // Plotly mutates what it is given; keep the model's copy pristine.
    const fig = structuredClone(figure());
    const layout = fig.layout || {};
    delete layout.width;
    layout.autosize = true;
    layout.height = height();
    const config = {
      ...DEFAULT_CONFIG,
      ...(fig.config || {}),
      ...(model.get("config") || {}),
    };
    // role="img" hides its descendants from assistive tech, so it is only
    // right while the chart holds no controls; with a mode bar (real
    // buttons) the container becomes a labelled figure instead.
    box.setAttribute("role", config.displayModeBar === false || config.staticPlot ? "img" : "figure");
    Plotly.react(plot, fig.data || [], layout, config)
      .then(() => {
        renders += 1;
        box.dataset.renders = String(renders);
      })
      .catch((err) => console.error("stepguide PlotlyView: bad figure", err));
  };

  // Widgets are often rendered detached or hidden (tabs, accordions); plotly
  // only follows window resizes, so follow the container too.
  let frame = 0;
  const observer = new ResizeObserver((entries) => {
    if (!Plotly || !entries.some((e) => e.contentRect.width > 0)) return;
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (alive && plot.offsetParent !== null && plot.data) {
        Promise.resolve(Plotly.Plots.resize(plot)).catch(() => {});
      }
    });
  });
  observer.observe(box);

  const onLabel = () => setName();
  model.on("change:figure", draw);
  model.on("change:config", draw);
  model.on("change:label", onLabel);
  draw();

  loadPlotly(model.get("_plotly_version"))
    .then((lib) => {
      Plotly = lib;
      draw();
    })
    .catch((err) => {
      if (!alive) return;
      console.error("stepguide PlotlyView:", err);
      const name = box.getAttribute("aria-label") || "Chart";
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      box.style.minHeight = "";
      box.textContent = `${name}: chart could not be displayed (plotting library failed to load).`;
    });

  return () => {
    alive = false;
    observer.disconnect();
    cancelAnimationFrame(frame);
    model.off("change:figure", draw);
    model.off("change:config", draw);
    model.off("change:label", onLabel);
    if (Plotly) Plotly.purge(plot);
  };
}

// Start fetching plotly.js as soon as the first chart model exists, before any view renders.
function initialize({ model }) {
  loadPlotly(model.get("_plotly_version")).catch(() => {});
}

export default { initialize, render };
