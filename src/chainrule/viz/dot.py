"""DOT (Graphviz) text for a Graph, and the object draw_graph returns when the `graphviz` package is absent.

Values are green and gradients red, as in the CS231n pictures; data flows left to right. With a module
recorder the nodes sit in one cluster per Module, and modules can be folded into one box each (`fold`).
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess

import numpy as np

from .graph import Graph, Node

VALUE_COLOR, GRAD_COLOR, MUTED = "#15803d", "#b91c1c", "#6b7280"
DPI = 192  # bitmap output (PNG, ...) at twice Graphviz's 96 dpi: 10-point labels stay readable when zoomed
BITMAPS = frozenset({"png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp"})
FILL = {"input": "#dbeafe", "param": "#fef3c7", "const": "#f3f4f6", "op": "#ffffff", "module": "#ede9fe"}


class GraphvizNotFound(RuntimeError):
    """The Graphviz `dot` program is needed (for SVG/PNG/PDF) and is not on PATH.

    Examples:
        >>> import chainrule as cr
        >>> from chainrule import viz
        >>> x = cr.tensor(2.0, requires_grad=True)
        >>> graph = viz.draw_graph(x * x)
        >>> try:
        ...     path = viz.save_graph(graph, "graph.svg")      # SVG needs Graphviz's dot
        ... except viz.GraphvizNotFound:
        ...     path = viz.save_graph(graph, "graph.dot")      # DOT text needs nothing
        >>> path.startswith("graph.")
        True
    """


def dot_available() -> bool:
    """Whether the Graphviz `dot` program is on PATH (needed for SVG/PNG, not for DOT or JSON).

    Examples:
        >>> from chainrule import viz
        >>> import shutil
        >>> viz.dot_available() == (shutil.which("dot") is not None)
        True
    """
    return shutil.which("dot") is not None


def run_dot(source: str, format: str = "svg") -> bytes:
    """Render DOT text with the `dot` program."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFound(
            f"rendering to {format} needs the Graphviz `dot` program (Debian/Ubuntu: apt-get install "
            "graphviz; macOS: brew install graphviz). DOT text (.source, .dot) and JSON need nothing."
        )
    dpi = [f"-Gdpi={DPI}"] if format in BITMAPS else []  # not in the DOT text: Graphviz 2.x then clips SVGs
    proc = subprocess.run([exe, *dpi, f"-T{format}"], input=source.encode(), capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"dot -T{format} failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def graphviz_source(source: str):
    """A `graphviz.Source` (the `graph` extra) whose bitmap output (PNG, ...) is rendered at DPI."""
    import graphviz

    class Source(graphviz.Source):
        def pipe(self, format=None, *args, **kwargs):
            fmt = format or self.format
            return run_dot(self.source, fmt) if fmt in BITMAPS else super().pipe(format, *args, **kwargs)

        def render(self, filename=None, directory=None, view=False, cleanup=False, format=None, **kwargs):
            outfile = kwargs.get("outfile")
            fmt = format or (os.path.splitext(os.fspath(outfile))[1].lstrip(".") if outfile else self.format)
            if fmt in BITMAPS and not view:
                return DotSource(self.source, fmt).render(filename, directory, cleanup=cleanup, format=format,
                                                          outfile=outfile)
            return super().render(filename, directory=directory, view=view, cleanup=cleanup, format=format,
                                  **kwargs)

    return Source(source, format="svg")


class DotSource:
    """A stand-in for `graphviz.Source`: `.source`, `.pipe()`, `.render()`, and SVG display in notebooks.

    Args:
        source: the DOT text.
        format: the default output format of pipe() and render() (default "svg").

    Examples:
        >>> from chainrule.viz import DotSource
        >>> g = DotSource("digraph { x -> f; y -> f }")
        >>> print(g)
        digraph { x -> f; y -> f }
        >>> g.save("g.gv")
        'g.gv'
    """

    def __init__(self, source: str, format: str = "svg"):
        self.source = source
        self.format = format

    def __str__(self) -> str:
        return self.source

    def pipe(self, format: str | None = None, **kwargs) -> bytes:
        """The rendered bytes, as graphviz.Source.pipe.

        Args:
            format: "svg", "png", "pdf", ... (default None: the source's format).
            **kwargs: graphviz's other options, accepted and ignored.

        Raises:
            GraphvizNotFound: the `dot` program is not installed.

        Examples:
            >>> from chainrule.viz import DotSource
            >>> DotSource("digraph { x -> f }").pipe("svg")[:5]        # needs: dot
            b'<?xml'
        """
        return run_dot(self.source, format or self.format)

    def save(self, filename: str = "Source.gv", directory: str | None = None) -> str:
        """Write the DOT text; returns the path (needs no Graphviz).

        Args:
            filename: the file name (default "Source.gv").
            directory: its folder (default None: the current one).

        Examples:
            >>> from chainrule.viz import DotSource
            >>> DotSource("digraph { x -> f }").save("g.gv")
            'g.gv'
            >>> open("g.gv").read()
            'digraph { x -> f }'
        """
        path = os.path.join(directory, filename) if directory else filename
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.source)
        return path

    def render(self, filename: str | None = None, directory: str | None = None, view: bool = False,
               cleanup: bool = False, format: str | None = None, outfile: str | None = None, **kwargs) -> str:
        """As graphviz.Source.render: write the DOT file and `<filename>.<format>` (or `outfile`).

        Args:
            filename: the DOT file's name (default "Source.gv", or outfile's stem + ".gv").
            directory: the folder for both files (default None: the current one).
            view: accepted for graphviz compatibility (nothing is opened).
            cleanup: delete the DOT file afterwards (default False).
            format: the output format (default: outfile's suffix, else the source's format).
            outfile: the output file; its suffix gives the format.

        Returns:
            The path of the rendered file.

        Raises:
            GraphvizNotFound: the `dot` program is not installed.

        Examples:
            >>> from chainrule.viz import DotSource
            >>> DotSource("digraph { x -> f }").render(outfile="g.svg")      # needs: dot
            'g.svg'
        """
        if outfile is not None:
            stem, ext = os.path.splitext(os.fspath(outfile))
            format = format or ext.lstrip(".") or self.format
            filename = filename or stem + ".gv"
            target = os.fspath(outfile)
        else:
            format = format or self.format
            filename = filename or "Source.gv"
            target = (os.path.join(directory, filename) if directory else filename) + "." + format
        data = self.pipe(format)
        src = self.save(filename, directory if outfile is None else None)
        with open(target, "wb") as f:
            f.write(data)
        if cleanup:
            os.remove(src)
        return target

    def _repr_svg_(self) -> str | None:
        return self.pipe("svg").decode() if dot_available() else None


