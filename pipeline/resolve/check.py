"""`kehoach check`: what each plan cites, what it should cite, and which citations are wrong.

Input: the citations and documents tables (an output folder of `kehoach extract`, or the
documents themselves, extracted on the way). Truth: the registry (pipeline/resolve/registry.py:
the corpus' own documents, curated rows, --registry files, the consensus of the corpus).
Output: flags, matrix, missing and the registry used (models/schema/{flags,matrix,missing,
registry}.yaml), and check.xlsx. Settings: models/registry/check.yaml; required-instrument
rules: models/check_rules.yaml.

A flag is raised only when it is well supported: a document or curated truth, the code of the
number-symbol itself, or a consensus of enough documents (settings `consensus`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import regex
from kehoach.export.schema import columns, schemas
from kehoach.extract.grammar.codes import codes
from kehoach.normalize import TIMEOUT
from kehoach.places import provinces
from kehoach.resolve import registry as reg
from kehoach.resolve.registry import s
from kehoach.rules import load_csv, load_yaml, model_path

SETTINGS = "registry/check.yaml"
RULES = "check_rules.yaml"
KINDS = ("date", "issuer", "type", "number", "replaced", "expired", "former_province", "inconsistent")


# ---------------------------------------------------------------- codes of a number-symbol

@dataclass(frozen=True)
class Symbol:
    type_code: str | None
    issuer_codes: tuple[str, ...]
    year: int | None
    party: bool


def parse_symbol(instrument_id: str) -> Symbol:
    """Type code, issuer code(s) and year written in a canonical id: '61/2018/NĐ-CP' ->
    (NĐ, (CP,), 2018); '80/2015/QH13' -> (None, (QH,), 2015); '18-NQ/TW' -> (NQ, (TW,))."""
    c = codes()
    parts = instrument_id.split("/")
    year = next((int(p) for p in parts[1:-1] if p.isdigit() and len(p) == 4), None)
    if "-" in parts[0] and len(parts) == 2:  # party: 18-NQ/TW
        _, _, typ = parts[0].partition("-")
        issuers = tuple(parts[1].split("-"))
        return Symbol(typ or None, issuers, year, True)
    segs = parts[-1].split("-")
    typ = c.canonical(segs[0]) if c.canonical(segs[0]) in c.state_types and len(segs) > 1 else None
    issuer_segs = segs[1:] if typ else segs
    issuers = tuple(regex.sub(r"\d+$", "", c.canonical(x)) for x in issuer_segs if x)
    return Symbol(typ, issuers, year, False)


# ---------------------------------------------------------------- settings and small helpers

@dataclass
class Settings:
    min_documents: int
    min_agree: int
    min_share: float
    confidence: dict[str, float]
    authority: dict[str, frozenset[str]]
    authority_names: dict[str, list[str]]
    titles: tuple[str, ...]
    equivalents: dict[str, str]
    loose_types: frozenset[str]
    not_in_force: tuple[str, ...]
    in_force: tuple[str, ...]
    merger_date: str
    former_marks: tuple[str, ...]
    national: dict[str, frozenset[str]] = field(default_factory=dict)  # body name -> its codes


@cache
def settings() -> Settings:
    cfg = load_yaml(SETTINGS)
    equivalents: dict[str, str] = {}
    for group in cfg.get("type_equivalents", []):
        for word in group:
            equivalents[word] = group[0]
    national: dict[str, frozenset[str]] = {}
    for row in load_csv("issuers_national.csv"):
        cs = frozenset(x for x in row["codes"].split(";") if x)
        for name in [row["name"], *[a for a in row["aliases"].split(";") if a]]:
            national[_fold_issuer(name, ())] = cs
    titles = tuple(sorted(cfg["issuer_titles"], key=len, reverse=True))
    return Settings(
        min_documents=int(cfg["consensus"]["min_documents"]),
        min_agree=int(cfg["consensus"]["min_agree"]),
        min_share=float(cfg["consensus"]["min_share"]),
        confidence={k: float(v) for k, v in cfg["confidence"].items()},
        authority={k: frozenset(_fold_issuer(x, ()) for x in v) for k, v in cfg["authority"].items()},
        authority_names={k: list(v) for k, v in cfg["authority"].items()},
        titles=titles,
        equivalents=equivalents,
        loose_types=frozenset(cfg.get("loose_type_words", [])),
        not_in_force=tuple(x.casefold() for x in cfg["not_in_force_cues"]),
        in_force=tuple(x.casefold() for x in cfg["in_force_cues"]),
        merger_date=str(cfg["merger_date"]),
        former_marks=tuple(x.casefold() for x in cfg["former_marks"]),
        national=national,
    )


def _fold_issuer(name: str, titles: tuple[str, ...] | None = None) -> str:
    """Compare issuers without case, spacing, or a minister's title before the body."""
    name = " ".join(name.split())
    for t in settings().titles if titles is None else titles:
        if name.casefold().startswith(t.casefold() + " "):
            name = name[len(t) + 1:]
            break
    return name.casefold()


