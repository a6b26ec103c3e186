"""The ASGI app without a browser: routes, headers, the backprop API and the training WebSocket."""

import json
import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
with warnings.catch_warnings():  # newer Starlette prefers httpx2 for its test client; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from chainrule.playground.app import STATIC, create_app
from chainrule.playground.protocol import DEFAULT_CONFIG, MAX_MESSAGE_BYTES

LOCAL = "http://127.0.0.1:8000"  # the Host a browser on this machine sends (others are refused: DNS rebinding)
WS = "ws://127.0.0.1:8000/ws"


@pytest.fixture
def client():
    with TestClient(create_app(), base_url=LOCAL) as client:
        yield client


def greet(ws):
    """The three opening messages of a training socket."""
    kinds = [ws.receive_json() for _ in range(3)]
    assert [m["type"] for m in kinds] == ["hello", "data", "frame"]
    return kinds


def receive_until(ws, kind, limit=50):
    for _ in range(limit):
        message = ws.receive_json()
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind} message")


def test_page_and_assets_are_served_with_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and "chainrule playground" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    script = client.get("/static/js/main.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert client.get("/static/css/playground.css").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/api/health").json()["ok"] is True


def test_everything_is_local():
    """No CDN: no asset refers to another host (the SVG namespace is a name, not a fetch)."""
    for path in Path(STATIC).rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")
            assert "http://" not in text and "https://" not in text and "//cdn" not in text, path


def test_every_module_the_page_imports_exists(client):
    for path in Path(STATIC, "js").rglob("*.js"):
        for line in path.read_text().splitlines():
            if line.startswith("import ") and " from " in line:
                target = (path.parent / line.split(" from ")[1].strip(" \";'")).resolve()
                assert target.is_file(), f"{path.name} imports missing {target}"


def test_backprop_api(client):
    r = client.post("/api/backprop", json={"formula": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}})
    assert r.status_code == 200
    grads = {n["label"]: n["grad"] for n in r.json()["nodes"] if n["kind"] == "input"}
    assert grads == {"x": -4, "y": -4, "z": 3}
    assert client.post("/api/formula", json={"formula": "(x + y) * max(y, z)"}).json()["variables"] == [
        "x",
        "y",
        "z",
    ]


@pytest.mark.parametrize(
    "body, position",
    [
        ({"formula": "(x + y", "values": {}}, 6),
        ({"formula": "x + eval(y)", "values": {}}, 4),
        ({"formula": "x +", "values": {"x": 1}}, 3),
        ({"formula": 12}, None),
        ({"formula": "x", "values": {"x": "1; import os"}}, None),
    ],
)
def test_backprop_api_errors(client, body, position):
    r = client.post("/api/backprop", json=body)
    assert r.status_code == 400 and r.json()["position"] == position and r.json()["error"]


def test_backprop_api_refuses_garbage_and_huge_bodies(client):
    assert client.post("/api/backprop", content=b"{nope").status_code == 400
    assert client.post("/api/backprop", content=b"[]").status_code == 400
    r = client.post("/api/backprop", content=b'{"formula": "' + b"x+" * 100_000 + b'x"}')
    assert r.status_code == 400 and "larger" in r.json()["error"]
    assert client.get("/api/backprop").status_code == 405


def test_socket_greets_and_survives_garbage(client):
    with client.websocket_connect(WS) as ws:
        hello, data, frame = greet(ws)
        assert hello["config"] == DEFAULT_CONFIG and hello["limits"]["max_neurons"] == 8
        assert len(data["train"]) == 250 and frame["epoch"] == 0
        bad = [
            "not json at all",
            "{",
            "[1,2,3]",
            '{"type": "explode"}',
            json.dumps({"type": "config", "config": {**DEFAULT_CONFIG, "hidden": [10_000]}}),
            json.dumps({"type": "config", "config": {**DEFAULT_CONFIG, "learning_rate": "fast"}}),
            json.dumps({"type": "config", "config": {**DEFAULT_CONFIG, "batch_size": 10**12}}),
            json.dumps({"type": "step", "epochs": -3}),
            json.dumps({"type": "upload", "csv": "1,2\n" * 10}),
            json.dumps({"type": "ping", "pad": "x" * (MAX_MESSAGE_BYTES + 10)}),
        ]
        for text in bad:
            ws.send_text(text)
            error = ws.receive_json()
            assert error["type"] == "error" and error["message"], text
        ws.send_bytes(b"\x00\x01binary")
        assert ws.receive_json()["type"] == "error"
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
        ws.send_json({"type": "step", "epochs": 2})
        assert ws.receive_json() == {"type": "state", "running": False}
        assert ws.receive_json()["epoch"] == 2


