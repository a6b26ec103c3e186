"""The entry points: importing chainrule never needs the extras; ``main(argv)`` serves until stopped."""

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def test_importing_chainrule_and_the_playground_package_loads_no_server():
    code = (
        "import sys, chainrule, chainrule.playground; "
        "print(any(m in sys.modules for m in ('starlette', 'uvicorn', 'websockets')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_help_lists_the_options(capsys):
    pytest.importorskip("uvicorn")
    from chainrule.playground import main

    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    help_text = capsys.readouterr().out
    assert "--host" in help_text and "--port" in help_text and "--no-browser" in help_text


def test_main_serves_on_the_given_port_until_interrupted():
    pytest.importorskip("uvicorn")
    pytest.importorskip("starlette")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "chainrule.playground", "--port", str(port), "--no-browser"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1) as response:
                    assert json.load(response) == {"ok": True, "sessions": 0}
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert f"http://127.0.0.1:{port}/" in output
