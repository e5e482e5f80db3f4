"""A list of paths held compactly: the one list a batch keeps of every document it processes.

A batch needs every path it will process before the first result (the tables are written in
path order while results arrive: kehoach.export.stream), and the pool of workers hands them
out one by one (kehoach.supervise). As Python strings, 100,000 paths take about 12 MB (an
object of some 110 bytes each, and a pointer); here they are the beginning all of them share
(the folder of the batch), once, and one bytes buffer of what follows it in each (UTF-8,
surrogate escapes of undecodable names kept) with an array of offsets: about 3.5 MB for
100,000 paths in a folder of folders of 1,000 files. A path is decoded when asked for.

`PathList` is an immutable sequence of str: indexing, iteration, `len`, `in`, `index` and
comparison with other sequences behave as for a list of the same paths. `find` is the place
of a path in a sorted PathList (a binary search over the bytes, which sort as the strings do).
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

_ENC = "utf-8"
_ERR = "surrogatepass"


class PathList(Sequence[str]):
    def __init__(self, paths: Iterable[str] = ()) -> None:
        buf = bytearray()
        ends = array("Q")
        common: bytes | None = None  # the beginning every path has
        for p in paths:
            raw = p.encode(_ENC, _ERR)
            if common is None:
                common = raw
            elif not raw.startswith(common):
                k = 0
                for a, b in zip(common, raw, strict=False):
                    if a != b:
                        break
                    k += 1
                common = common[:k]
            buf += raw
            ends.append(len(buf))
        self._prefix = common or b""
        cut = len(self._prefix)
        if cut:  # held once: each path keeps what follows it
            start, rest = 0, bytearray()
            for i, end in enumerate(ends):
                rest += buf[start + cut:end]
                start, ends[i] = end, len(rest)
            buf = rest
        self._buf: bytes | bytearray = buf  # (not copied into bytes: private, never changed)
        self._ends = ends

    def __len__(self) -> int:
        return len(self._ends)

    def _raw(self, i: int) -> bytes | bytearray:
        ends = self._ends
        return self._buf[ends[i - 1] if i else 0:ends[i]]

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> PathList: ...

    def __getitem__(self, i: int | slice) -> str | PathList:
        if isinstance(i, slice):
            return PathList(self[k] for k in range(*i.indices(len(self))))
        n = len(self._ends)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("PathList index out of range")
        return (self._prefix + self._raw(i)).decode(_ENC, _ERR)

    def __iter__(self) -> Iterator[str]:
        buf, start, prefix = self._buf, 0, self._prefix
        for end in self._ends:
            yield (prefix + buf[start:end]).decode(_ENC, _ERR)
            start = end

    def find(self, path: str) -> int:
        """The first place of `path` in this list, sorted, or -1 (a binary search)."""
        key = path.encode(_ENC, _ERR)
        if not key.startswith(self._prefix):
            return -1
        key = key[len(self._prefix):]
        lo, hi = 0, len(self._ends)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._raw(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self._ends) and self._raw(lo) == key else -1

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PathList):
            return self._prefix == other._prefix and self._buf == other._buf and self._ends == other._ends
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=False))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PathList({list(self)!r})"

    @property
    def nbytes(self) -> int:
        """Bytes held (the shared beginning, the buffer and the offsets)."""
        return len(self._prefix) + len(self._buf) + self._ends.itemsize * len(self._ends)


class Pending:
    """The documents not yet handed to a worker: the paths of a sequence in order, taken from
    the front (`popleft`), with those given back (`appendleft`: a worker died before starting
    one) taken first. Holds a position in the sequence, not a copy of it."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = paths
        self.i = 0
        self.back: deque[str] = deque()

    def popleft(self) -> str:
        if self.back:
            return self.back.popleft()
        if self.i >= len(self.paths):
            raise IndexError("pop from an empty Pending")
        self.i += 1
        return self.paths[self.i - 1]

    def appendleft(self, path: str) -> None:
        self.back.appendleft(path)

    def __len__(self) -> int:
        return len(self.back) + len(self.paths) - self.i

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[str]:
        yield from self.back
        for k in range(self.i, len(self.paths)):
            yield self.paths[k]
