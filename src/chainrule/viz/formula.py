"""A small arithmetic formula parser (never eval) that builds the formula from chainrule Tensors.

Grammar, loosest binding first (`^` and `**` are the same right-associative power; -x^2 is -(x^2)):
    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary)*
    unary   := ('-' | '+') unary | power
    power   := primary (('^' | '**') unary)?
    primary := NUMBER | NAME | NAME '(' expr (',' expr)* ')' | '(' expr ')'

>>> expr = parse("(x + y) * max(y, z)")
>>> expr.to_text(), variables(expr)
('(x + y) * max(y, z)', ['x', 'y', 'z'])
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field

MAX_LENGTH = 500
MAX_DEPTH = 100
FUNCTIONS = {"exp": 1, "log": 1, "sqrt": 1, "abs": 1, "sin": 1, "cos": 1, "tanh": 1, "sigmoid": 1, "relu": 1,
             "max": 2, "min": 2}  # name -> number of arguments
_CHAINRULE_OP = {"max": "maximum", "min": "minimum"}  # formula name -> chainrule function, where they differ
_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "unary": 3, "**": 4, "atom": 5}

_TOKEN = re.compile(r"(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_]\w*)"
                    r"|(?P<op>\*\*|[-+*/^(),]))")
_NUMBER_TAIL, _SPACE = re.compile(r"[\w.]+"), re.compile(r"\s*")


class FormulaError(ValueError):
    """A formula that cannot be parsed or evaluated; `.position` is the 0-based index of the offending character."""

    def __init__(self, reason: str, position: int, text: str | None = None):
        self.reason, self.position, self.text = reason, position, text
        caret = "" if text is None else f"\n{text}\n{' ' * position}^"
        super().__init__(f"{reason} at position {position}{caret}")


@dataclass(frozen=True)
class Num:
    """A number literal."""

    value: float
    pos: int = field(default=-1, compare=False, repr=False)
    label = property(lambda self: self.to_text())
    children = ()

    def to_text(self) -> str:
        v = self.value
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


@dataclass(frozen=True)
class Var:
    """A variable: a leaf tensor that receives a gradient."""

    name: str
    pos: int = field(default=-1, compare=False, repr=False)
    label = property(lambda self: self.name)
    children = ()

    def to_text(self) -> str:
        return self.name


@dataclass(frozen=True)
class Unary:
    """A sign applied to an operand: '-' (negation) or '+' (identity)."""

    op: str
    operand: Expr
    pos: int = field(default=-1, compare=False, repr=False)
    label = property(lambda self: self.op)
    children = property(lambda self: (self.operand,))

    def to_text(self) -> str:
        return self.op + _wrap(self.operand, _prec(self.operand) <= _PRECEDENCE["unary"])  # -(-x), -(a + b)


@dataclass(frozen=True)
class Binary:
    """left op right, with op one of + - * / ** (the parser reads '^' as '**')."""

    op: str
    left: Expr
    right: Expr
    pos: int = field(default=-1, compare=False, repr=False)
    label = property(lambda self: self.op)
    children = property(lambda self: (self.left, self.right))

    def to_text(self) -> str:
        p, power = _PRECEDENCE[self.op], self.op == "**"  # ** groups to the right and takes a bare sign: x ** -2
        left = _wrap(self.left, _prec(self.left) < p + power)
        right = _wrap(self.right, _prec(self.right) < (_PRECEDENCE["unary"] if power else p + 1))
        return f"{left} {self.op} {right}"


@dataclass(frozen=True)
class Call:
    """A function applied to its arguments: exp(x), max(a, b), ..."""

    name: str
    args: tuple[Expr, ...]
    pos: int = field(default=-1, compare=False, repr=False)
    label = property(lambda self: self.name)
    children = property(lambda self: self.args)

    def to_text(self) -> str:
        return f"{self.name}({', '.join(a.to_text() for a in self.args)})"


Expr = Num | Var | Unary | Binary | Call


def _prec(node: Expr) -> int:
    return _PRECEDENCE[node.op if isinstance(node, Binary) else "unary" if isinstance(node, Unary) else "atom"]


def _wrap(node: Expr, paren: bool) -> str:
    return f"({node.to_text()})" if paren else node.to_text()


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, position) tokens, kind one of num, name, op, end."""
    tokens, i = [], 0
    while True:
        i = _SPACE.match(text, i).end()
        if i == len(text):
            return tokens + [("end", "", i)]
        m = _TOKEN.match(text, i)
        if m is None:
            raise FormulaError(f"unexpected character {text[i]!r}", i, text)
        kind, start = m.lastgroup, m.start(m.lastgroup)
        if kind == "num" and _NUMBER_TAIL.match(text, m.end()):
            bad = _NUMBER_TAIL.match(text, start).group()
            hint = "; write 2*x for a product" if re.fullmatch(r"\d+[A-DF-Za-df-z_]\w*", bad) else ""
            raise FormulaError(f"bad number {bad!r}{hint}", start, text)
        if kind == "num" and not math.isfinite(float(m.group(kind))):
            raise FormulaError(f"number {m.group(kind)!r} is too large", start, text)
        tokens.append((kind, m.group(kind), start))
        i = m.end()


