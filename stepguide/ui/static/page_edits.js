// Front end of stepguide.ui.widgets.PageEdits: applies the edits the kernel sends for the page's HTML views
// (ipywidgets' own HTML models) in the order sent; a value that comes out the wrong length is asked for whole.

function initialize({ model }) {
  let queue = Promise.resolve();
  const apply = async ({ target, value, ops, size }) => {
    const view = await model.widget_manager.get_model(target);
    if (value !== undefined) return view.set("value", value);
    const next = applyEdits(view.get("value"), ops);
    if (next.length === size) view.set("value", next);
    else model.send({ resend: target });
  };
  model.on("msg:custom", (msg) => {
    for (const edit of (msg && msg.edits) || []) {
      queue = queue.then(() => apply(edit)).catch(() => model.send({ resend: edit.target }));
    }
  });
}

export default { initialize };
