"""Say plainly when the page has lost its kernel (culled, crashed, stopped, network or server gone).

Without this a dead kernel looks like a broken page: ipywidgets marks every
widget with a broken-link icon, a slider still moves and the verdict stays
stale. :class:`ConnectionBanner` watches the kernel connection in the page
and, when it is lost, greys the results, makes the inputs inert and offers
"Reload with my inputs" (the inputs are in the URL fragment,
:mod:`stepguide.ui.url_state`). The icons are hidden by ``dashboard.css``.

Two faults do not show as a lost connection (issue 19, items 8 and 10):

* a kernel that hangs (stopped, or stuck) keeps its websocket open. The page
  asks it every second for its ``kernel_info`` on the control channel (ipykernel
  answers there even while a callback runs); with no answer within
  ``answer_within`` seconds the banner says the guide is not answering, and it
  clears when the answer comes;
* a server that is gone for good: jupyterlab's connection retries quietly.
  While the connection is lost the page asks the server for its kernel every
  second or so: a server that answers that the kernel is gone, or does not
  answer for ``give_up_after`` seconds, makes the banner say it is not coming
  back, with "Reload with my inputs". If it does come back, the banner clears.

Every sentence comes from ``data/wording.csv`` (``words``).
"""
from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from stepguide.rules.words import say
from stepguide.ui.front_ends import esm

__all__ = ["ConnectionBanner"]

#: The banner's sentences (``data/wording.csv`` ids), by the situation the front end names.
WORDS = {"lost": "connection_lost", "reconnecting": "connection_reconnecting",
         "not_answering": "connection_not_answering", "not_coming_back": "connection_not_coming_back",
         "reload": "connection_reload"}


class ConnectionBanner(anywidget.AnyWidget):
    """A hidden banner (``role="alert"``) that appears when the page's kernel connection is lost or stops answering.

    ``answer_within`` and ``give_up_after`` (seconds) only change what the page says and when: the
    kernel does nothing with them.
    """

    _esm = esm("connection.js")
    words = traitlets.Dict().tag(sync=True)
    answer_within = traitlets.Float(3.0).tag(sync=True)
    give_up_after = traitlets.Float(6.0).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(words={key: say(wid) for key, wid in WORDS.items()}, **kwargs)