def _same_issuer(a: str, b: str) -> bool:
    """Same body, one name possibly longer ("Ủy ban nhân dân tỉnh X" and the header's
    "Ủy ban nhân dân tỉnh X" followed by noise); "Thủ tướng Chính phủ" is not "Chính phủ"."""
    fa, fb = _fold_issuer(a), _fold_issuer(b)
    return fa == fb or fa.startswith(fb + " ") or fb.startswith(fa + " ")


def _date(value: str) -> str:
    """Earliest day an ISO date or a partial one ('2025-07', '2025') can be."""
    value = s(value)
    if len(value) == 4:
        return value + "-01-01"
    if len(value) == 7:
        return value + "-01"
    return value


def _vn_date(iso: str) -> str:
    try:
        d = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _swapped(cited: str, truth: str) -> bool:
    return len(cited) == 10 == len(truth) and cited[:4] == truth[:4] and cited[5:7] == truth[8:10] \
        and cited[8:10] == truth[5:7]


def _type_word(mention: str) -> str | None:
    """The type word a mention starts with, canonical ('Nghị quyết'); None when generic or none."""
    c = codes()
    low = mention.casefold()
    best = None
    for word, canon in c.type_words.items():
        if low.startswith(word) and (len(low) == len(word) or not low[len(word)].isalpha()) and (
            best is None or len(word) > len(best[0])
        ):
            best = (word, canon)
    if best is None or best[0] in c.generic_type_words:
        return None
    return best[1]


def _same_type(a: str, b: str) -> bool:
    eq = settings().equivalents
    return eq.get(a, a) == eq.get(b, b)


# ---------------------------------------------------------------- flags

@dataclass
class Truth:
    row: dict[str, Any]

    @property
    def source(self) -> str:
        return s(self.row.get("truth_source")) or "curated"

    def supports(self, fieldname: str) -> tuple[bool, float, str]:
        """(well supported, confidence, note) for one field of this truth."""
        st = settings()
        if self.source != "consensus":
            return bool(s(self.row.get(fieldname))), st.confidence.get(self.source, 0.95), ""
        m = int(s(self.row.get("n_documents")) or 0)
        n = int(s(self.row.get(f"n_{fieldname}")) or 0)
        ok = m >= st.min_documents and n >= st.min_agree and n / max(m, 1) >= st.min_share
        return ok, round(n / max(m, 1), 2), f"{n} of {m} documents"


