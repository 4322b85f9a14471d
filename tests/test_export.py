"""claims export: typed tables per kind with the review merged, in parquet, csv and jsonl, plus the card."""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.export import ExportError, export_run, load_table
from pipeline.review.decisions import append_decision, make_decision

from .review_run import make_run, record

C_ACCEPT = "Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets."
C_REJECT = "Sabotage of undersea cables costs little and achieves a lot."
C_EDIT = "Western governments should not mistake this slowdown for a retreat."
C_UNDONE = "Beijing is likely to keep investing in Arctic ports because it wants leverage over future trade lanes."
C_SKIP = "Officials in <b>Kyiv</b> argue that the sanctions will fail by 2026."


def decide(out, text, decision, kind="claims", reviewer="ann", **kw):
    rec = record(out, kind, text)
    return append_decision(out, make_decision(rec["id"], kind, decision, reviewer=reviewer, doc_id=rec["doc_id"], **kw))


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """A run with decisions of every sort, including an orphan."""
    out = make_run(tmp_path_factory.mktemp("export"))
    decide(out, C_ACCEPT, "reject")
    decide(out, C_ACCEPT, "accept", reviewer="bob")  # a conflict between ann and bob ...
    decide(out, C_ACCEPT, "accept", reviewer="carol", adjudicate=True)  # ... settled by carol
    decide(out, C_REJECT, "reject")
    edit = record(out, "claims", C_EDIT)
    decide(out, C_EDIT, "edit", edits={"type": "prediction", "hedged": True, "end_char": edit["end_char"] - 1, "text": C_EDIT[:-1]})
    undone = decide(out, C_UNDONE, "accept")
    append_decision(out, make_decision(undone["record_id"], "claims", "undo", reviewer="ann", target=undone["id"]))
    decide(out, C_SKIP, "skip")
    decide(out, "36 million tonnes", "edit", kind="figures", edits={"value": 36.5})
    decide(out, "80 million tonnes", "accept", kind="figures")
    decide(out, "80 million tonnes", "reject", kind="figures", reviewer="bob")  # a conflict nobody settled
    decide(out, "Kyiv", "accept", kind="entities")
    append_decision(out, make_decision("clm_ffffffffffffffff", "claims", "accept", reviewer="ann", doc_id="gone-doc"))
    return out


def file_hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def test_parquet_tables_are_typed_and_carry_the_review(reviewed, tmp_path):
    before = file_hashes(reviewed)
    result = export_run(reviewed, tmp_path / "ds", "parquet")
    assert file_hashes(reviewed) == before  # the run folder is only read
    assert result.rows == {"documents": 3, "sentences": 15, "entities": 13, "dates": 5, "figures": 5, "claims": 8, "predictions": 5}

    claims = pd.read_parquet(tmp_path / "ds" / "claims.parquet").set_index("text", drop=False)
    assert str(claims["start_char"].dtype) == "Int64" and str(claims["hedged"].dtype) == "boolean"
    assert claims["score"].dtype == "float64" and pd.api.types.is_string_dtype(claims["type"])
    assert str(claims["reviewed_at"].dtype) == "datetime64[ms, UTC]"
    schema = pq.read_schema(tmp_path / "ds" / "claims.parquet")
    about, cues = schema.field("about").type, schema.field("cues").type
    assert pa.types.is_list(about) and about.value_type == pa.string()
    assert pa.types.is_list(cues) and cues.value_type == pa.struct(
        [("start_char", pa.int64()), ("end_char", pa.int64()), ("text", pa.string()), ("role", pa.string())])

    status = claims["review_status"].to_dict()
    assert status[C_ACCEPT] == "accepted" and claims.loc[C_ACCEPT, "reviewed_by"] == "carol"
    # each reviewer's own decision in their own columns; the adjudicator who settled it
    assert tuple(claims.loc[C_ACCEPT, ["status_by_ann", "status_by_bob", "adjudicated_by"]]) == ("rejected", "accepted", "carol")
    assert claims.loc[C_EDIT[:-1], "status_by_bob"] == "pending" and claims.loc[C_EDIT[:-1], "status_by_ann"] == "edited"
    assert json.loads(claims.loc[C_EDIT[:-1], "edits_by_ann"])["type"] == "prediction" and pd.isna(claims.loc[C_EDIT[:-1], "edits_by_bob"])
    assert "status_by_carol" not in claims.columns  # carol only settled
    assert status[C_REJECT] == "rejected"
    assert status[C_UNDONE] == "pending" and pd.isna(claims.loc[C_UNDONE, "reviewed_at"])
    assert status[C_SKIP] == "pending"  # a skip is not a decision about the record
    edited = claims.loc[C_EDIT[:-1]]
    assert (edited["review_status"], edited["type"], edited["hedged"], edited["end_char"]) == ("edited", "prediction", True, record(reviewed, "claims", C_EDIT)["end_char"] - 1)
    assert list(edited["edited_fields"]) == ["end_char", "hedged", "text", "type"]
    assert json.loads(edited["original_values"])["type"] == "recommendation"
    assert edited["sentence_text"] == C_EDIT

    first = claims.loc[C_ACCEPT]
    assert list(first["about"]) == [record(reviewed, "entities", "Russia")["id"], record(reviewed, "entities", "Northern Sea Route")["id"]]
    assert [c["text"] for c in first["cues"]] == ["will"] and first["cues"][0]["role"] == "type"
    assert first["score"] == pytest.approx(0.82)

    figures = pd.read_parquet(tmp_path / "ds" / "figures.parquet").set_index("text")
    assert figures["value"].dtype == "float64"
    assert figures.loc["36 million tonnes", "value"] == 36.5 and figures.loc["36 million tonnes", "review_status"] == "edited"
    assert figures.loc["about \u20ac25 million", "value"] == 25_000_000.0
    conflict = figures.loc["80 million tonnes"]
    assert (conflict["review_status"], conflict["status_by_ann"], conflict["status_by_bob"]) == ("conflict", "accepted", "rejected")
    assert pd.isna(conflict["reviewed_by"]) and pd.isna(conflict["adjudicated_by"])

    docs = pd.read_parquet(tmp_path / "ds" / "documents.parquet")
    assert list(docs["doc_id"]) == ["arctic-ports", "baltic-cables", "escapes"]
    assert list(docs.loc[0, "authors"]) == ["Maria Okafor"] and docs.loc[0, "boilerplate"][0]["kind"] == "title"


