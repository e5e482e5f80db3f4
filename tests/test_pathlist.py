"""kehoach.pathlist: the compact list of a batch's paths behaves as the list of str it stands for."""

from __future__ import annotations

import bisect
import os
import sys
from pathlib import Path

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
    # a shared beginning that ends inside a character: "à" and "á" share their first UTF-8 byte
    accents = ["/d/à.txt", "/d/á.txt"]
    pl = PathList(accents)
    assert pl == accents and pl.find("/d/á.txt") == 1 and pl.find("/d/à.txt") == 0


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


def _reference(roots: list[Path]) -> list[str]:
    """Every supported file under `roots` by os.walk, sorted once at the end (how find did it
    before it streamed)."""
    from kehoach.read import supported_suffixes

    out = set()
    for root in roots:
        if not root.is_dir():
            out.add(str(root))
            continue
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if not x.startswith(".")]
            out.update(str(Path(d) / n) for n in names
                       if not n.startswith(".") and Path(n).suffix.lower() in supported_suffixes())
    return sorted(out)


def test_find_gives_every_file_of_a_tree_sorted_without_sorting_them_all(tmp_path: Path) -> None:
    from kehoach.run import find

    names = ["a.txt", "a-b.txt", "a0.txt", "a/x.txt", "a/b/y.txt", "a/b.txt", "a b/z.txt", "ả.txt",
             "Z.txt", "_.txt", "a/b-c/q.txt", "a/b0/r.txt", "Đắk Lắk/kế hoạch.pdf", ".hidden/x.txt",
             ".h.txt", "sub/notes.xyz", "sub/w.docx"]
    for n in names:
        (tmp_path / n).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / n).write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "a", tmp_path / "link")  # a link to a folder: not followed
    roots = [tmp_path, tmp_path / "a" / "x.txt", tmp_path / "a"]  # overlapping: each file once
    found = find(roots)
    assert list(found.files) == _reference(roots)
    assert len(found.files) == 14
    assert str(tmp_path / "sub" / "notes.xyz") in found.skipped
    assert not any("/link/" in f or ".hidden" in f for f in found.files)