class Flagger:
    def __init__(self, registry_rows: pd.DataFrame, documents: pd.DataFrame | None):
        self.truth = {s(r["instrument_key"]): Truth(r) for r in registry_rows.to_dict("records")}
        self.strong_ids: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for key, t in self.truth.items():
            ok, _, _ = t.supports("date")
            if ok and s(t.row.get("date")) and s(t.row.get("issuer")):
                self.strong_ids[(s(t.row.get("date")), _fold_issuer(s(t.row.get("issuer"))),
                                 s(t.row.get("type")))].append(key)
        self.docs = {} if documents is None or documents.empty else {
            s(r.get("doc_id")): r for r in documents.to_dict("records")
        }
        self.by_id: dict[str, list[str]] = defaultdict(list)
        for key in self.truth:
            self.by_id[key.split("|")[0]].append(key)
        self.flags: dict[tuple[str, str, str, str], dict[str, Any]] = {}

    # one row per (doc, key, kind, cited): the first mention; later ones counted
    def add(self, cit: dict[str, Any], kind: str, cited: str, expected: str, source: str,
            confidence: float, note: str = "") -> None:
        k = (s(cit.get("doc_id")), s(cit.get("instrument_key")), kind, cited)
        if k in self.flags:
            self.flags[k]["n_mentions"] += 1
            return
        doc = self.docs.get(k[0], {})
        self.flags[k] = {
            "doc_id": k[0], "source_path": s(doc.get("source_path")) or None,
            "instrument_id": s(cit.get("instrument_id")), "instrument_key": k[1], "kind": kind,
            "cited": cited, "expected": expected or None, "note": note or None,
            "mention": s(cit.get("mention")), "start": s(cit.get("start")) or None,
            "end": s(cit.get("end")) or None, "page": s(cit.get("page")) or None,
            "sentence": s(cit.get("sentence")), "n_mentions": 1, "truth_source": source,
            "confidence": round(confidence, 2),
        }

    def plan_date(self, doc_id: str) -> str:
        return _date(s(self.docs.get(doc_id, {}).get("issue_date")))

    def check_document(self, doc_id: str, cits: list[dict[str, Any]]) -> None:
        by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in cits:
            if s(c.get("instrument_id")):
                by_key[s(c["instrument_key"])].append(c)
        for key, ms in by_key.items():
            self.check_instrument(doc_id, key, ms)

    def check_instrument(self, doc_id: str, key: str, ms: list[dict[str, Any]]) -> None:
        st = settings()
        iid = s(ms[0]["instrument_id"])
        sym = parse_symbol(iid)
        truth = self.truth.get(key)
        if truth is not None and s(truth.row.get("doc_id")) == doc_id:
            truth = None  # the plan naming itself ("Kèm theo Kế hoạch số ..."): not a citation to check
        flagged_date, flagged_issuer = False, False
        for c in ms:
            cited_date, cited_issuer = s(c.get("date_cited")), s(c.get("issuer_cited"))
            # issuer outside the authority of the code (no registry needed)
            if cited_issuer and len(sym.issuer_codes) == 1:
                code = sym.issuer_codes[0]
                folded = _fold_issuer(cited_issuer)
                allowed = st.authority.get(code)
                body_codes = st.national.get(folded)
                wrong = (folded not in allowed) if allowed is not None else (
                    body_codes is not None and code not in body_codes
                    and any(code in cs for cs in st.national.values())
                )
                if body_codes is not None and wrong:
                    expected = (st.authority_names.get(code) or [""])[0] or next(
                        (n for n, cs in _names_by_code().items() if code in cs), "")
                    self.add(c, "issuer", cited_issuer, expected, "code", st.confidence["code"],
                             f"the code {code} is not issued by {cited_issuer}")
                    flagged_issuer = True
                    continue
            if truth and cited_issuer and s(truth.row.get("issuer")):
                ok, conf, note = truth.supports("issuer")
                if ok and not _same_issuer(cited_issuer, s(truth.row["issuer"])):
                    self.add(c, "issuer", cited_issuer, s(truth.row["issuer"]), truth.source, conf, note)
                    flagged_issuer = True
        for c in ms:
            # the extractor corrected a year typo of the number from the date written with it
            # ("46/2002/QĐ-UBND ngày 12/09/2022" -> 46/2022/QĐ-UBND): the source is still wrong
            written = _written_year(iid, s(c.get("mention")))
            if written is not None and sym.year and written != sym.year:
                self.add(c, "inconsistent", f"{iid.replace(str(sym.year), str(written), 1)}",
                         iid, "plan", st.confidence["code"],
                         f"the number is written with the year {written}; the date cited says {sym.year}")
                flagged_date = True
        for c in ms:
            cited_date = s(c.get("date_cited"))
            if not cited_date:
                continue
            tdate = s(truth.row.get("date")) if truth else ""
            ok, conf, note = truth.supports("date") if truth and tdate else (False, 0.0, "")
            if ok and cited_date != tdate:
                if sym.year and int(cited_date[:4]) != sym.year == int(tdate[:4]):
                    note = "; ".join(x for x in (note, f"the number says {sym.year}") if x)
                if _swapped(cited_date, tdate):
                    note = "; ".join(x for x in ("day and month swapped", note) if x)
                self.add(c, "date", cited_date, tdate, truth.source, conf, note)
                flagged_date = True
            elif ok and sym.year and int(tdate[:4]) != sym.year:
                self.add(c, "number", iid, f"year {tdate[:4]}", truth.source, conf,
                         f"the date cited, {_vn_date(cited_date)}, is the instrument's; the number's year is not")
                flagged_date = True
            elif not ok and len(plan := s(self.docs.get(doc_id, {}).get("issue_date"))) == 10 and cited_date > plan:
                self.add(c, "date", cited_date, f"before {plan}", "plan", st.confidence["plan_date"],
                         f"dated after the plan itself ({_vn_date(plan)})")
                flagged_date = True
            elif not ok and sym.year and int(cited_date[:4]) != sym.year:
                self.add(c, "inconsistent", f"{iid} ngày {_vn_date(cited_date)}", f"a date in {sym.year}",
                         "code", st.confidence["code"], "the year in the number contradicts the date cited")
                flagged_date = True
        self.check_type(ms, sym, truth)
        self.check_number(ms, key, truth)
        self.check_status(doc_id, ms, truth)
        self.check_former_province(doc_id, ms)
        self.check_inconsistent(ms, flagged_date, flagged_issuer)

    def check_type(self, ms: list[dict[str, Any]], sym: Symbol, truth: Truth | None) -> None:
        c = codes()
        expected = (c.party_types if sym.party else c.state_types).get(sym.type_code or "")
        source = "code"
        conf = settings().confidence["code"]
        if not expected and truth and truth.source != "consensus" and s(truth.row.get("type")):
            expected, source, conf = s(truth.row["type"]), truth.source, truth.supports("type")[1]
        if not expected:
            return
        for m in ms:
            word = _type_word(s(m.get("mention")))
            if word and word not in settings().loose_types and not _same_type(word, expected):
                if sym.party and word in {c.party_types.get(t) for t in c.party_types} and \
                        sym.type_code in ("QĐ", "QĐi") and word in ("Quyết định", "Quy định"):
                    continue
                self.add(m, "type", word, expected, source, conf)

    def check_number(self, ms: list[dict[str, Any]], key: str, truth: Truth | None) -> None:
        """The number cited is unknown, but its date, issuer and type identify one
        well-supported instrument whose number differs by a slip: the same characters with two
        swapped ('17/NQ-CP' for '71/NQ-CP'). Numbers one apart are not slips: the Government
        issues 01/NQ-CP and 02/NQ-CP on the same day."""
        if truth is not None and truth.source != "consensus":
            return
        if truth is not None and int(s(truth.row.get("n_documents")) or 0) > 1:
            return
        iid = s(ms[0]["instrument_id"])
        for m in ms:
            date, issuer = s(m.get("date_cited")), s(m.get("issuer_cited")) or s(m.get("issuer"))
            if not date or not issuer:
                continue
            cands = [k for k in self.strong_ids.get((date, _fold_issuer(issuer), s(m.get("type"))), [])
                     if k != key and _slip(k.split("|")[0], iid)]
            if len(cands) == 1:
                t = self.truth[cands[0]]
                _, conf, note = t.supports("date")
                self.add(m, "number", iid, s(t.row["instrument_id"]), t.source, conf,
                         f"{_vn_date(date)} of {issuer} is {t.row['instrument_id']}"
                         + (f" ({note})" if note else ""))
                return

    def check_status(self, doc_id: str, ms: list[dict[str, Any]], truth: Truth | None) -> None:
        if truth is None or truth.source == "consensus":
            return
        status, until = s(truth.row.get("status")), s(truth.row.get("effective_to"))
        plan = self.plan_date(doc_id)
        if status not in ("replaced", "expired") or not until or not plan or plan <= until:
            return
        kind = "replaced" if status == "replaced" and s(truth.row.get("replaced_by")) else "expired"
        after = (dt.date.fromisoformat(until) + dt.timedelta(days=1)).isoformat()
        expected = (f"{truth.row['replaced_by']} (from {_vn_date(after)})" if kind == "replaced"
                    else f"not in force from {_vn_date(after)}")
        for m in ms:
            sentence = s(m.get("sentence")).casefold()
            if any(cue in sentence for cue in settings().not_in_force) or not _applied(m):
                continue
            self.add(m, kind, s(m["instrument_id"]), expected, truth.source,
                     settings().confidence.get(truth.source, 0.95),
                     f"the plan is dated {_vn_date(plan)}" if len(plan) == 10 else "")

    def check_former_province(self, doc_id: str, ms: list[dict[str, Any]]) -> None:
        st = settings()
        plan = self.plan_date(doc_id)
        if not plan or plan < st.merger_date:
            return
        pat = provinces().pattern
        for m in ms:
            if not s(m.get("issuer_cited")):
                continue
            mention, sentence = s(m.get("mention")), " ".join(s(m.get("sentence")).split())
            for hit in pat.finditer(mention, timeout=TIMEOUT):
                prov = provinces().lookup(hit.group(0))
                if prov is None or prov.current == prov.name:
                    continue
                idx = sentence.find(mention)
                tail = mention[hit.end():] + (sentence[idx + len(mention):][:30] if idx >= 0 else "")
                if any(tail.casefold().lstrip(" ,").startswith(mark) for mark in st.former_marks):
                    continue
                self.add(m, "former_province", f"{prov.full}", f"{prov.full} (cũ), now {prov.current}",
                         "provinces", st.confidence["code"],
                         f"merged into {prov.current} from {_vn_date(st.merger_date)}")

    def check_inconsistent(self, ms: list[dict[str, Any]], flagged_date: bool, flagged_issuer: bool) -> None:
        conf = settings().confidence["plan"]
        for fieldname, done, fold_ in (("date_cited", flagged_date, str),
                                       ("issuer_cited", flagged_issuer, _fold_issuer)):
            if done:
                continue
            values = Counter(fold_(s(m.get(fieldname))) for m in ms if s(m.get(fieldname)))
            if len(values) < 2:
                continue
            (top, n_top), (_, n_second) = values.most_common(2)
            for m in ms:
                v = s(m.get(fieldname))
                if v and fold_(v) != top:
                    first = next(s(x.get(fieldname)) for x in ms if fold_(s(x.get(fieldname))) == top)
                    note = f"the plan's other mentions say {first}" + (" as often" if n_top == n_second else "")
                    self.add(m, "inconsistent", v, first, "plan", conf, note)


