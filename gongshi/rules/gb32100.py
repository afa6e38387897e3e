"""The check character of a 统一社会信用代码 (GB 32100-2015), plain Python without Django.

Eighteen characters from a 31-character alphabet (digits and capitals without I, O, S,
V, Z); the last one is computed from the first seventeen with the weights 3^i mod 31
(1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28).
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: value for value, char in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]
LENGTH = 18


def check_character(first17: str) -> str:
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]
