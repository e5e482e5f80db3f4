"""Write every table of the schema as CSV + Parquet, and datapackage.json.

All files are first written into a temporary folder inside the output folder and then
moved into place with os.replace, so an interrupted run never leaves a half-written table.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from kehoach import __version__
from kehoach.export.schema import SCHEMA_VERSION, schemas
from kehoach.export.sqlite import write_sqlite

_PANDAS_TYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean"}


def conform(table: str, df: pd.DataFrame | None) -> pd.DataFrame:
    """Columns in schema order with schema types; a column the schema lacks is a bug."""
    spec = schemas()[table]
    names = [f["name"] for f in spec["fields"]]
    if df is None:
        df = pd.DataFrame(columns=names)
    extra = [c for c in df.columns if c not in names]
    if extra:
        raise ValueError(f"table {table}: columns {extra} are not in models/schema/{table}.yaml")
    df = df.reindex(columns=names)
    for field in spec["fields"]:
        name, kind = field["name"], field["type"]
        if kind in _PANDAS_TYPES:
            df[name] = df[name].astype(_PANDAS_TYPES[kind])
        else:
            df[name] = df[name].astype("string")
    return df


def _datapackage(tables: list[str], excel: bool) -> dict[str, Any]:
    resources = []
    for name in tables:
        spec = schemas()[name]
        schema: dict[str, Any] = {"fields": spec["fields"]}
        if spec.get("primaryKey"):
            schema["primaryKey"] = spec["primaryKey"]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig" if excel else "utf-8",
                "description": spec.get("description", "").strip(),
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "kehoach",
        "title": "Vietnamese government plans: cited instruments and metadata",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "resources": resources,
    }


def write_tables(out_dir: Path, tables: dict[str, pd.DataFrame], excel: bool = False) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    names = sorted(schemas())
    tmp = Path(tempfile.mkdtemp(prefix=".kehoach-tmp-", dir=out_dir))
    written: list[Path] = []
    try:
        staged: list[tuple[Path, Path]] = []
        for name in names:
            df = conform(name, tables.get(name))
            csv_path = tmp / f"{name}.csv"
            df.to_csv(csv_path, index=False, encoding="utf-8-sig" if excel else "utf-8")
            pq_path = tmp / f"{name}.parquet"
            df.to_parquet(pq_path, index=False)
            staged += [(csv_path, out_dir / csv_path.name), (pq_path, out_dir / pq_path.name)]
        pkg = tmp / "datapackage.json"
        pkg.write_text(
            json.dumps(_datapackage(names, excel), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        staged.append((pkg, out_dir / pkg.name))
        for src, dst in staged:
            os.replace(src, dst)
            written.append(dst)
        written.append(write_sqlite(tables, out_dir))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return written