def _applied(m: dict[str, Any]) -> bool:
    """The plan applies the instrument as in force: legal basis, or an in-force cue just before."""
    if s(m.get("in_basis")).lower() in ("true", "1"):
        return True
    sentence, mention = " ".join(s(m.get("sentence")).split()), " ".join(s(m.get("mention")).split())
    idx = sentence.find(mention)
    before = sentence[max(0, idx - 30):idx].casefold().rstrip(" ,") if idx > 0 else ""
    return any(before.endswith(cue) for cue in settings().in_force)


@cache
def _names_by_code() -> dict[str, frozenset[str]]:
    return {row["name"]: frozenset(x for x in row["codes"].split(";") if x) for row in load_csv("issuers_national.csv")}


def _slip(a: str, b: str) -> bool:
    return a != b and sorted(a) == sorted(b) and _distance(a, b) <= 2


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# ---------------------------------------------------------------- matrix and missing

def matrix(citations: pd.DataFrame) -> pd.DataFrame:
    cols = columns("matrix")
    if citations is None or citations.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for (doc_id, key), grp in citations.groupby(["doc_id", "instrument_key"], sort=True):
        rows.append({
            "doc_id": doc_id, "instrument_key": key,
            "instrument_id": next((s(x) for x in grp["instrument_id"] if s(x)), None),
            "in_basis": any(s(x).lower() in ("true", "1") for x in grp["in_basis"]),
            "n_mentions": len(grp),
        })
    return pd.DataFrame(rows, columns=cols)


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    title_any: tuple[str, ...]
    doc_types: tuple[str, ...]
    issued_after: str | None
    issued_before: str | None
    cite_any: tuple[str, ...]


