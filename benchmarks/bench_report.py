"""Time `kehoach report` on a synthetic output folder of N plans (default 1,000) and check its size.

The tables are generated (seeded) with the shape of real runs: plans of the 63 pre-2025
provinces at every level, about 20 citations each drawn from a few hundred national and
local instruments (a few cited very often), channels for the communication plans, bodies with
roles and deadlines; they are written with the normal exporter (CSV, Parquet, SQLite).

    .venv/bin/python benchmarks/bench_report.py [--plans 1000] [--keep DIR]

Targets (issue 11): report built in < 10 s, file < 5 MB.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from kehoach import places
from kehoach.export.writer import write_tables
from kehoach.report import build_report

LEVELS = [("province", 0.25), ("department", 0.4), ("district", 0.3), ("commune", 0.05)]
CHANNELS = ["web_portal", "social_media", "press", "radio", "television", "conference", "training", "meeting",
            "contest", "visual", "print", "notice_board", "sms", "mobile_unit", "one_stop", "oral",
            "performance", "video", "hotline", "library", "study_tour", "app"]
BODY_TYPES = ["sở", "phòng", "văn phòng", "ban", "ubnd cấp huyện", "ubnd cấp xã", "mặt trận và đoàn thể",
              "báo chí", "đơn vị sự nghiệp", "sở, ban, ngành", "cơ quan, đơn vị", "lực lượng vũ trang"]
DEPARTMENTS = ["Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế",
               "Sở Giáo dục và Đào tạo", "Sở Khoa học và Công nghệ", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường",
               "Văn phòng Ủy ban nhân dân tỉnh", "Công an tỉnh", "Báo tỉnh", "Đài Phát thanh và Truyền hình tỉnh"]
NATIONAL = [("Nghị quyết", "NQ-CP", "Chính phủ"), ("Nghị định", "NĐ-CP", "Chính phủ"),
            ("Quyết định", "QĐ-TTg", "Thủ tướng Chính phủ"), ("Chỉ thị", "CT-TTg", "Thủ tướng Chính phủ"),
            ("Thông tư", "TT-BNV", "Bộ Nội vụ"), ("Nghị quyết", "NQ/TW", "Ban Chấp hành Trung ương")]


def generate(n_plans: int, seed: int = 11) -> dict[str, pd.DataFrame]:
    rnd = random.Random(seed)
    provinces = [{"province": p.name} for p in sorted(set(places.provinces().by_key.values()), key=lambda p: p.name)]
    instruments = []
    for i in range(400):  # national instruments
        typ, code, issuer = rnd.choice(NATIONAL)
        year = rnd.randint(2005, 2025)
        num = f"{rnd.randint(1, 200):02d}"
        iid = f"{num}-{code.replace('/', '/')}" if code == "NQ/TW" else f"{num}/{year}/{code}"
        instruments.append({"instrument_key": f"{iid}|{year}|", "instrument_id": iid, "type": typ, "year": year,
                            "issuer": issuer, "scope": "", "_w": 1 / (i + 1)})
    for p in provinces:  # local instruments, 8 per province
        for _ in range(8):
            year = rnd.randint(2018, 2025)
            iid = f"{rnd.randint(1, 400):02d}/KH-UBND"
            instruments.append({"instrument_key": f"{iid}|{year}|{p['province']}", "instrument_id": iid,
                                "type": "Kế hoạch", "year": year, "issuer": f"Ủy ban nhân dân tỉnh {p['province']}",
                                "scope": p["province"], "_w": 0.02})
    instruments = list({i["instrument_key"]: i for i in instruments}.values())  # a random key can repeat
    by_scope: dict[str, list[dict]] = {}
    for inst in instruments:
        by_scope.setdefault(inst["scope"], []).append(inst)
    national = by_scope[""]
    weights = [i["_w"] for i in national]

    docs, cits, chans, bodies, deadlines, links = [], [], [], [], [], []
    for n in range(n_plans):
        doc_id = f"{n:016x}"
        p = rnd.choice(provinces)
        level = rnd.choices([lv for lv, _ in LEVELS], [w for _, w in LEVELS])[0]
        year = rnd.randint(2019, 2026)
        issued = date(year, 1, 1) + timedelta(days=rnd.randint(0, 364))
        comm = rnd.random() < 0.6
        docs.append({"doc_id": doc_id, "source_path": f"plans/{p['province']}/{n:05d}.txt", "sha256": doc_id * 4,
                     "n_chars": rnd.randint(8000, 60000), "reader": "text", "encoding": "utf-8", "status": "ok",
                     "province_context": p["province"], "doc_type": rnd.choice(["Kế hoạch"] * 5 + ["Quyết định"]),
                     "doc_number": f"{rnd.randint(1, 300)}/KH-UBND", "doc_symbol": "KH-UBND",
                     "issuer": f"Ủy ban nhân dân tỉnh {p['province']}", "issuer_level": level,
                     "province": p["province"], "province_current": p["province_current"], "scope": p["province"],
                     "issue_date": issued.isoformat(), "date_precision": "day",
                     "title": ("Kế hoạch tuyên truyền cải cách hành chính năm " if comm else
                               "Kế hoạch thực hiện Chương trình chuyển đổi số năm ") + str(year),
                     "period_start": year, "period_end": year, "confidence": 0.95, "seconds": 0.02})
        pos = 200
        chosen = rnd.choices(national, weights, k=rnd.randint(8, 25)) + rnd.sample(by_scope[p["province"]], 2)
        for inst in chosen:
            for _ in range(rnd.choice([1, 1, 2])):
                cits.append({"doc_id": doc_id, "instrument_id": inst["instrument_id"],
                             "instrument_key": inst["instrument_key"], "type": inst["type"], "year": inst["year"],
                             "issuer": inst["issuer"], "scope": inst["scope"], "basis": pos < 1500,
                             "mention": f"{inst['type']} số {inst['instrument_id']}", "start": pos, "end": pos + 30})
                pos += rnd.randint(40, 400)
        for inst in {i["instrument_key"]: i for i in chosen[:3]}.values():
            links.append({"doc_id": doc_id, "instrument_key": inst["instrument_key"],
                          "instrument_id": inst["instrument_id"], "relation": "implements", "cue": "Thực hiện",
                          "mention": inst["instrument_id"], "start": 100, "end": 130})
        if comm:
            for _ in range(rnd.randint(6, 25)):
                c = CHANNELS[min(int(rnd.expovariate(0.25)), len(CHANNELS) - 1)]
                chans.append({"doc_id": doc_id, "channel": c, "mention": c, "section": "III.2",
                              "start": pos, "end": pos + 12})
                pos += rnd.randint(20, 300)
        for _ in range(rnd.randint(5, 25)):
            body = rnd.choice(DEPARTMENTS)
            bodies.append({"doc_id": doc_id, "body": body, "body_norm": body, "body_type": rnd.choice(BODY_TYPES),
                           "role": rnd.choice(["lead", "lead", "support", "support", "requested", "report_to"]),
                           "mention": body, "task": "Tổ chức tuyên truyền các nội dung của kế hoạch",
                           "section": f"IV.{rnd.randint(1, 9)}", "start": pos, "end": pos + len(body)})
            pos += rnd.randint(30, 500)
        for _ in range(rnd.randint(2, 10)):
            if rnd.random() < 0.7:
                d = issued + timedelta(days=rnd.randint(10, 700))
                row = {"date": d.isoformat(), "precision": "day", "text": f"trước ngày {d.day}/{d.month}/{d.year}"}
            else:
                row = {"recurrence": rnd.choice(["monthly", "quarterly", "half-yearly", "yearly", "continuous"]),
                       "text": "định kỳ"}
            deadlines.append({"doc_id": doc_id, **row, "section": "IV.1", "start": pos, "end": pos + 20})
            pos += rnd.randint(50, 500)

    cit_df = pd.DataFrame(cits)
    used = set(cit_df["instrument_key"])
    counts = cit_df.groupby("instrument_key").agg(n_documents=("doc_id", "nunique"), n_mentions=("doc_id", "size"))
    inst_df = pd.DataFrame([{k: v for k, v in i.items() if k != "_w"} for i in instruments
                            if i["instrument_key"] in used]).set_index("instrument_key")
    inst_df = inst_df.join(counts).reset_index()
    return {"documents": pd.DataFrame(docs), "citations": cit_df, "instruments": inst_df,
            "channels": pd.DataFrame(chans), "bodies": pd.DataFrame(bodies), "deadlines": pd.DataFrame(deadlines),
            "links": pd.DataFrame(links)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--keep", type=Path, help="write the output folder and report here (kept)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kehoach-bench-report-") as tmp:
        out = args.keep or Path(tmp)
        t0 = time.perf_counter()
        tables = generate(args.plans)
        write_tables(out, tables)
        t1 = time.perf_counter()
        target = out / "report.html"
        build_report(out, target)
        t2 = time.perf_counter()
        size = target.stat().st_size
        rows = sum(len(df) for df in tables.values())
        print(f"{args.plans} plans, {rows:,} table rows (generated and exported in {t1 - t0:.1f} s)")
        print(f"report: {t2 - t1:.2f} s, {size / 1e6:.2f} MB -> {target}")
        ok = (t2 - t1) < 10 and size < 5e6
        print("targets (< 10 s, < 5 MB):", "met" if ok else "NOT met")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