def _num(v: float, grad: bool) -> str:
    s = f"{v + 0.0:.4g}"  # + 0.0 turns -0.0 into 0.0
    return s + ".0" if grad and s.lstrip("-").isdigit() else s


def fmt_array(a, max_values: int, grad: bool = False) -> str:
    """-12, [1.0, 2.0], [[1, 1], [1, 1]] (a row a line) up to max_values elements, else 'norm 3.2  mean 0'."""
    if isinstance(a, (list, tuple)):
        return " | ".join(fmt_array(x, max_values, grad) if x is not None else "-" for x in a)
    arr = np.asarray(a)
    if arr.size == 1:
        return _num(float(arr.reshape(())), grad)
    if 0 < arr.size <= max_values and arr.ndim <= 2:
        if arr.ndim == 1:  # six numbers a line
            rows = [arr[k:k + 6] for k in range(0, arr.size, 6)]
            return "[" + ",\n ".join(", ".join(_num(float(v), grad) for v in r) for r in rows) + "]"
        return "[" + ",\n ".join("[" + ", ".join(_num(float(v), grad) for v in r) + "]" for r in arr) + "]"
    if arr.size == 0:
        return "[]"
    flat = arr.astype(np.float64).ravel()
    return f"norm {np.linalg.norm(flat):.3g}  mean {flat.mean():.3g}"


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _e(s: str) -> str:
    return html.escape(s, quote=False).replace("\n", "<BR/>")