def test_csv_holds_json_strings_and_loads_back_typed(reviewed, tmp_path):
    export_run(reviewed, tmp_path / "ds", "csv")
    raw = pd.read_csv(tmp_path / "ds" / "claims.csv")
    row = raw[raw["text"] == C_ACCEPT].iloc[0]
    assert json.loads(row["about"]) == [record(reviewed, "entities", "Russia")["id"], record(reviewed, "entities", "Northern Sea Route")["id"]]
    assert json.loads(row["cues"])[0]["text"] == "will" and row["review_status"] == "accepted"
    assert raw["start_char"].dtype == "int64" and raw["score"].dtype == "float64"

    typed = load_table(tmp_path / "ds" / "claims.csv").set_index("text")
    assert str(typed["hedged"].dtype) == "boolean" and str(typed["start_char"].dtype) == "Int64"
    assert typed.loc[C_SKIP, "speaker"] == "Officials in <b>Kyiv</b>"
    assert typed.loc[C_ACCEPT, "cues"][0]["role"] == "type"
    assert pd.isna(typed.loc[C_ACCEPT, "speaker"])


def test_jsonl_keeps_native_values(reviewed, tmp_path):
    export_run(reviewed, tmp_path / "ds", "jsonl")
    frame = pd.read_json(tmp_path / "ds" / "claims.jsonl", lines=True).set_index("text")
    assert frame.loc[C_EDIT[:-1], "original_values"] == {"end_char": record(reviewed, "claims", C_EDIT)["end_char"], "hedged": False,
                                                         "text": C_EDIT, "type": "recommendation"}
    assert frame.loc[C_ACCEPT, "cues"][0]["text"] == "will"
    rows = {r["text"]: r for r in map(json.loads, (tmp_path / "ds" / "claims.jsonl").read_text(encoding="utf-8").splitlines())}
    assert rows[C_ACCEPT]["reviewed_at"].endswith("Z") and rows[C_ACCEPT]["hedged"] is False and rows[C_ACCEPT]["score"] == 0.82
    assert rows[C_UNDONE]["reviewed_at"] is None and rows[C_UNDONE]["edited_fields"] == []
    assert load_table(tmp_path / "ds" / "claims.jsonl")["review_status"].tolist().count("accepted") == 1


def test_accepted_only(reviewed, tmp_path):
    result = export_run(reviewed, tmp_path / "ds", "parquet", accepted_only=True)
    claims = pd.read_parquet(tmp_path / "ds" / "claims.parquet")
    assert sorted(claims["review_status"]) == ["accepted", "edited"]
    assert result.rows["entities"] == 1 and result.rows["documents"] == 3
    assert result.status_counts["claims"] == {"accepted": 1, "rejected": 1, "edited": 1, "conflict": 0, "pending": 5}
    assert "80 million tonnes" not in set(pd.read_parquet(tmp_path / "ds" / "figures.parquet")["text"])  # a conflict is not accepted


