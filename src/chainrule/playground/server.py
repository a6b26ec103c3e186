"""Run the playground: ``serve(host, port, open_browser)``, ``main(argv)`` for ``chainrule playground``, and
``ServerThread`` (a server on a free port in a background thread, for tests and notebooks)."""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Sequence
from typing import Any

import uvicorn
import uvicorn.config

from chainrule.argtypes import port as port_number
from chainrule.playground.app import create_app
from chainrule.playground.protocol import MAX_MESSAGE_BYTES


def _config(host: str, port: int, app: Any | None = None, **app_options: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app if app is not None else create_app(**app_options),
        host=host,
        port=port,
        log_level="warning",
        ws="websockets-sansio" if "websockets-sansio" in uvicorn.config.WS_PROTOCOLS else "websockets",
        ws_max_size=MAX_MESSAGE_BYTES + 1024,  # a larger frame closes the socket before any parsing
        ws_ping_interval=20.0,
        lifespan="on",
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; OSError (port taken, not an address of this machine) at once."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def serve(host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True,
          allowed_hosts: Sequence[str] = ()) -> None:
    """Serve the playground at http://host:port/ until Ctrl-C; opens a browser tab unless told not to.

    Raises OSError before serving when host:port cannot be bound (taken, or not an address of this machine).
    """
    sock = bind(host, port)
    port = sock.getsockname()[1]
    server = uvicorn.Server(_config(host, port, allowed_hosts=(host, *allowed_hosts)))
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    print(f"chainrule playground: {url}  (Ctrl-C to stop)", flush=True)
    if open_browser:

        def open_when_started() -> None:
            for _ in range(100):
                if server.started:
                    webbrowser.open(url)
                    return
                time.sleep(0.05)

        threading.Thread(target=open_when_started, daemon=True).start()
    server.run(sockets=[sock])


def main(argv: Sequence[str] | None = None) -> int:
    """``chainrule playground [--host 127.0.0.1] [--port 8000] [--no-browser]``; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="chainrule playground", description="Train a network in the browser."
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine)"
    )
    parser.add_argument("--port", type=port_number, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="a host name the page may be reached by besides localhost and IP addresses "
                             "(requests naming any other Host are refused: DNS rebinding); may be repeated")
    args = parser.parse_args(argv)
    try:
        serve(args.host, args.port, open_browser=not args.no_browser, allowed_hosts=args.allow_host)
    except OSError as error:
        print(f"chainrule playground: cannot listen on {args.host}:{args.port}: {error.strerror or error}",
              file=sys.stderr)
        return 1
    return 0


class ServerThread:
    """A playground server on ``host`` and a free port, in a daemon thread; use as a context manager.

    >>> with ServerThread() as server:  # doctest: +SKIP
    ...     print(server.url)
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **app_options: Any) -> None:
        self.app = create_app(**app_options)
        config = _config(host, port, app=self.app)
        self.server = uvicorn.Server(config)
        self.server.config.install_signal_handlers = False  # uvicorn may only set signals in the main thread
        self.thread = threading.Thread(target=self.server.run, name="chainrule-playground", daemon=True)
        self.host = host
        self.port = port

    def start(self, timeout: float = 10.0) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the playground server did not start")
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def __enter__(self):  # -> Self
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
