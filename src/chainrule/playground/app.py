"""The ASGI app: the page and its assets, the backprop API (view 2) and one training WebSocket per tab (view 1).

A tab's socket owns one ``Session``; its messages are handled in order, at most MAX_PENDING waiting (more are
dropped with an error reply, so a flood is not queued). Training runs in a worker thread in time-boxed slices
(``frame_seconds`` of training, then one frame), so the event loop keeps reading messages; a bad message gets
an ``error`` reply and changes nothing. A new training frame goes out only after the page says it drew the last one (``drawn``), so a
slow page is never flooded. Sessions that hear nothing for ``idle_seconds`` are freed.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from chainrule.playground import backprop, datasets, protocol
from chainrule.playground.session import Registry, Session

STATIC = Path(__file__).parent / "static"
MAX_API_BODY = 8_000  # bytes of a backprop request
MAX_BUSY = 4  # backprop requests traced at once; more are answered 503 at once instead of queueing
MAX_PENDING = 8  # a tab's socket messages waiting to be handled; more are dropped with an error reply
# The page loads only its own files: no CDN, no inline script.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}
log = logging.getLogger("chainrule.playground")


class Connection:
    """One tab: its socket, its session, and the task that trains while ``session.running``."""

    def __init__(self, ws: WebSocket, sid: int, session: Session, registry: Registry, frame_seconds: float):
        self.ws, self.sid, self.session, self.registry = ws, sid, session, registry
        self.frame_seconds = frame_seconds
        self.send_lock = asyncio.Lock()
        self.wake = asyncio.Event()
        self.drawn = asyncio.Event()  # the page has drawn the last training frame: it may have the next
        self.drawn.set()
        self.pending_batches, self.pending_seconds = 0, 0.0  # training since the last frame, for its timing
        self.pending: asyncio.Queue = asyncio.Queue(MAX_PENDING)  # messages read, not yet handled
        self.closed = False

    async def send(self, message: dict[str, Any] | str) -> None:
        text = message if isinstance(message, str) else json.dumps(message, allow_nan=False)
        async with self.send_lock:
            if not self.closed:
                await self.ws.send_text(text)

    async def error(self, message: str, field: str | None = None, position: int | None = None) -> None:
        await self.send({"type": "error", "message": message, "field": field, "position": position})

    def _train(self, seconds: float) -> None:
        """One training slice (in a worker thread), counted toward the next frame's timing."""
        start = time.perf_counter()
        self.pending_batches += self.session.train_for(seconds)
        self.pending_seconds += time.perf_counter() - start

    def _update(self, seconds: float) -> tuple[str, bool]:
        """Train the rest of the time box, encode a frame (in a worker thread); returns (JSON, diverged).

        The frame's ``timing`` is the server's work for this update: all training since the last frame, and
        building plus encoding the frame.
        """
        self._train(seconds)
        start = time.perf_counter()
        frame = self.session.frame()
        text = json.dumps(frame, allow_nan=False)
        frame_ms = (time.perf_counter() - start) * 1000
        train_ms = self.pending_seconds * 1000
        timing = {
            "train_ms": round(train_ms, 2),
            "frame_ms": round(frame_ms, 2),
            "update_ms": round(train_ms + frame_ms, 2),
            "batches": self.pending_batches,
        }
        self.pending_batches, self.pending_seconds = 0, 0.0
        return text[:-1] + ', "timing": ' + json.dumps(timing) + "}", frame["diverged"]

    async def _frame(self) -> None:
        await self.send(await asyncio.to_thread(self.session.frame))

    async def trainer(self) -> None:
        """While the session runs: train, and send a frame each time box once the page drew the last one."""
        last_sent = time.perf_counter()
        while True:
            await self.wake.wait()
            if not self.session.running:
                self.wake.clear()
                continue
            try:
                if not self.drawn.is_set():  # the page is still drawing: train in short slices, send nothing
                    await asyncio.to_thread(self._train, 0.01)
                    continue
                rest = self.frame_seconds - (time.perf_counter() - last_sent)
                text, diverged = await asyncio.to_thread(self._update, max(rest, 0.0))
            except Exception as crash:  # stop training, say why, keep the socket
                log.exception("playground session %s failed while training", self.sid)
                self.session.running = False
                await self.send({"type": "state", "running": False})
                await self.error(f"training stopped: {type(crash).__name__}: {crash}")
                continue
            self.drawn.clear()
            last_sent = time.perf_counter()
            await self.send(text)
            if diverged:
                self.session.running = False
                await self.send({"type": "state", "running": False})
                await self.error(
                    "training diverged (the loss is not a number): lower the learning rate, then reset"
                )

    async def handle(self, message: dict[str, Any]) -> None:
        kind, session = message["type"], self.session
        if kind == "drawn":
            self.drawn.set()
        elif kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "play":
            self.drawn.set()
            session.running = True
            self.wake.set()
            await self.send({"type": "state", "running": True})
        elif kind == "pause":
            session.running = False
            await self.send({"type": "state", "running": False})
            await self._frame()
        elif kind == "step":
            session.running = False
            await self.send({"type": "state", "running": False})
            await asyncio.to_thread(session.step_epochs, message["epochs"])
            await self._frame()
        elif kind == "reset":
            await asyncio.to_thread(session.reset)
            await self.send({"type": "state", "running": False})
            await self._frame()
        elif kind in ("config", "preset"):
            config = message["config"] if kind == "config" else protocol.PRESETS[message["name"]]
            change = await asyncio.to_thread(session.set_config, config)
            await self._after_change(change)
        elif kind == "upload":
            await asyncio.to_thread(
                session.set_upload, message["points"], message["labels"], message["problem"], message["name"]
            )
            await self._after_change("data")

    async def _after_change(self, change: str) -> None:
        await self.send({"type": "config", "config": self.session.config, "change": change})
        if change == "data":
            await self.send(await asyncio.to_thread(self.session.data_message))
        await self._frame()

    async def run(self) -> None:
        """Greet the tab, then read its messages until it goes away."""
        await self.send(hello(self.sid, self.session))
        await self.send(await asyncio.to_thread(self.session.data_message))
        await self._frame()
        trainer = asyncio.create_task(self.trainer())
        worker = asyncio.create_task(self.worker())
        try:
            while True:
                raw = await self.ws.receive()
                if raw["type"] == "websocket.disconnect":
                    break
                try:
                    message = protocol.parse_message(raw.get("text"))
                except protocol.ProtocolError as bad:
                    await self.error(str(bad), bad.field)
                    continue
                if message["type"] == "drawn":  # an acknowledgement: never dropped, never queued
                    self.drawn.set()
                    continue
                self.registry.touch(self.sid)
                try:
                    self.pending.put_nowait((message, raw.get("text")))
                except asyncio.QueueFull:  # more than this tab's worker can keep up with: drop it, say so
                    await self.error(f"the server is still busy with this tab's last {MAX_PENDING} requests; "
                                     f"dropped this {message['type']} message", "type")
        except WebSocketDisconnect:
            pass
        finally:
            self.closed = True
            self.session.running = False
            for task in (trainer, worker):
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    async def worker(self) -> None:
        """Handle the tab's messages in order, one at a time (the reader queues at most MAX_PENDING)."""
        while True:
            message, text = await self.pending.get()
            try:
                await self.handle(message)
            except protocol.ProtocolError as bad:
                await self.error(str(bad), bad.field)
            except WebSocketDisconnect:
                return
            except Exception as crash:  # a bug must not take the server or the other tabs down
                if not self.connected():
                    return
                log.exception("playground session %s failed on %s", self.sid, str(text)[:200])
                await self.error(f"the server could not do that: {type(crash).__name__}: {crash}")

    def connected(self) -> bool:
        return (
            not self.closed and WebSocketState.CONNECTED == self.ws.client_state == self.ws.application_state
        )

    async def free(self, reason: str) -> None:
        """Tell the tab its session is gone, then close the socket (the reader loop ends the rest)."""
        self.session.running = False
        with contextlib.suppress(Exception):
            await self.send({"type": "freed", "message": reason})
            await self.ws.close(code=4000)


