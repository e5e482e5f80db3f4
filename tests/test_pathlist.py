"""kehoach.pathlist: the compact list of a batch's paths behaves as the list of str it stands for."""

from __future__ import annotations

import bisect
import sys

import pytest
from kehoach.pathlist import PathList, Pending

PATHS = sorted([
    "/d/Hà Nội/kế-hoạch-12.txt",
    "/d/Cao Bằng/quyết định 5.pdf",
    "/d/a.txt",
    "/d/a.txt",  # a path given twice
    "/d/b\udce9.txt",  # an undecodable name (surrogate escape)
    "/d/z/Đắk Lắk.docx",
])


def test_a_pathlist_is_the_list_it_was_made_of() -> None:
    pl = PathList(PATHS)
    assert len(pl) == len(PATHS)
    assert list(pl) == PATHS
    assert pl == PATHS
    assert PATHS == pl  # noqa: SIM300 (a list compared with a PathList)
    assert [pl[i] for i in range(len(pl))] == PATHS
    assert pl[-1] == PATHS[-1]
    assert pl[1:3] == PATHS[1:3]
    assert "/d/z/Đắk Lắk.docx" in pl and "/d/c.txt" not in pl
    assert pl != PATHS[:-1]
    with pytest.raises(IndexError):
        pl[len(PATHS)]


def test_find_is_the_first_place_of_a_path_in_sorted_order() -> None:
    pl = PathList(PATHS)
    for p in set(PATHS):
        assert pl.find(p) == bisect.bisect_left(PATHS, p)
    assert pl.find("/d/a.txt") == PATHS.index("/d/a.txt")  # the first of the two
    assert pl.find("/d/c.txt") == -1
    assert pl.find("") == -1
    assert pl.find("/z") == -1
    assert PathList().find("/d/a.txt") == -1


def test_utf8_bytes_sort_as_the_strings_do() -> None:
    # the binary search compares bytes: they must order the paths as Python orders the str
    names = ["a", "Z", "é", "ế", "\U0001f600", "b\udce9", "\x7f", "Đ"]
    pl = PathList(sorted(names))
    for n in names:
        assert pl[pl.find(n)] == n


def test_a_pathlist_takes_less_memory_than_the_strings() -> None:
    paths = [f"/tmp/kehoach-corpus/{i // 1000:03d}/{i:06d}-ke-hoach-tinh-cao-bang.txt" for i in range(5000)]
    as_str = sys.getsizeof(paths) + sum(sys.getsizeof(p) for p in paths)
    pl = PathList(paths)
    assert pl == paths
    assert pl.nbytes < 0.4 * as_str  # 40 bytes a path here (the folder held once), against 117 as str


def test_paths_with_nothing_in_common_and_one_path() -> None:
    paths = ["/a/x.txt", "b.txt", "c/d.pdf"]
    pl = PathList(paths)
    assert pl == paths and pl.find("b.txt") == 1 and pl.find("/a/x.txt") == 0
    one = PathList(["/only/one.txt"])
    assert one == ["/only/one.txt"] and one.find("/only/one.txt") == 0
    assert one.find("/only/one.tx") == -1 and one.find("/only/one.txt2") == -1
    assert PathList([]) == [] and len(PathList()) == 0


def test_pending_hands_out_paths_in_order_with_given_back_ones_first() -> None:
    pl = PathList(["/a", "/b", "/c"])
    pending = Pending(pl)
    assert len(pending) == 3 and pending
    assert pending.popleft() == "/a"
    pending.appendleft("/a")  # a worker died before starting it
    assert list(pending) == ["/a", "/b", "/c"]
    assert [pending.popleft() for _ in range(3)] == ["/a", "/b", "/c"]
    assert not pending and len(pending) == 0
    with pytest.raises(IndexError):
        pending.popleft()
