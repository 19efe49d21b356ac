import pytest

from registry.credit_code import ALPHABET, check_char, credit_code_error, make_code, normalize

# Widely published examples of well-formed codes.
VALID = ["91350100M000100Y43", "91110000802100433B"]


@pytest.mark.parametrize("code", VALID)
def test_published_codes_are_valid(code):
    assert credit_code_error(code) is None


def test_make_code_appends_the_check_character():
    code = make_code("91110106MA01QR001")
    assert len(code) == 18
    assert credit_code_error(code) is None
    assert check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", VALID)
def test_every_single_character_corruption_is_rejected(code):
    """Change any one character to any other symbol of the alphabet: the code must fail."""
    corruptions = 0
    for position in range(18):
        for symbol in ALPHABET:
            if symbol == code[position]:
                continue
            corrupted = code[:position] + symbol + code[position + 1 :]
            assert credit_code_error(corrupted) is not None, corrupted
            corruptions += 1
    assert corruptions == 18 * 30


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("9135010", "18位"),
        ("91350100M000100Y4311", "18位"),
        ("91350100M000100I43", "不允许的字符"),
        ("91350100M000100O43", "不允许的字符"),
        ("913501A0M000100Y43", "行政区划码"),
        ("91350100M000100Y44", "校验位"),
    ],
)
def test_malformed_codes_say_why(code, fragment):
    assert fragment in credit_code_error(code)


def test_normalize_strips_blanks_and_upper_cases():
    assert normalize(" 91350100m000100y43 ") == "91350100M000100Y43"