def test_play_streams_timed_frames_and_pause_stops(client):
    with client.websocket_connect(WS) as ws:
        greet(ws)
        ws.send_json({"type": "play"})
        assert ws.receive_json() == {"type": "state", "running": True}
        frames = []
        for _ in range(3):
            frames.append(receive_until(ws, "frame"))
            ws.send_json({"type": "drawn"})  # the next training frame comes only after this
        assert all(f["timing"]["update_ms"] > 0 and f["timing"]["batches"] >= 1 for f in frames)
        assert frames[-1]["iteration"] > frames[0]["iteration"]
        ws.send_json({"type": "pause"})
        receive_until(ws, "state")


def test_no_new_frame_until_the_last_one_is_drawn():
    app = create_app(frame_seconds=0.01)
    with TestClient(app, base_url=LOCAL) as client, client.websocket_connect(WS) as ws:
        greet(ws)
        ws.send_json({"type": "play"})
        receive_until(ws, "state")
        first = receive_until(ws, "frame")
        time.sleep(0.3)  # the server keeps training but holds its frames
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}  # nothing was queued before the pong
        ws.send_json({"type": "drawn"})
        second = receive_until(ws, "frame")
        assert second["timing"]["batches"] == second["iteration"] - first["iteration"]
        assert second["timing"]["train_ms"] > 200  # it trained all the while
        ws.send_json({"type": "pause"})


def test_config_preset_and_upload_messages(client):
    with client.websocket_connect(WS) as ws:
        greet(ws)
        ws.send_json({"type": "config", "config": {**DEFAULT_CONFIG, "learning_rate": 0.1}})
        assert ws.receive_json()["change"] == "live"
        assert ws.receive_json()["type"] == "frame"
        ws.send_json({"type": "preset", "name": "rings"})
        config = ws.receive_json()
        assert config["config"]["dataset"] == "rings" and config["change"] == "data"
        assert ws.receive_json()["type"] == "data"
        assert ws.receive_json()["type"] == "frame"
        ws.send_json({"type": "upload", "csv": "x1,x2,label\n0,0,1\n1,1,0\n2,0,1\n0,2,0\n", "name": "a.csv"})
        assert ws.receive_json()["config"]["dataset"] == "csv"
        assert ws.receive_json()["name"] == "a.csv"


def test_two_sockets_are_independent(client):
    with client.websocket_connect(WS) as a, client.websocket_connect(WS) as b:
        ha, hb = greet(a)[0], greet(b)[0]
        assert ha["session"] != hb["session"]
        a.send_json({"type": "preset", "name": "spirals"})
        assert a.receive_json()["config"]["dataset"] == "spirals"
        b.send_json({"type": "step"})
        b.receive_json()
        assert b.receive_json()["epoch"] == 1
        b.send_json({"type": "ping"})
        assert b.receive_json() == {"type": "pong"}  # b never saw a's messages


def test_full_server_refuses_extra_tabs():
    app = create_app(max_sessions=1)
    with TestClient(app, base_url=LOCAL) as client, client.websocket_connect(WS) as first:
        greet(first)
        with client.websocket_connect(WS) as second:
            assert "open sessions" in second.receive_json()["message"]


def test_idle_sessions_are_freed():
    app = create_app(idle_seconds=0.2, reap_seconds=0.05)
    with TestClient(app, base_url=LOCAL) as client, client.websocket_connect(WS) as ws:
        greet(ws)
        assert len(app.state.registry) == 1
        freed = receive_until(ws, "freed")
        assert "without activity" in freed["message"]
        deadline = time.monotonic() + 2
        while len(app.state.registry) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(app.state.registry) == 0


def test_other_sites_cannot_open_a_socket(client):
    from starlette.websockets import WebSocketDisconnect

    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect("/ws", headers={"origin": "http://evil.example"}) as ws,
    ):
        ws.receive_json()