def test_dataset_card(reviewed, tmp_path):
    export_run(reviewed, tmp_path / "ds", "parquet")
    card = json.loads((tmp_path / "ds" / "dataset_card.json").read_text(encoding="utf-8"))
    assert (card["pipeline_version"], card["config_hash"], card["format"], card["n_inputs"]) == ("0.1.0", "0123456789abcdef", "parquet", 3)
    assert card["tables"]["claims"]["status_counts"] == {"accepted": 1, "rejected": 1, "edited": 1, "conflict": 0, "pending": 5}
    assert card["tables"]["figures"]["status_counts"] == {"accepted": 0, "rejected": 0, "edited": 1, "conflict": 1, "pending": 3}
    assert card["tables"]["claims"]["columns"]["status_by_ann"] == "string" and card["tables"]["claims"]["columns"]["edits_by_bob"] == "json (string)"
    pair = card["review"]["agreement"]["kinds"]["figures"]["pairs"][0]
    assert (pair["a"], pair["b"], pair["n"], pair["verdict"]["agreement"]) == ("ann", "bob", 1, 0.0)
    assert card["review"]["agreement"]["kinds"]["claims"]["adjudicated"] == 1
    assert card["tables"]["claims"]["columns"]["about"] == "list<string>"
    assert card["review"]["reviewers"] == ["ann", "bob", "carol"]
    assert [(o["record_id"], o["doc_id"], o["status"]) for o in card["review"]["orphan_decisions"]] == [("clm_ffffffffffffffff", "gone-doc", "accepted")]
    assert {i["doc_id"] for i in card["inputs"]} == {"arctic-ports", "baltic-cables", "escapes"}
    md = (tmp_path / "ds" / "dataset_card.md").read_text(encoding="utf-8")
    assert "| claims | claims.parquet | 8 | 1 | 1 | 1 | 0 | 5 |" in md
    assert "| figures | ann / bob | 1 | 0% | 0.00 | 1 | 0 |" in md
    assert "clm_ffffffffffffffff" in md and "0123456789abcdef" in md


def test_empty_kinds_still_get_their_columns(tmp_path):
    out = make_run(tmp_path)
    (out / "claims.jsonl").write_text("", encoding="utf-8")
    export_run(out, tmp_path / "ds", "parquet")
    claims = pd.read_parquet(tmp_path / "ds" / "claims.parquet")
    assert len(claims) == 0 and {"type", "score", "cues", "review_status"} <= set(claims.columns)


def test_refuses_to_write_into_the_run_folder(reviewed, tmp_path):
    with pytest.raises(ExportError, match="different folder"):
        export_run(reviewed, reviewed, "jsonl")
    with pytest.raises(ExportError, match="unknown format"):
        export_run(reviewed, tmp_path / "x", "xlsx")
    with pytest.raises(ExportError, match="not a run folder"):
        export_run(tmp_path, tmp_path / "x", "csv")


def test_cli_export(reviewed, tmp_path):
    result = CliRunner().invoke(app, ["export", str(reviewed), "--to", str(tmp_path / "ds"), "--format", "csv", "--accepted-only"])
    assert result.exit_code == 0, result.output
    assert "claims 2" in result.stdout and "1 reviewed record(s) no longer exist" in result.stdout
    assert (tmp_path / "ds" / "claims.csv").exists() and (tmp_path / "ds" / "dataset_card.md").exists()
    bad = CliRunner().invoke(app, ["export", str(reviewed), "--to", str(reviewed)])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --to must be a different folder")


# --- typed figure values, predictions with their horizon, the card's meanings ------------------


def test_figure_values_are_typed_columns_with_bounds(reviewed, tmp_path):
    from pipeline.dataset_tables import figure_bounds
    from pipeline.export import build_table

    assert figure_bounds(12) == (12.0, 12.0, 12.0) and figure_bounds([20, 10]) == (None, 10.0, 20.0)
    assert figure_bounds(None) == (None, None, None) and figure_bounds("x") == (None, None, None)
    export_run(reviewed, tmp_path / "ds", "csv")
    figures = load_table(tmp_path / "ds" / "figures.csv").set_index("text")
    assert list(figures.columns[:8]) == ["id", "doc_id", "start_char", "end_char", "value", "value_low", "value_high", "unit"]
    assert figures["value"].dtype == "float64" and figures["value_low"].dtype == "float64"
    assert tuple(figures.loc["36 million tonnes", ["value", "value_low", "value_high"]]) == (36.5, 36.5, 36.5)  # the edit applied
    rng = {"id": "fig_0000000000000001", "doc_id": "d", "start_char": 0, "end_char": 9, "text": "10-20 km", "value": [10, 20], "unit": "km",
           "kind": "quantity", "sentence_id": None}
    table = build_table("figures", [rng])
    assert table.types["value"] == ("float",) and (table.rows[0]["value"], table.rows[0]["value_low"], table.rows[0]["value_high"]) == (None, 10.0, 20.0)


