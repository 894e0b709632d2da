"""Sets of papers as Python ints, one bit per paper: AND, OR and NOT run in C over whole catalogues.

Paper ``i`` of ``n`` is bit ``n - 1 - i``, so the binary digits of a set read in catalogue order:
building a set from indices is one ``bytearray`` of ASCII digits and ``int(digits, 2)``, and
listing a set is the reverse. Both cost a few milliseconds per million papers.
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import compress

_DIGIT_TO_FLAG = bytes.maketrans(b"01", b"\x00\x01")
_FLAG_TO_DIGIT = bytes.maketrans(b"\x00\x01", b"01")
_ANY_BIT = bytes.maketrans(bytes(range(256)), b"\x00" + b"\x01" * 255)
_BITS_OF_BYTE = [tuple(o for o in range(8) if byte >> (7 - o) & 1) for byte in range(256)]


class Universe:
    """The catalogue size and the helpers that turn index lists into bit sets and back."""

    __slots__ = ("_indices", "_pad", "all", "size")

    # Listing a window of papers shifts the whole set first: windows grow, so that listing a
    # set piece by piece costs a few shifts, while the first screen costs one small window.

    def __init__(self, size: int) -> None:
        self.size = size
        """How many papers."""
        self.all = (1 << size) - 1
        """The set of every paper."""
        self._pad = -size % 8
        # Shared int objects for the answers: listing a set then allocates no new ints.
        self._indices = list(range(size))

    def from_indices(self, *chunks: Collection[int]) -> int:
        """The set of the paper indices in ``chunks`` (any order, repeats allowed)."""
        if not self.size:
            return 0
        total = sum(map(len, chunks))
        if total * 32 < self.size:
            # Few papers: set bits in a packed buffer an eighth the size of the digit string.
            packed = bytearray((self.size + 7) // 8)
            for chunk in chunks:
                for index in chunk:
                    packed[index >> 3] |= 128 >> (index & 7)
            return int.from_bytes(packed, "big") >> self._pad
        digits = bytearray(b"0") * self.size
        for chunk in chunks:
            for index in chunk:
                digits[index] = 49
        return int(digits, 2)

    def from_flag_bytes(self, flags: bytes) -> int:
        """The set of papers whose byte in ``flags`` (one per paper, in catalogue order) is 1."""
        return int(flags.translate(_FLAG_TO_DIGIT), 2) if flags else 0

    def flags(self, bits: int) -> bytes:
        """One byte per paper, in catalogue order: 1 for the papers in ``bits``, else 0."""
        if not self.size:
            return b""
        return format(bits, f"0{self.size}b").encode("ascii").translate(_DIGIT_TO_FLAG)

    def indices(self, bits: int, start: int = 0, stop: int | None = None) -> list[int]:
        """The papers in ``bits`` (only those from ``start`` to before ``stop``), in order."""
        stop = self.size if stop is None else min(stop, self.size)
        width = stop - start
        if width <= 0 or not bits:
            return []
        if width != self.size:
            bits = (bits >> (self.size - stop)) & ((1 << width) - 1)
        count = bits.bit_count()
        if count * 8 > width:
            digits = format(bits, f"0{width}b").encode("ascii").translate(_DIGIT_TO_FLAG)
            return list(compress(self._indices[start:stop], digits))
        packed = (bits << (-width % 8)).to_bytes((width + 7) // 8, "big")
        every = self._indices
        if count * 256 > width:
            return [
                every[start + 8 * byte + offset]
                for byte in compress(range(len(packed)), packed)
                for offset in _BITS_OF_BYTE[packed[byte]]
            ]
        # Very few: the bytes holding them found by memchr (bytes.find) in a copy with each such
        # byte made 1, not tested one by one (10 papers among 100k: 0.36 -> 0.07 ms).
        marked = packed.translate(_ANY_BIT)
        listed = []
        byte = marked.find(1)
        while byte >= 0:
            first = start + 8 * byte
            listed += [every[first + offset] for offset in _BITS_OF_BYTE[packed[byte]]]
            byte = marked.find(1, byte + 1)
        return listed