class DotWriter:
    """Turns a Graph into DOT text (see draw_graph for the options)."""

    def __init__(self, graph: Graph, show_values=True, show_grads=True, show_saved=False, max_values=16,
                 fold=None, max_nodes=300, rankdir="LR"):
        self.g, self.max_values, self.show_saved, self.rankdir = graph, max_values, show_saved, rankdir
        self.show_values, self.show_grads = show_values, show_grads
        self._mids: dict[str, str] = {}
        self.group = self._fold_map(fold, max_nodes)
        if fold is None and len(self._visible()) > max_nodes:
            self.show_values = False  # too many nodes to read values anyway; shapes stay

    # ---- folding modules ----------------------------------------------------------------------------------
    def _fold_map(self, fold, max_nodes: int) -> dict[int, str]:
        """node id -> the folded module path that swallows it."""
        mods = self.g.modules
        if mods is None or fold is False:
            return {}
        paths = {n.module for n in self.g.nodes if n.module is not None}
        if fold is None:
            if len(self.g.nodes) <= max_nodes:
                return {}
            depths = sorted({_depth(p) for p in paths if p}, reverse=True)
            best = {}
            for d in depths:
                best = self._fold_at(d)
                if len(self.g.nodes) - len(best) + len(set(best.values())) <= max_nodes:
                    break
            return best
        if fold is True:
            return self._fold_at(1)
        if isinstance(fold, int):
            return self._fold_at(max(1, fold))
        chosen = sorted(set(fold), key=_depth)
        out = {}
        for n in self.g.nodes:
            if n.module is None:
                continue
            for p in chosen:
                if p and (n.module == p or n.module.startswith(p + ".")):
                    out[n.id] = p
                    break
        return out

    def _fold_at(self, depth: int) -> dict[int, str]:
        return {n.id: ".".join(n.module.split(".")[:depth]) for n in self.g.nodes
                if n.module and _depth(n.module) >= depth}

    def _mid(self, path: str) -> str:
        """A DOT identifier for a module path (m0, m1, ...)."""
        if path not in self._mids:
            self._mids[path] = f"m{len(self._mids)}"
        return self._mids[path]

    def _visible(self) -> list[Node]:
        return [n for n in self.g.nodes if n.id not in self.group]

    # ---- labels -------------------------------------------------------------------------------------------
    def _label(self, n: Node) -> str:
        head = f"<B>{_e(n.label)}</B>"
        if n.kind == "op" and n.name:
            head = f"<B>{_e(n.name)}</B> = {_e(n.op)}"
        if n.kind == "param":
            head = f"<B>{_e(n.name.rpartition('.')[2])}</B>"
        lines = [head]
        if n.args:
            lines.append(f'<FONT COLOR="{MUTED}">{_e(", ".join(n.args))}</FONT>')
        shape = n.shape
        t = n.tensor
        if shape and n.label != str(shape):
            dtype = f" {t._data.dtype}" if t is not None and t._data.dtype != np.float32 and n.kind != "op" else ""
            lines.append(f'<FONT COLOR="{MUTED}">{_e(str(shape))}{_e(dtype)}</FONT>')
        if self.show_values and t is not None and not (n.kind == "const" and t._data.size == 1):
            vals = [o._data for _, o in sorted(n.outputs.items())] if len(n.outputs) > 1 else t._data
            lines.append(f'<FONT COLOR="{VALUE_COLOR}">{_e(fmt_array(vals, self.max_values))}</FONT>')
        if self.show_grads and n.grad is not None:
            grad = _e(fmt_array(n.grad, self.max_values, True))
            lines.append(f'<FONT COLOR="{GRAD_COLOR}">grad {grad}</FONT>')
        if self.show_saved and n.kind == "op":
            saved = self.g.saved_of(n)
            if saved:
                lines.append(f'<FONT COLOR="{MUTED}" POINT-SIZE="8">saved: {_e(", ".join(saved))}</FONT>')
        return "<" + "<BR/>".join(lines) + ">"

    def _node_line(self, n: Node) -> str:
        shape = "box" if n.kind == "op" else "ellipse" if n.kind in ("input", "const") else "box"
        style = "rounded,filled" if n.kind in ("op", "param") else "filled"
        extra = ", penwidth=2" if n.id == self.g.output else ""
        return (f"n{n.id} [label={self._label(n)}, shape={shape}, style={_q(style)}, "
                f"fillcolor={_q(FILL[n.kind])}{extra}];")

    def _module_line(self, path: str, members: list[Node]) -> str:
        mods = self.g.modules
        ops = sum(1 for n in members if n.kind == "op")
        params = sum(int(n.tensor.numel()) for n in members if n.kind == "param" and n.tensor is not None)
        last = [n for n in members if n.kind == "op"]
        lines = [f"<B>{_e(mods.display(path))}</B>",
                 f'<FONT COLOR="{MUTED}">{ops} ops, {params:,} params</FONT>']
        if last and last[-1].shape is not None:
            lines.append(f'<FONT COLOR="{MUTED}">out {_e(str(last[-1].shape))}</FONT>')
        label = "<BR/>".join(lines)
        fill = _q(FILL["module"])
        return f"{self._mid(path)} [label=<{label}>, shape=box3d, style=filled, fillcolor={fill}];"

    # ---- the whole graph ----------------------------------------------------------------------------------
    def source(self) -> str:
        g = self.g
        out = ["digraph chainrule {", f"  rankdir={self.rankdir};",
               '  node [fontname="Helvetica", fontsize=10, margin="0.08,0.04"];',
               '  edge [fontname="Helvetica", fontsize=9, arrowsize=0.7];']
        tree: dict[str | None, list[str]] = {}  # module path (None: outside) -> its DOT lines
        folded: dict[str, list[Node]] = {}
        for n in g.nodes:
            if n.id in self.group:
                folded.setdefault(self.group[n.id], []).append(n)
            else:
                tree.setdefault(n.module, []).append(self._node_line(n))
        for path, members in folded.items():
            tree.setdefault(path.rpartition(".")[0] if "." in path else ("" if path else None), []).append(
                self._module_line(path, members))
        out += ["  " + line for line in tree.pop(None, [])]
        if g.modules is not None:
            out += self._clusters(tree)
        out += self._edges()
        out.append("}")
        return "\n".join(out) + "\n"

    def _clusters(self, tree: dict) -> list[str]:
        paths = set(tree)
        for p in list(paths):  # every ancestor of a populated module gets a cluster too
            parts = p.split(".") if p else []
            paths.update(".".join(parts[:k]) for k in range(len(parts)))
        children: dict[str, list[str]] = {}
        for p in sorted(paths, key=lambda s: (_depth(s), s)):
            if p:
                children.setdefault(p.rpartition(".")[0], []).append(p)
        lines: list[str] = []
        stack = [("", 1, False)] if "" in paths else []
        while stack:
            path, indent, closing = stack.pop()
            pad = "  " * indent
            if closing:
                lines.append(pad + "}")
                continue
            lines.append(f"{pad}subgraph cluster_{self._mid(path)} {{")
            label = _q(self.g.modules.display(path))
            lines.append(f'{pad}  label={label}; style="rounded,dashed"; color="#9ca3af";')
            lines += [pad + "  " + line for line in tree.get(path, [])]
            stack.append((path, indent, True))
            for c in reversed(children.get(path, [])):
                stack.append((c, indent + 1, False))
        return lines

    def _edges(self) -> list[str]:
        """One DOT edge per graph edge: x * x draws two edges into the mul, each with its own gradient (they
        add up in x.grad). Only edges into or out of a folded module are merged."""
        lines, seen = [], set()
        g = self.g
        for e in g.edges:
            folded = e.src in self.group or e.dst in self.group
            a = self._mid(self.group[e.src]) if e.src in self.group else f"n{e.src}"
            b = self._mid(self.group[e.dst]) if e.dst in self.group else f"n{e.dst}"
            if a == b or (folded and (a, b) in seen):
                continue
            seen.add((a, b))
            attrs = []
            if self.show_grads and e.grad is not None and np.asarray(e.grad).size <= min(4, self.max_values) \
                    and e.src not in self.group and e.dst not in self.group:
                attrs.append(f'label=<<FONT COLOR="{GRAD_COLOR}">{_e(fmt_array(e.grad, 4, True))}</FONT>>')
            if g.nodes[e.src].kind == "const":
                attrs.append('color="#9ca3af"')
            lines.append(f"  {a} -> {b}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
        return lines


def _depth(path: str) -> int:
    return 0 if path == "" else path.count(".") + 1
