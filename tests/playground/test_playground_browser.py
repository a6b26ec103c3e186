"""End to end in headless Chromium: train xor, step view 2, two tabs at once, a garbage socket.

Marked ``browser``; skipped when Playwright or Chromium is missing. ``CHAINRULE_SCREENSHOTS=docs`` also writes
docs/playground-train.png, docs/playground-backprop.png and docs/playground-backprop-sigmoid.png.
"""

import json
import os
import shutil
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("uvicorn")

from chainrule.playground.server import ServerThread

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def server():
    with ServerThread() as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("chromium is not installed")
    try:
        playwright = sync_api.sync_playwright().start()
    except Exception as error:  # noqa: BLE001 (no usable Playwright driver: skip, do not fail)
        pytest.skip(f"playwright does not start: {error}")
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    except Exception as error:  # noqa: BLE001 (a broken or mismatched browser: skip, do not fail)
        playwright.stop()
        pytest.skip(f"chromium does not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url)
    page.wait_for_selector("#network .neuron canvas")
    yield page
    context.close()
    assert not errors, errors


def screenshot(page, tmp_path, name):
    path = tmp_path / name
    page.screenshot(path=str(path))
    if os.environ.get("CHAINRULE_SCREENSHOTS") == "docs":
        DOCS.mkdir(exist_ok=True)
        shutil.copy(path, DOCS / name)
    return path


def colours_in(page, png_path):
    """How many distinct colours the browser finds in a PNG (a blank screenshot has one or two)."""
    import base64

    data = base64.b64encode(png_path.read_bytes()).decode()
    return page.evaluate(
        """async (data) => {
            const img = new Image();
            img.src = "data:image/png;base64," + data;
            await img.decode();
            const c = document.createElement("canvas");
            c.width = img.width; c.height = img.height;
            const ctx = c.getContext("2d");
            ctx.drawImage(img, 0, 0);
            const px = ctx.getImageData(0, 0, c.width, c.height).data;
            const seen = new Set();
            for (let i = 0; i < px.length; i += 4 * 37) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
            return seen.size;
        }""",
        data,
    )


def test_train_xor_until_the_test_loss_is_small(page, tmp_path):
    heatmap = lambda: page.eval_on_selector("#heatmap", "c => c.toDataURL()")
    before = heatmap()
    start = time.monotonic()
    page.click("#play")
    page.wait_for_function(
        "() => Number(document.querySelector('#test-loss').dataset.value) < 0.05", timeout=30_000
    )
    seconds = time.monotonic() - start
    assert page.inner_text("#play").endswith("Pause")
    assert "frames/s" in page.inner_text("#stats")
    assert heatmap() != before
    page.wait_for_timeout(1500)  # a little longer, for a settled picture and a frame rate over 1.5 s
    page.check("#show-test")
    page.hover("#network .neuron >> nth=4")
    assert "gradient" in page.inner_text("#tooltip")
    path = screenshot(page, tmp_path, "playground-train.png")
    assert colours_in(page, path) > 50
    page.click("#play")  # pause
    page.wait_for_function("() => document.querySelector('#play').textContent.includes('Play')")
    stats = page.inner_text("#stats")
    print(f"xor: test loss < 0.05 in the browser after {seconds:.1f} s; {stats}")


def test_backprop_view_steps_through_the_lecture_example(page, tmp_path):
    with page.expect_response("**/api/backprop"):
        page.click("#tab-backprop")  # the first visit draws the default example
    page.fill("#formula", "(x + y) * z")
    page.wait_for_selector("input[data-variable=z]")
    for name, value in {"x": "-2", "y": "5", "z": "-4"}.items():
        page.fill(f"input[data-variable={name}]", value)
    with page.expect_response("**/api/backprop"):
        page.click("#build")
    page.wait_for_function("() => document.querySelector('#bp-status').textContent.includes('0 / 2')")
    cell = lambda name, column: page.inner_text(f"#bp-table tr[data-name={name}] td.{column}")
    assert cell("f", "value") == ""
    page.click("#bp-step")  # forward: x + y
    page.click("#bp-step")  # forward: (x + y) * z
    assert cell("f", "value") == "−12"
    assert page.text_content("[data-output-value]") == "−12"
    assert cell("x", "grad") == ""
    page.click("#bp-step")  # backward at ×: 1 × −4 to q, 1 × 3 to z
    assert cell("z", "grad") == "3"
    assert "1 × 3 = 3" in page.text_content("#graph")
    page.click("#bp-step")  # backward at +: −4 × 1 to x and y
    assert (cell("x", "grad"), cell("y", "grad"), cell("z", "grad")) == ("−4", "−4", "3")
    assert "−4 × 1 = −4" in page.inner_text("#bp-explain")
    assert page.is_disabled("#bp-step")
    screenshot(page, tmp_path, "playground-backprop.png")
    # The whole pass in one go, on the sigmoid example; then an invalid formula points at its error.
    page.click("button.example >> nth=1")
    page.wait_for_function(
        "() => document.querySelector('#bp-status').textContent.includes('forward pass: 0')"
    )
    page.select_option("#bp-speed", "150")
    page.click("#bp-run")
    page.wait_for_function("() => document.querySelector('#bp-step').disabled", timeout=20_000)
    assert page.inner_text("#bp-table tr[data-name=w0] td.grad") == "−0.1966"
    page.fill("#formula", "(x + y")
    page.wait_for_selector("#formula-error:not([hidden])")
    assert page.inner_text("#formula-error").splitlines()[1] == " " * 6 + "^"


def test_two_tabs_train_at_once(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    a, b = context.new_page(), context.new_page()
    for tab in (a, b):
        tab.goto(server.url)
        tab.wait_for_selector("#network .neuron canvas")
    b.select_option("#preset", "rings")
    b.wait_for_function("() => document.querySelector('#dataset').value === 'rings'")
    a.click("#play")
    b.click("#play")
    for tab in (a, b):
        tab.wait_for_function(
            "() => Number(document.querySelector('#epoch').textContent.replace(/,/g, '')) > 20"
        )
    assert a.input_value("#dataset") == "xor" and b.input_value("#dataset") == "rings"
    for tab in (a, b):
        tab.wait_for_function(
            "() => Number(document.querySelector('#test-loss').dataset.value) < 0.2", timeout=30_000
        )
        tab.click("#play")
    context.close()


def test_garbage_on_a_raw_socket_gets_an_error_and_the_page_still_works(page, server):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    with connect(f"ws://127.0.0.1:{server.port}/ws", max_size=None) as ws:
        assert [json.loads(ws.recv())["type"] for _ in range(3)] == ["hello", "data", "frame"]
        for garbage in ["}}}", '{"type": "config", "config": {"hidden": [100000]}}', "\x00" * 1000]:
            ws.send(garbage)
            reply = json.loads(ws.recv())
            assert reply["type"] == "error", reply
    with connect(f"ws://127.0.0.1:{server.port}/ws", max_size=None) as ws:
        for _ in range(3):
            ws.recv()
        ws.send("x" * 2_000_000)  # over the frame limit: the server drops this socket only
        with pytest.raises(ConnectionClosed):
            for _ in range(10):
                ws.recv(timeout=5)
    page.click("#step")
    page.wait_for_function("() => document.querySelector('#epoch').textContent === '1'")
    page.select_option("#learning_rate", "0.1")
    page.wait_for_function("() => document.querySelector('#stats') !== null")
    # a value the server refuses, sent from the page, is reported on the page
    page.evaluate(
        "() => { const i = document.querySelector('#batch_size'); i.value = '100000'; i.dispatchEvent(new Event('change')); }"
    )
    page.wait_for_selector("#banner:not([hidden])")
    assert "batch_size" in page.inner_text("#banner-text")
    assert page.input_value("#batch_size") == "10"


# ---- the stepper's pictures, checked by geometry: no label box overlaps a node or another label ----------------
GEOMETRY = """() => {
  const svg = document.querySelector('#graph');
  const frame = svg.getBoundingClientRect();
  const box = (e) => e.getBoundingClientRect();
  const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const labels = [...svg.querySelectorAll('text.value, text.grad')].map((e) => [e.textContent, box(e)]);
  const nodes = [...svg.querySelectorAll('.node circle, .node rect')].map((e) => [e.parentNode.dataset.node, box(e)]);
  const problems = [];
  labels.forEach(([t, r], i) => {
    if (r.left < frame.left - 0.5 || r.right > frame.right + 0.5 || r.top < frame.top - 0.5 || r.bottom > frame.bottom + 0.5)
      problems.push(`label ${t} is clipped by the picture's edge`);
    labels.slice(i + 1).forEach(([u, q]) => { if (hit(r, q)) problems.push(`labels ${t} and ${u} overlap`); });
    nodes.forEach(([n, q]) => { if (hit(r, q)) problems.push(`label ${t} covers node ${n}`); });
  });
  return { problems, labels: labels.length };
}"""


def build_formula(page, formula, values):
    """Type a formula and its values, submit with Enter, wait for the new graph."""
    page.fill("#formula", formula)
    names = json.dumps(sorted(values), separators=(",", ":"))
    page.wait_for_function(  # the inputs for this formula's variables (the old ones are replaced)
        f"() => JSON.stringify([...document.querySelectorAll('input[data-variable]')].map((e) => e.name).sort())"
        f" === '{names}'")
    for name, value in values.items():
        page.fill(f"input[data-variable={name}]", str(value))
    with page.expect_response("**/api/backprop"):
        page.press("#formula", "Enter")
    page.wait_for_function("() => document.querySelector('#bp-status').textContent.includes('forward pass: 0')")


@pytest.mark.parametrize("formula, values", [
    ("1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))", {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}),
    ("x * x", {"x": 3}),
    ("b * 2 + x", {"b": 6.881, "x": 1}),
    ("x * x * x + x * y", {"x": -123.456, "y": 0.001234}),
])
def test_stepper_labels_overlap_nothing_and_nothing_is_clipped(page, formula, values):
    with page.expect_response("**/api/backprop"):
        page.click("#tab-backprop")
    build_formula(page, formula, values)
    steps, checked = 0, 0
    while True:
        geometry = page.evaluate(GEOMETRY)
        assert geometry["problems"] == [], (formula, steps, geometry["problems"])
        checked += geometry["labels"]
        if page.is_disabled("#bp-step"):
            break
        page.click("#bp-step")
        steps += 1
    assert steps >= 2 and checked > steps
    if formula == "b * 2 + x":  # the value left of the first variable reads in full
        assert page.text_content("[data-node-value=b]") == "6.881"


def test_the_sigmoid_example_fully_stepped_for_the_docs(page, tmp_path):
    """The built-in neuron, every gradient shown (docs/playground-backprop-sigmoid.png with CHAINRULE_SCREENSHOTS)."""
    with page.expect_response("**/api/backprop"):
        page.click("#tab-backprop")
    with page.expect_response("**/api/backprop"):
        page.click("button.example >> nth=1")
    page.wait_for_function("() => document.querySelector('#bp-status').textContent.includes('forward pass: 0')")
    while not page.is_disabled("#bp-step"):
        page.click("#bp-step")
    assert page.evaluate(GEOMETRY)["problems"] == []
    path = tmp_path / "playground-backprop-sigmoid.png"
    page.locator("#view-backprop").screenshot(path=str(path))
    if os.environ.get("CHAINRULE_SCREENSHOTS") == "docs":
        shutil.copy(path, DOCS / path.name)


def test_a_new_formula_with_a_new_variable_submitted_with_enter_draws_it(page):
    """Enter right after typing (before the variables were read): the new variable gets a box and the graph."""
    with page.expect_response("**/api/backprop"):
        page.click("#tab-backprop")
    page.wait_for_selector("input[data-variable=z]")
    page.fill("#formula", "w * 3")
    with page.expect_response("**/api/backprop") as answer:
        page.press("#formula", "Enter")  # at once: no time for the debounced variable lookup
    assert answer.value.status == 200
    page.wait_for_selector("input[data-variable=w]")
    page.wait_for_function("() => document.querySelector('#bp-status').textContent.includes('0 / 1')")
    assert page.is_hidden("#formula-error")
    assert page.get_attribute("#graph g[data-name=w]", "data-name") == "w"
    assert page.locator("#graph g[data-name=z]").count() == 0  # the old graph is gone
    # A formula that cannot be drawn says why and leaves no stale graph behind.
    page.fill("#formula", "w * (3")
    page.press("#formula", "Enter")
    page.wait_for_selector("#formula-error:not([hidden])")
    page.wait_for_function("() => document.querySelectorAll('#graph g').length === 0")