def hello(sid: int, session: Session) -> dict[str, Any]:
    """The first message: session id, current config, the choices the page offers and the server's limits."""
    return {
        "type": "hello",
        "session": sid,
        "config": session.config,
        "presets": list(protocol.PRESETS),
        "limits": protocol.LIMITS,
        "options": {
            "datasets": {
                "classification": list(datasets.CLASSIFICATION),
                "regression": list(datasets.REGRESSION),
            },
            "features": {name: label for name, (label, _) in datasets.FEATURES.items()},
            "activations": list(protocol.ACTIVATIONS),
            "inits": list(protocol.INITS),
            "optimizers": list(protocol.OPTIMIZERS),
            "regularizations": list(protocol.REGULARIZATIONS),
            "schedules": list(protocol.SCHEDULES),
        },
    }


def _same_origin(ws: WebSocket) -> bool:
    """Refuse sockets opened by pages from other sites (a browser always sends Origin; scripts may not)."""
    origin = ws.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == ws.headers.get("host")


def create_app(
    max_sessions: int = 16,
    idle_seconds: float = 600.0,
    frame_seconds: float = 0.04,
    reap_seconds: float = 15.0,
    allowed_hosts: tuple[str, ...] = (),
    max_busy: int = MAX_BUSY,
) -> SecurityHeaders:
    """The playground app; one ``Registry`` of sessions lives on ``app.state``.

    Requests must name this machine in their Host header: localhost, an IP address, or one of
    ``allowed_hosts`` (any other name is what a DNS-rebinding page sends, and is refused).
    """
    registry = Registry(max_sessions=max_sessions, idle_seconds=idle_seconds)
    connections: dict[int, Connection] = {}

    async def index(request: Request) -> FileResponse:
        return FileResponse(STATIC / "index.html")

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "sessions": len(registry)})

    async def read_json(request: Request) -> Any:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_API_BODY:
                raise backprop.BackpropError(f"request larger than {MAX_API_BODY} bytes")
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise backprop.BackpropError("the request is not valid JSON") from None
        if not isinstance(data, dict):
            raise backprop.BackpropError("the request must be a JSON object")
        return data

    busy = [0]  # requests in the worker threads now (read and changed only on the event loop)

    async def work(request: Request, fn, *keys: str) -> JSONResponse:
        """Run fn(*fields) in a worker thread; 400 with the reason for a bad request, and 503 at once when
        `max_busy` requests are already being worked on (the page retries; nothing piles up)."""
        if busy[0] >= max_busy:
            return JSONResponse({"error": "the server is busy; try again in a moment", "position": None},
                                status_code=503, headers={"Retry-After": "1"})
        busy[0] += 1
        try:
            data = await read_json(request)
            return JSONResponse(await asyncio.to_thread(fn, *(data.get(k) for k in keys)))
        except backprop.BackpropError as bad:
            return JSONResponse({"error": str(bad), "position": bad.position}, status_code=400)
        finally:
            busy[0] -= 1

    def parse(text: Any) -> dict[str, Any]:
        expr, names = backprop.parse(text)
        return {"formula": expr.to_text(), "variables": names}

    async def formula_api(request: Request) -> JSONResponse:
        """{"formula": text} -> {"formula", "variables"} or an error with its position."""
        return await work(request, parse, "formula")

    async def backprop_api(request: Request) -> JSONResponse:
        """{"formula": text, "values": {name: number}} -> the traced graph (see backprop.trace)."""
        def trace(text: Any, values: Any) -> dict[str, Any]:
            return backprop.trace(text, {} if values is None else values)

        return await work(request, trace, "formula", "values")

    async def socket(ws: WebSocket) -> None:
        if not _same_origin(ws):
            await ws.close(code=1008)
            return
        await ws.accept()
        try:
            sid, session = await asyncio.to_thread(registry.create)
        except Exception as refused:  # full (RuntimeError), or a session that cannot be built
            if not isinstance(refused, RuntimeError):
                log.exception("playground: could not start a session")
            await ws.send_json({"type": "error", "message": str(refused), "field": None, "position": None})
            await ws.close(code=1013)
            return
        conn = connections[sid] = Connection(ws, sid, session, registry, frame_seconds)
        try:
            await conn.run()
        finally:
            connections.pop(sid, None)
            registry.free(sid)

    async def reaper() -> None:
        while True:
            await asyncio.sleep(reap_seconds)
            for sid in registry.idle():
                registry.free(sid)
                conn = connections.get(sid)
                if conn is not None:
                    minutes = idle_seconds / 60
                    await conn.free(
                        f"this tab's session was freed after {minutes:g} minutes without activity"
                    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        task = asyncio.create_task(reaper())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/api/health", health),
            Route("/api/formula", formula_api, methods=["POST"]),
            Route("/api/backprop", backprop_api, methods=["POST"]),
            WebSocketRoute("/ws", socket),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        lifespan=lifespan,
    )
    app.state.registry = registry
    app.state.connections = connections
    return SecurityHeaders(app, allowed_hosts)