def load_rules(path: str | Path | None = None) -> list[Rule]:
    with open(path or model_path(RULES), encoding="utf-8") as fh:
        import yaml

        cfg = yaml.safe_load(fh) or {}
    rules = []
    for r in cfg.get("rules", []):
        when = r.get("when", {})
        cite = r.get("cite_any") or []
        if not r.get("id") or not cite:
            raise ValueError(f"rule {r!r}: an id and cite_any are required")
        rules.append(Rule(
            id=str(r["id"]), description=" ".join(str(r.get("description", "")).split()),
            title_any=tuple(str(x).casefold() for x in when.get("title_any", [])),
            doc_types=tuple(when.get("doc_types", [])),
            issued_after=str(when["issued_after"]) if when.get("issued_after") else None,
            issued_before=str(when["issued_before"]) if when.get("issued_before") else None,
            cite_any=tuple(str(x) for x in cite),
        ))
    return rules


def _rule_applies(rule: Rule, doc: dict[str, Any]) -> bool:
    text = " ".join(" ".join((s(doc.get("title")), s(doc.get("attached")))).split()).casefold()
    if rule.title_any and not any(w in text for w in rule.title_any):
        return False
    if rule.doc_types and s(doc.get("doc_type")) not in rule.doc_types:
        return False
    date = _date(s(doc.get("issue_date")))
    if (rule.issued_after or rule.issued_before) and not date:
        return False
    if rule.issued_after and date <= rule.issued_after:
        return False
    return not (rule.issued_before and date >= rule.issued_before)


