"""Ports for the servers the tests start (API, Temporal dev server, mail sink, …).

A port chosen by binding port 0 lies in the kernel's ephemeral range (32768–60999 on Linux), which
every outgoing connection and every server's own bind(0) also draws from: between choosing such a
port and the server's bind, something else on the machine may take it. Ports here come from below
that range, and each pytest-xdist worker draws from a block of its own (`make test` runs two), so
two test processes never choose the same one; a port something else holds is skipped.
"""

from __future__ import annotations

import itertools
import os
import socket
import threading

FIRST, BLOCK, BLOCKS = 10_000, 5_000, 4  # 10000–29999: four blocks, below the ephemeral range
# Chromium refuses to load a page from its restricted ports (net::ERR_UNSAFE_PORT); of them only
# 10080 lies in these blocks. A browser test once drew it.
BROWSER_REFUSED = frozenset({10080})

_lock = threading.Lock()
_offsets = itertools.count()


def _block() -> int:
    """This test process's block: pytest-xdist names its workers gw0, gw1, …; a serial run is gw0."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else 0
    return FIRST + (index % BLOCKS) * BLOCK


def free_port() -> int:
    """A port of this process's block that nothing listens on or holds now."""
    start = _block()
    with _lock:
        for _ in range(BLOCK):
            port = start + next(_offsets) % BLOCK
            if port in BROWSER_REFUSED:
                continue
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue  # held (another program, or a server of an earlier test still closing)
            return port
    raise RuntimeError(f"kein freier Port in {start}–{start + BLOCK - 1}")
