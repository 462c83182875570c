"""The server's log keeps what someone running the guide can act on (issue 18): voila.json's filter drops the lines
every page visit adds for nothing, and only those."""
from __future__ import annotations

import logging

from stepguide.serve.hooks import QuietLogFilter
from testing.voila import load_voila_config


def _record(name: str, level: int, msg: object, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_the_filter_drops_the_per_page_lines_and_keeps_every_other() -> None:
    quiet = QuietLogFilter()
    dropped = [_record("Voila", logging.WARNING, "Notebook %s is not trusted", "dashboard.ipynb"),
               _record("Voila", logging.INFO, "Adapting from protocol version 5.3 (kernel k) to 5.4 (client)."),
               _record("tornado.general", logging.WARNING, "The websocket_ping_timeout (90000) cannot be longer than "
                       "the websocket_ping_interval (30000).\nSetting websocket_ping_timeout=30000")]
    kept = [_record("Voila", logging.WARNING, "Notebook %s is not valid", "dashboard.ipynb"),
            _record("Voila", logging.ERROR, "Uncaught exception GET /voila/render/dashboard.ipynb"),
            _record("Voila", logging.INFO, "Kernel started: %s", "k"),
            _record("Voila", logging.ERROR, ValueError("a message that is not a string"))]
    assert [quiet.filter(r) for r in dropped] == [False] * len(dropped)
    assert [quiet.filter(r) for r in kept] == [True] * len(kept)


def test_voila_json_puts_the_filter_on_the_console_and_on_tornado() -> None:
    logs = load_voila_config()["Voila"]["logging_config"]
    [(name, spec)] = logs["filters"].items()
    assert spec == {"()": "stepguide.serve.hooks.QuietLogFilter"}
    assert logs["handlers"]["console"]["filters"] == [name]
    assert logs["loggers"]["tornado.general"]["filters"] == [name]
