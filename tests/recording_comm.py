"""A comm that keeps what a widget would send to the page, for tests that count messages.

``comm.create_comm`` is the documented hook for replacing the comm a widget opens.
"""
from __future__ import annotations

from typing import Any

from comm.base_comm import BaseComm


class RecordingComm(BaseComm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.sent: list[dict[str, Any]] = []
        super().__init__(*args, **kwargs)

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None, buffers: Any = None,
                    **keys: Any) -> None:
        if msg_type == "comm_msg":
            self.sent.append(data)