def _cites(expected: str, keys: set[str]) -> bool:
    iid, _, year = expected.partition("|")
    for k in keys:
        kid, kyear, _ = ([*k.split("|"), "", ""])[:3]
        if kid == iid and (not year or kyear in (year, "?")):
            return True
    return False


def missing(citations: pd.DataFrame, documents: pd.DataFrame, rules: list[Rule]) -> pd.DataFrame:
    cols = columns("missing")
    if documents is None or documents.empty or not rules:
        return pd.DataFrame(columns=cols)
    cited: dict[str, set[str]] = defaultdict(set)
    if citations is not None and not citations.empty:
        for doc_id, key in zip(citations["doc_id"], citations["instrument_key"], strict=True):
            cited[s(doc_id)].add(s(key))
    rows = []
    for doc in documents.to_dict("records"):
        if s(doc.get("status")) not in ("", "ok"):
            continue
        for rule in rules:
            if not _rule_applies(rule, doc) or any(_cites(x, cited[s(doc["doc_id"])]) for x in rule.cite_any):
                continue
            first = rule.cite_any[0]
            iid, _, year = first.partition("|")
            rows.append({
                "doc_id": s(doc["doc_id"]), "source_path": s(doc.get("source_path")), "rule": rule.id,
                "instrument_id": iid, "instrument_key": f"{iid}|{year or '?'}|",
                "expected": "; ".join(rule.cite_any), "description": rule.description,
                "title": s(doc.get("title")), "issue_date": s(doc.get("issue_date")),
            })
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------- the whole check

def check_tables(
    citations: pd.DataFrame, documents: pd.DataFrame | None,
    registries: list[pd.DataFrame] | None = None, rules: list[Rule] | None = None,
) -> dict[str, pd.DataFrame]:
    """flags, matrix, missing and the registry used, from citations and documents."""
    documents = documents if documents is not None else pd.DataFrame()
    if citations is None or citations.empty:
        citations = pd.DataFrame(columns=columns("citations"))
    citations = reg.join_unknown_years(citations)
    corpus = reg.from_corpus(citations, documents)
    registry = reg.combine([*(registries or []), corpus, reg.curated()])
    # counts of the corpus on curated rows: how many documents cite them, and agree
    counts = corpus.set_index("instrument_key") if not corpus.empty else None
    if counts is not None:
        for i, row in registry.iterrows():
            key = row["instrument_key"]
            if key in counts.index and s(row["n_documents"]) == "":
                m = counts.loc[key]
                registry.at[i, "n_documents"] = m["n_documents"]
                votes = citations[citations["instrument_key"] == key].drop_duplicates("doc_id")
                for f in ("date", "issuer", "type"):
                    registry.at[i, f"n_{f}"] = sum(
                        1 for v in votes[f] if s(v) and (
                            _fold_issuer(s(v)) == _fold_issuer(s(row[f])) if f == "issuer" else s(v) == s(row[f])))
    flagger = Flagger(registry, documents)
    for doc_id, grp in citations.groupby("doc_id", sort=True):
        flagger.check_document(s(doc_id), grp.to_dict("records"))
    flags = pd.DataFrame(list(flagger.flags.values()), columns=columns("flags"))
    if not flags.empty:
        flags["_k"] = flags["kind"].map(KINDS.index)
        flags["_s"] = pd.to_numeric(flags["start"], errors="coerce")
        flags = flags.sort_values(["doc_id", "_s", "_k"], kind="stable").drop(columns=["_k", "_s"])
    return {
        "flags": flags,
        "matrix": matrix(citations),
        "missing": missing(citations, documents, rules if rules is not None else load_rules()),
        "registry": registry,
    }