# ---- robustness: DNS rebinding, huge numbers, more work than the server can keep up with ------------------------
@pytest.mark.parametrize("host", ["evil.example:8000", "attacker.com", "127.0.0.1.nip.io:8000"])
def test_a_foreign_host_header_gets_neither_the_api_nor_a_socket(host):
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: its Host header names it, and is refused."""
    from starlette.websockets import WebSocketDisconnect

    with TestClient(create_app(), base_url=f"http://{host}") as client:
        r = client.post("/api/backprop", json={"formula": "x * y", "values": {"x": 1, "y": 2}})
        assert r.status_code == 421 and "--allow-host" in r.json()["error"]
        assert client.get("/").status_code == 421
        with pytest.raises(WebSocketDisconnect), client.websocket_connect(f"ws://{host}/ws") as ws:
            ws.receive_json()
        assert len(client.app.state.registry) == 0


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "192.168.1.20", "box.lan"])
def test_local_names_ip_addresses_and_allowed_hosts_are_served(host):
    with TestClient(create_app(allowed_hosts=("box.lan",)), base_url=f"http://{host}") as client:
        assert client.get("/api/health").status_code == 200


def test_a_400_digit_number_is_a_400_not_a_500(client):
    huge = int("9" * 400)
    for body in ({"formula": "x * 2", "values": {"x": huge}}, {"formula": "x * " + "9" * 400, "values": {"x": 1}}):
        raw = json.dumps(body)
        r = client.post("/api/backprop", content=raw, headers={"Content-Type": "application/json"})
        assert r.status_code == 400, r.text
        assert "x must lie in" in r.json()["error"] or "too large" in r.json()["error"]


def test_a_400_digit_number_in_a_socket_message_is_a_clear_error(client):
    with client.websocket_connect(WS) as ws:
        greet(ws)
        ws.send_text('{"type": "step", "epochs": ' + "9" * 400 + "}")
        reply = ws.receive_json()
        assert reply["type"] == "error" and reply["field"] == "epochs" and "400-digit" in reply["message"]
        config = json.dumps({"type": "config", "config": {**DEFAULT_CONFIG, "learning_rate": 0}})
        ws.send_text(config.replace('"learning_rate": 0', '"learning_rate": ' + "9" * 400))
        reply = ws.receive_json()
        assert reply["type"] == "error" and reply["field"] == "learning_rate"


def test_backprop_requests_beyond_what_it_can_work_on_are_refused_at_once(monkeypatch):
    """With max_busy requests in the worker threads, the next is answered 503 at once instead of queued."""
    import threading

    import httpx

    from chainrule.playground import backprop
    from chainrule.playground.server import ServerThread

    gate, entered = threading.Event(), threading.Semaphore(0)
    real = backprop.trace

    def slow(text, values):
        entered.release()
        gate.wait(10)
        return real(text, values)

    monkeypatch.setattr(backprop, "trace", slow)
    body = {"formula": "x * y", "values": {"x": 1, "y": 2}}
    with ServerThread(max_busy=2) as server:
        url = server.url + "api/backprop"
        results = []
        threads = [threading.Thread(target=lambda: results.append(httpx.post(url, json=body, timeout=20)))
                   for _ in range(2)]
        for t in threads:
            t.start()
        assert entered.acquire(timeout=10) and entered.acquire(timeout=10)  # both are being worked on
        t0 = time.perf_counter()
        refused = httpx.post(url, json=body, timeout=20)
        waited = time.perf_counter() - t0
        gate.set()
        for t in threads:
            t.join(20)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "1" and waited < 5
        assert "busy" in refused.json()["error"]
        assert [r.status_code for r in results] == [200, 200]
        assert httpx.post(url, json=body, timeout=20).status_code == 200  # and it recovers


def test_a_flood_of_socket_messages_is_dropped_not_queued(client):
    """60 twenty-epoch steps at once: a few are worked through, the rest answered 'dropped' at once."""
    from chainrule.playground.app import MAX_PENDING

    with client.websocket_connect(WS) as ws:
        greet(ws)
        for _ in range(60):
            ws.send_json({"type": "step", "epochs": 20})
        handled = dropped = 0
        while handled + dropped < 60:
            reply = ws.receive_json()
            if reply["type"] == "state":
                handled += 1
            elif reply["type"] == "error":
                assert "dropped this step message" in reply["message"]
                dropped += 1
        assert dropped > 0 and handled <= 60 - dropped and handled >= 1
        assert handled <= MAX_PENDING + 20  # never more than the queue holds plus what finished meanwhile
        ws.send_json({"type": "ping"})
        while (reply := ws.receive_json())["type"] != "pong":
            assert reply["type"] in ("frame", "state")
