"""A small, safe arithmetic language for the seed's point formulas ("Điểm = Tỷ lệ x Điểm tối đa").

Checklists write an expression over named quantities, e.g.::

    rule: {type: formula, expression: "max_points * min(1, ratio / 0.8)"}
    input: {kind: quantities, values: {ratio: survey.documents_electronic_share}}

Only numbers, the names the input binds (plus ``max_points``), + - * /, comparisons,
``a if cond else b``, ``and``/``or``/``not`` and the functions min, max, floor and clamp are
allowed; anything else is refused when the checklist loads. Arithmetic is exact (fractions), so
band edges do not drift.
"""

from __future__ import annotations

import ast
import math
from fractions import Fraction
from typing import Any, Callable

FUNCTIONS: dict[str, Callable[..., Fraction]] = {
    "min": lambda *a: min(a),
    "max": lambda *a: max(a),
    "floor": lambda a, step=Fraction(1): Fraction(math.floor(a / step)) * step,
    "clamp": lambda a, low, high: max(low, min(high, a)),
}

_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: None}
_COMPARE = {ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,
            ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
            ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b}


class FormulaError(ValueError):
    """The expression is not one this language allows (said when a checklist loads)."""


class ZeroDivision(ArithmeticError):
    """A division by a quantity that is 0; names the quantity."""


def parse(expression: str, names: set[str]) -> ast.Expression:
    """Parse and check an expression; raises FormulaError naming what is not allowed."""
    try:
        tree = ast.parse(str(expression), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"sai cú pháp: {exc.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.Load, ast.IfExp, ast.BoolOp, ast.And, ast.Or,
                             ast.Not, ast.USub, ast.UAdd)):
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            continue
        if isinstance(node, tuple(_BINARY)) or isinstance(node, tuple(_COMPARE)):
            continue
        if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            continue
        if isinstance(node, ast.Name):
            if node.id in names or node.id in FUNCTIONS:
                continue
            raise FormulaError(f"không có tên {node.id!r} (các tên có: "
                               f"{', '.join(sorted(names))})")
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS \
                    and not node.keywords:
                continue
            raise FormulaError("chỉ được gọi các hàm min, max, floor và clamp")
        raise FormulaError(f"{type(node).__name__} không được phép dùng trong công thức")
    return tree


def evaluate(tree: ast.Expression, values: dict[str, Fraction]) -> Fraction:
    """The value of a parsed expression with exact arithmetic."""

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return Fraction(str(node.value))
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = ev(node.operand)
            if isinstance(node.op, ast.Not):
                return not operand
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Div):
                if right == 0:
                    raise ZeroDivision(ast.unparse(node.right))
                return Fraction(left) / Fraction(right)
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            for op, comparator in zip(node.ops, node.comparators):
                right = ev(comparator)
                if not _COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.BoolOp):
            results = [ev(v) for v in node.values]
            return all(results) if isinstance(node.op, ast.And) else any(results)
        if isinstance(node, ast.IfExp):
            return ev(node.body) if ev(node.test) else ev(node.orelse)
        if isinstance(node, ast.Call):
            return FUNCTIONS[node.func.id](*[ev(a) for a in node.args])
        raise FormulaError(f"{type(node).__name__} không được phép dùng trong công thức")

    result = ev(tree)
    if isinstance(result, bool):
        return Fraction(int(result))
    return Fraction(result)
