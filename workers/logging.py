"""structlog, configured once per process: JSON via orjson in production, readable in a terminal."""

from __future__ import annotations

import logging
import sys
from typing import Any

import orjson
import structlog


def _dumps(obj: Any, default: Any = None) -> str:
    return orjson.dumps(obj, default=default or str).decode()


class _StderrLogger:
    """Writes to whatever `sys.stderr` is at the time of writing, not at configuration time.

    Test runners and CLI harnesses swap and close `sys.stderr`; a logger holding the old stream
    would fail every later log call with "I/O operation on closed file".
    """

    def msg(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log = debug = info = warning = warn = error = critical = exception = fatal = msg


def _stderr_logger(*_args: Any) -> _StderrLogger:
    return _StderrLogger()


def configure_logging(fmt: str = "auto", level: str = "info") -> None:
    console = fmt == "console" or (fmt == "auto" and sys.stderr.isatty())
    renderer: Any = structlog.dev.ConsoleRenderer() if console else structlog.processors.JSONRenderer(serializer=_dumps)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level.upper())),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=getattr(logging, level.upper()), stream=sys.stderr,
                        format="%(levelname)s %(name)s %(message)s")
    # aiosmtpd logs every SMTP command at INFO; the sink logs each stored mail itself.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