def test_predictions_table_carries_a_horizon_from_the_claims_own_dates(reviewed, tmp_path):
    export_run(reviewed, tmp_path / "ds", "parquet")
    preds = pd.read_parquet(tmp_path / "ds" / "predictions.parquet").set_index("text")
    nato = preds.loc["NATO will probably expand its patrols in the Baltic Sea before 2026, said Ingrid Holm of the Baltic Security Centre."]
    assert (nato["horizon"], nato["horizon_by"], nato["horizon_mod"], nato["horizon_text"]) == ("2026", "2025-12-31", "BEFORE", "before 2026")
    assert (nato["speaker"], nato["hedged"], nato["certainty"], nato["published"]) == ("Ingrid Holm", True, "medium", "2025-01-15")
    assert nato["horizon_date_id"] == record(reviewed, "dates", "before 2026")["id"]
    kyiv = preds.loc[C_SKIP]
    assert (kyiv["horizon"], kyiv["horizon_by"]) == ("2026", "2026-12-31")
    assert pd.isna(preds.loc[C_ACCEPT, "horizon"])  # no date inside the claim (2023 is the evidence beside it, and past)
    henriksen = [t for t in preds.index if t.startswith("\u201cThe route")][0]
    assert pd.isna(preds.loc[henriksen, "horizon"])  # "at least a decade" is a duration, no calendar date
    assert C_EDIT[:-1] in preds.index and preds.loc[C_EDIT[:-1], "review_status"] == "edited"  # retyped to prediction by a reviewer
    assert str(preds["hedged"].dtype) == "boolean" and preds["score"].dtype == "float64"


def test_horizon_periods_and_deadlines():
    from pipeline.dataset_tables import deadline, period

    assert period("2026-Q2") == ("2026-04-01", "2026-06-30") and period("2024-02") == ("2024-02-01", "2024-02-29")
    assert period("2027-H1")[1] == "2027-06-30" and period("2030-05-17") == ("2030-05-17", "2030-05-17")
    assert period("P10Y") is None and period("2016-SU") is None and period("199X") is None
    assert deadline({"value": "2026-05", "mod": "BEFORE"}) == "2026-04-30"
    assert deadline({"value": "2026-03-10", "mod": "BEFORE"}) == "2026-03-09"
    assert deadline({"value": "2026", "mod": "AFTER"}) is None
    assert deadline({"value": "2014", "end": "2016", "mod": None}) == "2016-12-31"


def test_dataset_card_gives_meanings_join_keys_and_licence(reviewed, tmp_path):
    result = CliRunner().invoke(app, ["export", str(reviewed), "--to", str(tmp_path / "ds"), "--format", "jsonl", "--license", "CC BY 4.0"])
    assert result.exit_code == 0, result.output
    card = json.loads((tmp_path / "ds" / "dataset_card.json").read_text(encoding="utf-8"))
    figures, claims, preds = (card["tables"][k]["meanings"] for k in ("figures", "claims", "predictions"))
    assert figures["value_low"].startswith("Lower bound of a range figure") and figures["unit"].startswith('"percent"')
    assert claims["hedged"].startswith("A hedge cue") and claims["status_by_ann"].startswith("This reviewer's own decision")
    assert preds["horizon"].startswith("The date the prediction is to come true by") and preds["id"] == "The claim's id (claims.id)."
    assert all(card["tables"][k]["meanings"][c] for k in card["tables"] for c in card["tables"][k]["columns"]), "a column without meaning"
    assert "sentences.id = entities/dates/figures/claims.sentence_id" in card["join_keys"]
    assert card["license"] == "CC BY 4.0" and "publishers' copyright" in card["license_note"]
    md = (tmp_path / "ds" / "dataset_card.md").read_text(encoding="utf-8")
    assert "| `value_high` | float64 | Upper bound of a range figure; equal to value for a single number. |" in md
    assert "## Join keys" in md and "Dataset licence: CC BY 4.0." in md
