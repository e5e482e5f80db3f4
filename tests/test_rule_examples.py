"""Every rule table under models/ that has an `examples:` list is driven by it, as eyecite's
reporters tables are: each example is a short text of our own, run through the public API
(`kehoach.extract`), and what it states must hold of the result.

An example is `{text, expect}` (optionally `note`), `expect` holding any of:
- `metadata: {field: value}`: fields of the document's metadata (documents.csv columns);
- `citations: [instrument_id, ...]`: exactly the instruments the text cites (citations.csv);
- `citation: {field: value}`: fields of the one citation the text holds;
- `named: [name, ...]`: exactly the instruments cited by name only;
- `channels: [code, ...]`: exactly the distinct channels found;
- `lead: [body, ...]`: exactly the distinct lead bodies;
- `deadlines: [date, ...]`: exactly the distinct deadline dates;
- `recurrences: [code, ...]`: exactly the distinct recurrences;
- `recipients: [recipient, ...]`: exactly the recipients, in order;
- `normalized: text`: the normalized text (kehoach.normalize; nothing else is run).
"""

from __future__ import annotations

from typing import Any

import kehoach
import pytest
from kehoach.normalize import normalize
from kehoach.rules import Rules

RULES = Rules.default()
TABLES = sorted(p.name for p in RULES.folder.glob("*.yaml"))
EXAMPLES = [
    pytest.param(ex, id=f"{name}:{i}:{ex['text'][:40]}")
    for name in TABLES
    for i, ex in enumerate((RULES.yaml(name) or {}).get("examples") or [])
    if isinstance(RULES.yaml(name), dict) and "expect" in ex
]
# Tables of extraction rules: each carries examples (others are settings, profiles, schema).
RULE_TABLES = ("boundary.yaml", "channel_rules.yaml", "deadlines.yaml", "instruments.yaml",
               "issuers.yaml", "metadata.yaml", "recipients.yaml", "sections.yaml",
               "bodies.yaml", "dates.yaml", "named_instruments.yaml", "normalize.yaml")


def _has_examples(node: Any) -> bool:
    """Examples at the top of a table or with its rules (named_instruments.yaml: per rule)."""
    if isinstance(node, dict):
        return bool(node.get("examples")) or any(_has_examples(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_examples(v) for v in node)
    return False


def test_every_rule_table_has_examples() -> None:
    for name in RULE_TABLES:
        assert _has_examples(RULES.yaml(name)), f"models/{name} has no examples"


def _distinct(values: list[Any]) -> list[Any]:
    return sorted({v for v in values if v not in (None, "")})


@pytest.mark.parametrize("ex", EXAMPLES)
def test_rule_table_example(ex: dict[str, Any]) -> None:
    want = ex["expect"]
    if "normalized" in want:
        assert normalize(ex["text"]).text == want["normalized"], ex["text"]
        return
    doc = kehoach.extract(ex["text"], name="example.txt")
    got: dict[str, Any] = {}
    if "metadata" in want:
        got["metadata"] = {k: getattr(doc.metadata, k) for k in want["metadata"]}
    if "citations" in want:
        got["citations"] = _distinct([c.instrument_id for c in doc.citations if c.instrument_id])
        want = {**want, "citations": sorted(want["citations"])}
    if "citation" in want:
        numbered = [c for c in doc.citations if c.instrument_id]
        assert len(numbered) == 1, [c.instrument_id for c in numbered]
        got["citation"] = {k: getattr(numbered[0], k) for k in want["citation"]}
    if "named" in want:
        got["named"] = _distinct([c.name for c in doc.citations if not c.instrument_id])
        want = {**want, "named": sorted(want["named"])}
    if "channels" in want:
        got["channels"] = _distinct([c.channel for c in doc.channels])
        want = {**want, "channels": sorted(want["channels"])}
    if "lead" in want:
        got["lead"] = _distinct([b.body for b in doc.bodies if b.role == "lead"])
        want = {**want, "lead": sorted(want["lead"])}
    if "bodies" in want:  # every body with its role: "report_to: Bộ Nội vụ"
        got["bodies"] = _distinct([f"{b.role}: {b.body}" for b in doc.bodies])
        want = {**want, "bodies": sorted(want["bodies"])}
    if "deadlines" in want:
        got["deadlines"] = _distinct([d.date for d in doc.deadlines])
        want = {**want, "deadlines": sorted(want["deadlines"])}
    if "recurrences" in want:
        got["recurrences"] = _distinct([d.recurrence for d in doc.deadlines])
        want = {**want, "recurrences": sorted(want["recurrences"])}
    if "recipients" in want:
        got["recipients"] = [r.recipient for r in doc.recipients]
    assert got == want, ex.get("note") or ex["text"]


# CSV tables: each row's `example` is a citation that the row decides.
def _rows_with_examples(name: str) -> list[Any]:
    return [pytest.param(row, id=f"{name}:{row.get('type') or row.get('name')}")
            for row in RULES.csv(name) if row.get("example")]


def _one_citation(text: str) -> Any:
    found = kehoach.extract(text, name="example.txt").citations  # numbered or named ("Hiến pháp")
    assert len(found) == 1, (text, [c.instrument_id or c.name for c in found])
    return found[0]


@pytest.mark.parametrize("row", _rows_with_examples("instrument_types.csv"))
def test_instrument_type_example(row: dict[str, str]) -> None:
    """The type of the cited instrument: from the type word, else from the type code."""
    assert _one_citation(row["example"]).type == row["type"]


@pytest.mark.parametrize("row", _rows_with_examples("issuers_national.csv"))
def test_national_issuer_example(row: dict[str, str]) -> None:
    """The issuer of the cited instrument: from the code, or the abbreviation written expanded."""
    assert _one_citation(row["example"]).issuer == row["name"]


def test_every_coded_row_has_an_example() -> None:
    for name, key in (("instrument_types.csv", "type"), ("issuers_national.csv", "name")):
        missing = [r[key] for r in RULES.csv(name) if not r["example"] and (r.get("codes") or r.get("aliases"))]
        assert not missing, f"models/{name}: rows without an example: {missing}"


def test_every_channel_of_the_lexicon_has_an_example() -> None:
    """Each channel code of models/channels.jsonl is found by some example of channel_rules.yaml."""
    import json

    labels = {json.loads(line)["label"] for line in RULES.path("channels.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()}
    labels.discard("-")  # phrases that are no channel
    covered = {c for ex in RULES.yaml("channel_rules.yaml")["examples"]
               for c in ex["expect"].get("channels", [])}
    assert labels <= covered, sorted(labels - covered)
