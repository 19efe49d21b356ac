"""Unified social credit code (统一社会信用代码), GB 32100-2015.

Eighteen characters from a 31-symbol alphabet (digits and capitals without I, O, Z, S, V); the
last one is a check character computed from the first seventeen with weights 3^i mod 31.
Pure functions, no Django: used by the model validator, the imports and the demo generator.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def check_char(body: str) -> str:
    """The check character for the first 17 characters of a code (GB 32100-2015 §5)."""
    if len(body) != LENGTH - 1:
        raise ValueError("body must be 17 characters")
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    """Strip blanks and upper-case, so that a pasted code compares equal to the registry's."""
    return "".join(code.split()).upper()


def credit_code_error(code: str) -> str | None:
    """Why `code` is not a valid unified social credit code, in Chinese; None when it is valid."""
    if len(code) != LENGTH:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{''.join(bad)}"
    if not code[2:8].isdigit():
        return "统一社会信用代码第3至8位（登记管理机关行政区划码）应为数字"
    if check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确"
    return None


def make_code(body: str) -> str:
    """A full, valid code from a 17-character body (demo data and tests)."""
    return body + check_char(body)
