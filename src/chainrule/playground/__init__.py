"""The browser playground: train a small network and watch it learn; step through backpropagation.

``chainrule playground`` calls ``main(argv)``; ``serve(host, port, open_browser)`` runs the server. Starlette and
uvicorn (``pip install "chainrule[playground]"``) are imported only when a server is started, so importing
chainrule never needs them.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["main", "serve"]

_MISSING = (
    "the playground needs its extras: pip install 'chainrule[playground]' (starlette, uvicorn, websockets)"
)


def _server():
    try:
        from chainrule.playground import server
    except ImportError as error:
        raise ImportError(f"{_MISSING} ({error})") from error
    return server


def serve(host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True) -> None:
    """Serve the playground at http://host:port/ until interrupted."""
    _server().serve(host, port, open_browser)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``chainrule playground [--host H] [--port P] [--no-browser]``; returns an exit code."""
    try:
        server = _server()
    except ImportError as error:
        import sys

        print(f"chainrule playground: {error}", file=sys.stderr)
        return 1
    return server.main(argv)
