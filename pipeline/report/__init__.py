"""`kehoach report OUT -o report.html`: one self-contained HTML page comparing the plans of an
output folder (plans by province, level, year and type; most-cited instruments and an
instrument x province heatmap; channel mix per province; lead bodies by type; deadlines on a
timeline; `kehoach check` flags when flags.csv exists; a documents table).

Charts are static SVG drawn by kehoach.report.charts: no JavaScript, nothing loaded from the
network (the page's Content-Security-Policy forbids it), small enough for thousands of plans.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from kehoach import places
from kehoach.report import charts
from kehoach.rules import load_yaml

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
UNKNOWN = "(không rõ)"
CENTRAL = "(trung ương)"  # plans of national bodies have no province
TOP_INSTRUMENTS = 25
HEATMAP_INSTRUMENTS = 20
TOP_CHANNELS = 9
DOC_ROWS_MAX = 5000  # the documents table lists at most this many plans (the page stays light)

_LABELS = load_yaml("report_labels.yaml")  # Vietnamese labels of the table codes
LEVELS: dict[str, str] = _LABELS["levels"]
CHANNELS: dict[str, str] = _LABELS["channels"]
RECURRENCES: dict[str, str] = _LABELS["recurrences"]
ROLES: dict[str, str] = _LABELS["roles"]


# --- provinces: the 2025 merger, from the one table of administrative units ------------------

def current_provinces() -> list[str]:
    """The 34 provinces and centrally-run cities after the 2025 merger, sorted (Vietnamese order)."""
    return sorted(places.current_provinces(), key=_vi_key)


def current_province(province: str) -> str:
    """Province after the 2025 merger for a pre-2025 (or current) province name or alias; '' if unknown."""
    return places.province_current(province) or ""


def _fold(s: str) -> str:
    return " ".join(str(s or "").replace("-", " ").split()).casefold()


_VI_ORDER = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệfghiìỉĩíịjklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvwxyỳỷỹýỵz"
_VI_RANK = {c: i for i, c in enumerate(_VI_ORDER)}


def _vi_key(s: str) -> tuple[int, ...]:
    return tuple(_VI_RANK.get(c, 1000 + ord(c)) for c in s.casefold())


# --- reading an output folder ------------------------------------------------------------

def _read(out_dir: Path, name: str) -> pd.DataFrame:
    path = out_dir / f"{name}.csv"
    if not path.is_file():
        return pd.DataFrame()
    # object columns of Python str: iterating them is fast (arrow-backed strings are not)
    return pd.read_csv(path, dtype=object, keep_default_na=False, encoding="utf-8-sig")


def load_output(out_dir: Path) -> dict[str, pd.DataFrame]:
    names = ("documents", "citations", "instruments", "links", "channels", "bodies", "deadlines", "flags")
    return {n: _read(out_dir, n) for n in names}


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name] if name in df.columns else pd.Series([""] * len(df), index=df.index, dtype=object)


# --- the page ----------------------------------------------------------------------------

def _plans(docs: pd.DataFrame) -> pd.DataFrame:
    if docs.empty:
        return pd.DataFrame(columns=["doc_id", "prov", "level", "year", "type"])
    plans = docs[(_col(docs, "status") == "ok") & (_col(docs, "doc_id") != "")].copy()
    plans = plans.drop_duplicates("doc_id")
    mapped = [current_province(p) or current_province(pc) or (CENTRAL if lv == "national" else UNKNOWN)
              for p, pc, lv in zip(_col(plans, "province"), _col(plans, "province_current"),
                                   _col(plans, "issuer_level"), strict=True)]
    plans["prov"] = mapped
    plans["level"] = [LEVELS.get(v, v or UNKNOWN) for v in _col(plans, "issuer_level")]
    plans["year"] = [v[:4] if v[:4].isdigit() else UNKNOWN for v in _col(plans, "issue_date")]
    plans["type"] = [v or UNKNOWN for v in _col(plans, "doc_type")]
    return plans


def _counts(values: Any, order: list[str] | None = None) -> list[tuple[str, float]]:
    c = Counter(values)
    if order is not None:
        items = [(k, c.get(k, 0)) for k in order] + [(k, v) for k, v in c.items() if k not in order]
        return [(k, float(v)) for k, v in items]
    return [(k, float(v)) for k, v in sorted(c.items(), key=lambda kv: (-kv[1], _vi_key(kv[0])))]


def _instrument_label(row: dict[str, str]) -> str:
    if row.get("instrument_id"):
        label = f"{row.get('type') or ''} {row['instrument_id']}".strip()
        scope = row.get("scope") or ""
        return f"{label} ({scope})" if scope and scope != "?" else label
    return row.get("name") or row.get("instrument_key", "")


def _sections(tables: dict[str, pd.DataFrame], plans: pd.DataFrame) -> dict[str, Any]:
    prov_of = dict(zip(plans["doc_id"], plans["prov"], strict=True))
    provinces = current_provinces()
    s: dict[str, Any] = {}

    # plans by province, level, year, type
    s["by_province"] = charts.hbar(_counts(plans["prov"], provinces), "Số kế hoạch theo tỉnh, thành phố",
                                   max_chars=24)
    s["by_level"] = charts.hbar(_counts(plans["level"]), "Số kế hoạch theo cấp ban hành", width=460)
    years = sorted(set(plans["year"]) - {UNKNOWN}) + ([UNKNOWN] if UNKNOWN in set(plans["year"]) else [])
    s["by_year"] = charts.vbar(_counts(plans["year"], years), "Số kế hoạch theo năm ban hành")
    s["by_type"] = charts.hbar(_counts(plans["type"]), "Số kế hoạch theo loại văn bản", width=460)

    # instruments: most cited (by plans), heatmap instrument x province
    cit = tables["citations"]
    cit = cit[_col(cit, "doc_id").isin(prov_of)] if not cit.empty else cit
    inst = tables["instruments"]
    labels: dict[str, str] = {}
    if not inst.empty:
        labels = {r["instrument_key"]: _instrument_label(r) for r in inst.to_dict("records")}
    pairs = set(zip(_col(cit, "doc_id"), _col(cit, "instrument_key"), strict=True)) if not cit.empty else set()
    n_plans = Counter(k for _, k in pairs if k)
    top = sorted(n_plans.items(), key=lambda kv: (-kv[1], kv[0]))
    s["n_instruments"] = len(n_plans)
    s["top_instruments"] = charts.hbar([(labels.get(k, k), float(v)) for k, v in top[:TOP_INSTRUMENTS]],
                                       "Văn bản được nhiều kế hoạch trích dẫn nhất", width=760, max_chars=48,
                                       unit=" kế hoạch")
    heat_keys = [k for k, _ in top[:HEATMAP_INSTRUMENTS]]
    by_kp = Counter((k, prov_of[d]) for d, k in pairs if k in set(heat_keys))
    heat_provs = [p for p in [*provinces, CENTRAL, UNKNOWN] if any(by_kp.get((k, p)) for k in heat_keys)]
    s["heatmap"] = charts.heatmap([labels.get(k, k) for k in heat_keys], heat_provs,
                                  [[by_kp.get((k, p), 0) for p in heat_provs] for k in heat_keys],
                                  "Văn bản × tỉnh: số kế hoạch trích dẫn", max_row_chars=44, unit=" kế hoạch")

    # channel mix per province (share of mentions; top channels + khác)
    ch = tables["channels"]
    ch = ch[_col(ch, "doc_id").isin(prov_of)] if not ch.empty else ch
    if ch.empty:
        s["channels"] = charts.empty("Không có kênh truyền thông (chỉ các kế hoạch tuyên truyền có kênh).")
        s["channel_plans"] = charts.empty()
    else:
        codes = [c for c, _ in Counter(ch["channel"]).most_common()]
        keep = codes[:TOP_CHANNELS] if len(codes) > TOP_CHANNELS + 1 else codes
        series = [CHANNELS.get(c, c) for c in keep] + (["khác"] if len(keep) < len(codes) else [])
        per = defaultdict(Counter)
        for d, c in zip(ch["doc_id"], ch["channel"], strict=True):
            per[prov_of[d]][c if c in keep else "khác"] += 1
        rows = [p for p in [*provinces, CENTRAL, UNKNOWN] if per.get(p)]
        values = [[per[p].get(c, 0) for c in keep] + ([per[p].get("khác", 0)] if "khác" in series else [])
                  for p in rows]
        s["channels"] = charts.stacked_hbar(rows, series, values, "Cơ cấu kênh truyền thông theo tỉnh (tỷ lệ lượt nêu)")
        plan_ch = ch.drop_duplicates(["doc_id", "channel"])
        s["channel_plans"] = charts.hbar([(CHANNELS.get(c, c), v) for c, v in _counts(plan_ch["channel"])],
                                         "Số kế hoạch dùng mỗi kênh", width=640, unit=" kế hoạch")

    # lead bodies by type
    b = tables["bodies"]
    b = b[_col(b, "doc_id").isin(prov_of)] if not b.empty else b
    lead = b[_col(b, "role") == "lead"] if not b.empty else b
    s["lead_types"] = charts.hbar(_counts([body_type_label(t) for t in _col(lead, "body_type")]),
                                  "Cơ quan chủ trì theo loại (lượt giao)", width=640, unit=" lượt")
    if not b.empty:
        roles = [r for r in ROLES if r in set(b["role"])]
        labels_b = [body_type_label(t) for t in b["body_type"]]
        types = [t for t, _ in _counts(labels_b)][:15]
        cnt = Counter(zip(labels_b, b["role"], strict=True))
        s["role_types"] = charts.heatmap(types, [ROLES[r] for r in roles],
                                         [[cnt.get((t, r), 0) for r in roles] for t in types],
                                         "Loại cơ quan × vai trò", cell=44, unit=" lượt")
        top_bodies = Counter(_col(lead, "body_norm").replace("", UNKNOWN)).most_common(15)
        s["lead_bodies"] = charts.hbar([(k, float(v)) for k, v in top_bodies], "Cơ quan chủ trì nhiều nhất",
                                       width=760, max_chars=52, unit=" lượt")
    else:
        s["role_types"] = s["lead_bodies"] = charts.empty()

    # deadlines on a timeline (by month), recurrences
    dl = tables["deadlines"]
    dl = dl[_col(dl, "doc_id").isin(prov_of)] if not dl.empty else dl
    dated = [(prov_of[d], x[:7]) for d, x in zip(_col(dl, "doc_id"), _col(dl, "date"), strict=True) if len(x) >= 7]
    if dated:
        months = [m for _, m in dated]
        lo, hi = min(months), max(months)
        span = _month_range(lo, hi)
        if len(span) > 48:  # a long span reads better by quarter
            months = [_quarter(m) for m in months]
            span = list(dict.fromkeys(_quarter(m) for m in span))
        c = Counter(months)
        s["timeline"] = charts.vbar([(m, float(c.get(m, 0))) for m in span], "Số thời hạn theo thời gian",
                                    every=max(1, len(span) // 24))
        s["timeline_range"] = (lo, hi, "quý" if len(span) < len(_month_range(lo, hi)) else "tháng")
        years = [str(y) for y in range(int(lo[:4]), int(hi[:4]) + 1)]
        by_py = Counter((p, m[:4]) for p, m in dated)
        rows = [p for p in [*provinces, CENTRAL, UNKNOWN] if any(by_py.get((p, y)) for y in years)]
        s["timeline_provinces"] = charts.heatmap(rows, years, [[by_py.get((p, y), 0) for y in years] for p in rows],
                                                 "Thời hạn theo tỉnh và năm", cell=40, unit=" thời hạn")
    else:
        s["timeline"] = charts.empty("Không có thời hạn có ngày cụ thể.")
        s["timeline_range"] = None
        s["timeline_provinces"] = charts.empty()
    rec = [RECURRENCES.get(r, r) for r in _col(dl, "recurrence") if r]
    s["recurrences"] = charts.hbar(_counts(rec), "Nhiệm vụ định kỳ", width=460, unit=" lượt")
    return s


def _quarter(month: str) -> str:
    return f"Q{(int(month[5:7]) - 1) // 3 + 1}/{month[:4]}"


def body_type_label(body_type: str) -> str:
    """'ubnd cấp xã' -> 'UBND cấp xã', 'sở' -> 'Sở' (body types are lower-case codes)."""
    if not body_type:
        return UNKNOWN
    words = [{"ubnd": "UBND", "hđnd": "HĐND"}.get(w, w) for w in body_type.split(" ")]
    label = " ".join(words)
    return label[0].upper() + label[1:]


def _month_range(lo: str, hi: str) -> list[str]:
    y, m = int(lo[:4]), int(lo[5:7])
    hy, hm = int(hi[:4]), int(hi[5:7])
    out = []
    while (y, m) <= (hy, hm) and len(out) < 600:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _flags(tables: dict[str, pd.DataFrame]) -> dict[str, Any] | None:
    flags = tables["flags"]
    if flags.empty and not list(flags.columns):
        return None
    kinds = _counts([k or UNKNOWN for k in _col(flags, "kind")])
    known = [c for c in ("doc_id", "instrument_key", "kind", "cited", "expected") if c in flags.columns]
    cols = (known + [c for c in flags.columns if c not in known])[:8]
    return {"n": len(flags), "chart": charts.hbar(kinds, "Cảnh báo theo loại", width=560),
            "columns": cols, "rows": flags[cols].head(500).to_dict("records")}


def _documents(tables: dict[str, pd.DataFrame], plans: pd.DataFrame, pages: dict[str, str]) -> list[dict[str, Any]]:
    def per_doc(name: str, mask_col: str | None = None, value: str | None = None) -> Counter:
        df = tables[name]
        if df.empty:
            return Counter()
        if mask_col:
            df = df[_col(df, mask_col) == value]
        return Counter(df["doc_id"])

    n_inst = Counter()
    cit = tables["citations"]
    if not cit.empty:
        n_inst = Counter(d for d, _ in set(zip(cit["doc_id"], cit["instrument_key"], strict=True)))
    n_ch = Counter()
    if not tables["channels"].empty:
        n_ch = Counter(tables["channels"].drop_duplicates(["doc_id", "channel"])["doc_id"])
    n_lead, n_dl = per_doc("bodies", "role", "lead"), per_doc("deadlines")
    rows = []
    ordered = plans.assign(_k=[_vi_key(p) for p in plans["prov"]]).sort_values(["_k", "issue_date"]) \
        if len(plans) else plans
    for r in ordered.head(DOC_ROWS_MAX).to_dict("records"):
        d = r["doc_id"]
        rows.append({"doc_id": d, "province": r["prov"], "level": r["level"], "number": r.get("doc_number", ""),
                     "date": r.get("issue_date", ""), "issuer": r.get("issuer", ""), "title": r.get("title", ""),
                     "n_instruments": n_inst.get(d, 0), "n_channels": n_ch.get(d, 0),
                     "n_lead": n_lead.get(d, 0), "n_deadlines": n_dl.get(d, 0), "page": pages.get(d, "")})
    return rows


def write_pages(tables: dict[str, pd.DataFrame], target: Path) -> tuple[dict[str, str], list[str]]:
    """`kehoach show` page of every plan into TARGET's folder, <report>_pages/<doc_id>.html.
    Returns doc_id -> relative link, and the source files that could not be rendered."""
    from kehoach.errors import DocumentError
    from kehoach.show import render

    folder = target.parent / f"{target.stem}_pages"
    folder.mkdir(parents=True, exist_ok=True)
    links: dict[str, str] = {}
    failed: list[str] = []
    docs = tables["documents"]
    if docs.empty:
        return links, failed
    for r in docs[(docs["status"] == "ok") & (docs["doc_id"] != "")].drop_duplicates("doc_id").to_dict("records"):
        src = Path(r["source_path"])
        try:
            page = render(src)
        except (DocumentError, OSError):
            failed.append(str(src))
            continue
        (folder / f"{r['doc_id']}.html").write_text(page, encoding="utf-8")
        links[r["doc_id"]] = f"{folder.name}/{r['doc_id']}.html"
    return links, failed


def render_report(out_dir: Path, pages: dict[str, str] | None = None,
                  tables: dict[str, pd.DataFrame] | None = None) -> str:
    out_dir = Path(out_dir)
    tables = tables if tables is not None else load_output(out_dir)
    plans = _plans(tables["documents"])
    docs = tables["documents"]
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    template = env.get_template("report.html.j2")
    sections = _sections(tables, plans)
    return template.render(
        source=str(out_dir),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        n_plans=len(plans),
        n_files=len(docs),
        n_errors=int((_col(docs, "status") == "error").sum()),
        n_provinces=len(set(plans["prov"]) - {UNKNOWN, CENTRAL}),
        n_unknown=int((plans["prov"] == UNKNOWN).sum()),
        s=sections,
        flags=_flags(tables),
        documents=_documents(tables, plans, pages or {}),
        doc_rows_max=DOC_ROWS_MAX,
    )


def build_report(out_dir: Path, target: Path, with_pages: bool = False) -> tuple[Path, list[str]]:
    """Write the report of output folder OUT_DIR to TARGET; return it and sources without a page."""
    tables = load_output(Path(out_dir))
    pages, failed = write_pages(tables, target) if with_pages else ({}, [])
    target.write_text(render_report(out_dir, pages, tables), encoding="utf-8")
    return target, failed