def host_allowed(host: str | None, allowed: frozenset[str]) -> bool:
    """Whether a Host header names this machine: localhost, an IP literal, or a name in ``allowed``.

    A DNS-rebinding page reaches 127.0.0.1 under its own domain name, and its requests carry that name.
    """
    if not host:
        return False
    name = host.lower()
    if name.startswith("["):  # [::1]:8000
        name = name[1:].partition("]")[0]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    if name in allowed or name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class SecurityHeaders:
    """ASGI middleware: refuses requests whose Host is not this machine (HTTP 421, or a WebSocket closed
    before it opens), adds HEADERS to every HTTP response; ``.state`` reaches the wrapped app's state."""

    def __init__(self, app: Starlette, allowed_hosts: tuple[str, ...] = ()) -> None:
        self.app = app
        self.state = app.state
        self.allowed = frozenset(h.lower() for h in allowed_hosts if h)
        self._headers = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        if not host_allowed(host, self.allowed):
            log.warning("playground: refused a request for Host %r", host[:100])
            if scope["type"] == "websocket":
                await receive()  # websocket.connect
                await send({"type": "websocket.close", "code": 1008})
                return None
            why = (f"this server answers to localhost and IP addresses, not {host[:100]!r}; start it with "
                   "--allow-host NAME to allow that name")
            response = JSONResponse({"error": why}, status_code=421)
            return await response(scope, receive, send)
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self._headers]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
