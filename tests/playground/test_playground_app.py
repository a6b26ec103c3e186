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


@pytest.fixture
def client():
    with TestClient(create_app()) as client:
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
    with client.websocket_connect("/ws") as ws:
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
    with client.websocket_connect("/ws") as ws:
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
    with TestClient(create_app(frame_seconds=0.01)) as client, client.websocket_connect("/ws") as ws:
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
    with client.websocket_connect("/ws") as ws:
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
    with client.websocket_connect("/ws") as a, client.websocket_connect("/ws") as b:
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
    with TestClient(create_app(max_sessions=1)) as client, client.websocket_connect("/ws") as first:
        greet(first)
        with client.websocket_connect("/ws") as second:
            assert "open sessions" in second.receive_json()["message"]


def test_idle_sessions_are_freed():
    app = create_app(idle_seconds=0.2, reap_seconds=0.05)
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
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
