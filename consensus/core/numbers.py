"""Exact numbers as text: a fraction as ``2/3``, a decimal as ``54.03`` when it has an exact one."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def number_text(value: Fraction) -> str:
    """An exact number as a decimal when it is one, else as a fraction (e.g. 2/3 × 7 = 14/3)."""
    if value.denominator == 1:
        return str(value.numerator)
    for digits in range(1, 11):
        scaled = value * 10**digits
        if scaled.denominator == 1:
            return format(Decimal(scaled.numerator) / Decimal(10**digits), "f")
    return fraction_text(value)