def write_check(out: Path, tables: dict[str, pd.DataFrame], excel: bool = False) -> list[Path]:
    """Write the check tables as CSV and Parquet and describe them in datapackage.json
    (merged into the one of the extraction when DIR holds it)."""
    from kehoach import __version__
    from kehoach.export.writer import _PANDAS_TYPES

    out.mkdir(parents=True, exist_ok=True)
    written = []
    specs = schemas("check")
    for name, spec in specs.items():
        df = tables.get(name)
        names = [f["name"] for f in spec["fields"]]
        df = pd.DataFrame(columns=names) if df is None else df.reindex(columns=names)
        for f in spec["fields"]:
            kind = f["type"]
            if kind in _PANDAS_TYPES:
                df[f["name"]] = pd.to_numeric(df[f["name"]], errors="coerce") if kind != "boolean" else \
                    df[f["name"]].map(lambda v: None if s(v) == "" else s(v).lower() in ("true", "1"))
            df[f["name"]] = df[f["name"]].astype(_PANDAS_TYPES.get(kind, "string"))
        tmp = out / f".{name}.csv.tmp"
        df.to_csv(tmp, index=False, encoding="utf-8-sig" if excel else "utf-8")
        tmp.replace(out / f"{name}.csv")
        df.to_parquet(out / f"{name}.parquet", index=False)
        written.append(out / f"{name}.csv")
    pkg_path = out / "datapackage.json"
    pkg: dict[str, Any] = {
        "profile": "tabular-data-package", "name": "kehoach",
        "title": "Vietnamese government plans: cited instruments and metadata",
        "version": __version__, "resources": [],
    }
    if pkg_path.is_file():
        with contextlib.suppress(ValueError):
            pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
    pkg["resources"] = [r for r in pkg.get("resources", []) if r.get("name") not in specs]
    for name, spec in specs.items():
        schema: dict[str, Any] = {"fields": spec["fields"]}
        if spec.get("primaryKey"):
            schema["primaryKey"] = spec["primaryKey"]
        pkg["resources"].append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8-sig" if excel else "utf-8",
            "description": " ".join(spec.get("description", "").split()), "schema": schema,
        })
    tmp = out / ".datapackage.json.tmp"
    tmp.write_text(json.dumps(pkg, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(pkg_path)
    return written


@dataclass
class CheckSummary:
    documents: int
    flags: Counter[str]
    missing: int
    instruments: int
    workbook: Path
    errors: int = 0

    def line(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.flags.items(), key=lambda x: KINDS.index(x[0])))
        return (f"{self.documents} plans, {self.instruments} instruments, {sum(self.flags.values())} flags"
                + (f" ({kinds})" if kinds else "") + f", {self.missing} missing"
                + (f", {self.errors} documents failed (errors.csv)" if self.errors else ""))


def run_check(paths: list[Path], out: Path, registry_files: list[Path] | None = None,
              rules_file: Path | None = None, workers: int = 1) -> CheckSummary:
    """`kehoach check`: PATHS are documents (extracted into OUT first) or one output folder."""
    from kehoach.export.workbook import write_workbook

    registries = [reg.read_registry(p, source=str(p)) for p in registry_files or []]
    rules = load_rules(rules_file)
    if len(paths) == 1 and (paths[0] / "citations.csv").is_file():
        tables = reg.load_tables(paths)
    else:
        from kehoach.run import run

        tables = run(paths, out, workers=workers).tables
    documents = tables.get("documents", pd.DataFrame())
    result = check_tables(tables.get("citations", pd.DataFrame()), documents, registries, rules)
    write_check(out, result)
    book = write_workbook(out / "check.xlsx", result, documents)
    ok = documents[documents["status"].map(s).isin(["", "ok"])] if not documents.empty else documents
    return CheckSummary(
        documents=len(ok), flags=Counter(result["flags"]["kind"]) if not result["flags"].empty else Counter(),
        missing=len(result["missing"]),
        instruments=int(result["matrix"]["instrument_key"].nunique()) if not result["matrix"].empty else 0,
        workbook=book,
        errors=int((documents["status"].map(s) == "error").sum()) if not documents.empty else 0,
    )


__all__ = ["KINDS", "check_tables", "load_rules", "parse_symbol", "run_check", "write_check"]


def _written_year(instrument_id: str, mention: str) -> int | None:
    """The year written in the mention's number-symbol for an id "n/yyyy/...", when the
    mention writes the same number with another four-digit year; else None."""
    m = regex.match(r"(\d+(?:\.\d+)?[a-z]?)/(\d{4})/", instrument_id)
    if not m:
        return None
    w = regex.search(rf"(?<!\d){regex.escape(m.group(1))}\s*/\s*(\d{{4}})\s*/", mention, timeout=1.0)
    return int(w.group(1)) if w and w.group(1) != m.group(2) else None