class _Parser:
    """Recursive descent over the token list; `depth` counts the recursion that parentheses and signs cause."""

    def __init__(self, text: str):
        self.text, self.tokens, self.i, self.depth = text, _tokenize(text), 0, 0

    def error(self, reason: str, pos: int | None = None) -> FormulaError:
        return FormulaError(reason, self.peek()[2] if pos is None else pos, self.text)

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        self.i += 1
        return self.tokens[self.i - 1]

    def at(self, *ops: str) -> bool:
        kind, tok, _ = self.peek()
        return kind == "op" and tok in ops

    def nested(self, parse, pos: int) -> Expr:
        """Run one sub-parse one level deeper, refusing to go past MAX_DEPTH."""
        if self.depth >= MAX_DEPTH:
            raise self.error(f"formula nests deeper than {MAX_DEPTH} levels", pos)
        self.depth += 1
        node = parse()
        self.depth -= 1
        return node

    def chain(self, operand, *ops: str) -> Expr:
        """operand (op operand)*, grouped to the left: a loop, so a long sum costs no recursion."""
        node = operand()
        while self.at(*ops):
            _, op, pos = self.take()
            node = Binary(op, node, operand(), pos)
        return node

    def expr(self) -> Expr:
        return self.chain(self.term, "+", "-")

    def term(self) -> Expr:
        return self.chain(self.unary, "*", "/")

    def unary(self) -> Expr:
        if self.at("-", "+"):
            _, op, pos = self.take()
            return Unary(op, self.nested(self.unary, pos), pos)
        return self.power()

    def power(self) -> Expr:
        node = self.primary()
        if self.at("**", "^"):
            pos = self.take()[2]
            node = Binary("**", node, self.nested(self.unary, pos), pos)
        return node

    def primary(self) -> Expr:
        kind, tok, pos = self.take()
        if kind == "num":
            return Num(float(tok), pos)
        if kind == "name" and self.at("("):
            return self.call(tok, pos)
        if kind == "name":
            if tok in FUNCTIONS:
                raise self.error(f"{tok!r} is a function: call it as {tok}(...)", pos)
            return Var(tok, pos)
        if kind == "op" and tok == "(":
            node = self.nested(self.expr, pos)
            self.close(pos)
            return node
        what = "end of input" if kind == "end" else repr(tok)
        raise self.error(f"unexpected {what}; expected a number, a variable, a function call or '('", pos)

    def call(self, name: str, pos: int) -> Call:
        if name not in FUNCTIONS:
            raise self.error(f"unknown function {name!r}; known: {', '.join(sorted(FUNCTIONS))}", pos)
        args = []
        while not args or self.at(","):
            self.take()  # the '(' then each ','
            args.append(self.nested(self.expr, pos))
        self.close(pos)
        if len(args) != FUNCTIONS[name]:
            raise self.error(f"{name}() takes {FUNCTIONS[name]} argument(s), got {len(args)}", pos)
        return Call(name, tuple(args), pos)

    def close(self, open_pos: int) -> None:
        if not self.at(")"):
            found = "end of input" if self.peek()[0] == "end" else repr(self.peek()[1])
            raise self.error(f"missing ')' for the '(' at position {open_pos}, found {found}")
        self.take()


def parse(text: str) -> Expr:
    """The expression tree of `text`; raises FormulaError (with a caret under the culprit) when it is malformed."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula is {len(text)} characters long, the limit is {MAX_LENGTH}", MAX_LENGTH)
    if not text.strip():
        raise FormulaError("empty formula", len(text), text)
    p = _Parser(text)
    node = p.expr()
    if p.peek()[0] != "end":
        raise p.error(f"unexpected {p.peek()[1]!r}")
    return node


def variables(expr: Expr) -> list[str]:
    """The variable names in order of first appearance (left to right in the text)."""
    return list(_first_uses(expr))


def _first_uses(expr: Expr) -> dict[str, int]:
    """Variable name -> position of its first use, in order of first appearance (iterative pre-order walk)."""
    first, stack = {}, [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Var):
            first.setdefault(node.name, node.pos)
        stack.extend(reversed(node.children))
    return first


def evaluate(expr: Expr | str, values: dict, dtype=None):
    """(output, leaves): the formula built from chainrule ops, one requires_grad leaf per variable (float64).

    After `output.backward()`, `leaves[name].grad` holds d output / d name. Other numbers become constant tensors,
    except a literal exponent (x ** 2), which stays a Python float.
    """
    import chainrule

    text, expr = (expr, parse(expr)) if isinstance(expr, str) else (None, expr)
    dtype = chainrule.float64 if dtype is None else dtype
    leaves = {}
    for name, pos in _first_uses(expr).items():
        if name not in values:
            raise FormulaError(f"no value for variable {name!r} (given: {', '.join(values) or 'none'}); "
                               f"pass {name}=<number>", pos, text)
        leaves[name] = chainrule.tensor(values[name], dtype=dtype, requires_grad=True)

    def build(node: Expr):
        if isinstance(node, Var):
            return leaves[node.name]
        if isinstance(node, Num):
            return chainrule.tensor(node.value, dtype=dtype)
        if isinstance(node, Unary):
            return -build(node.operand) if node.op == "-" else build(node.operand)
        if isinstance(node, Call):
            return getattr(chainrule, _CHAINRULE_OP.get(node.name, node.name))(*map(build, node.args))
        literal_exponent = node.op == "**" and isinstance(node.right, Num)
        return _OPERATORS[node.op](build(node.left), node.right.value if literal_exponent else build(node.right))

    return build(expr), leaves
