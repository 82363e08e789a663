"""The upload page under AppTest: a valid upload is explored on every page of this session only, a bad one
lists its problems and keeps the previous data, and the curated data comes back on request."""

from __future__ import annotations

import pytest
from apptest import PAGES, markdown_text, open_page
from uploads import UPLOAD_PAGE, as_zip, dataset_in_use, fixture_files, session_upload_of, upload

MARKER = "Marker event from an upload"
MARKED = fixture_files({"Treaty signed": MARKER})


def test_the_page_offers_an_uploader_templates_and_the_curated_data():
    app = open_page(UPLOAD_PAGE)
    assert not app.exception
    assert app.title[0].value == "Use your own data"
    uploader = app.file_uploader[0]
    assert uploader.accept_multiple_files
    assert sorted(uploader.allowed_type) == [".csv", ".zip"]
    labels = [button.label for button in app.get("download_button")]
    assert {"sources.csv", "actors.csv", "places.csv", "events.csv", "claims.csv", "story.csv"} <= set(labels)
    assert "Download the curated dataset (zip)" in labels
    assert "The pages show the curated dataset." in markdown_text(app)
    assert session_upload_of(app) is None


def test_a_zip_of_all_tables_is_validated_and_used_on_every_page():
    app = upload(open_page(UPLOAD_PAGE), {"my-data.zip": as_zip(MARKED, folder="export/")})
    assert not app.exception
    assert "Every page now shows your upload (2 events, 2 claims, 2 sources)" in app.success[0].value
    assert "Data: your upload (this session only)" in [caption.value for caption in app.sidebar.caption]
    assert app.sidebar.caption[-1].value == "showing 2 of 2 events · 2 of 2 claims"
    assert MARKER in set(dataset_in_use(app).events["title"])
    assert "Download your dataset (zip)" in [button.label for button in app.get("download_button")]
    for page in PAGES:
        app.switch_page(page).run()
        assert not app.exception, page
        assert MARKER in set(dataset_in_use(app).events["title"]), page
        assert app.sidebar.caption[-1].value.endswith("of 2 events · 2 of 2 claims"), page


def test_separate_csv_files_work_like_a_zip():
    app = upload(open_page(UPLOAD_PAGE), MARKED)
    assert not app.exception
    assert "From your files: sources.csv, actors.csv, places.csv, events.csv, claims.csv." in app.success[0].value
    assert "From the curated data" not in app.success[0].value  # the curated story names curated events


def test_one_table_is_completed_from_the_curated_data():
    curated = open_page(UPLOAD_PAGE)
    events = dataset_in_use(curated).events
    header = "event_id,date_start,date_end,date_precision,title,summary,category,status,place_id,actors,source_ids,"
    first_source = events["source_ids"].iloc[0][0]
    row = f"my-event,2024-06-20,,day,{MARKER},Our words.,diplomacy,reported,,PRK;RUS,{first_source},,2,"
    app = upload(curated, {"events.csv": f"{header}excerpt,importance,notes\n{row}\n".encode()})
    assert not app.exception
    success = app.success[0].value
    assert "From your files: events.csv. From the curated data: sources.csv, actors.csv, places.csv, claims.csv." in (
        success
    )
    assert list(dataset_in_use(app).events["title"]) == [MARKER]
    assert dataset_in_use(app).story.empty, "the curated story names curated events, so it is left out"


def test_a_bad_upload_lists_every_problem_and_keeps_the_previous_data():
    app = upload(open_page(UPLOAD_PAGE), MARKED)
    broken = fixture_files({"2024-06-19,,day": "2030-01-01,,day", "https://example.org/a": "javascript:alert(1)"})
    app = upload(app, broken)
    assert not app.exception
    assert "did not pass validation: 2 problem(s)" in app.error[0].value
    assert "the pages still show your previous upload" in app.error[0].value
    assert app.code[0].value.splitlines() == [
        "sources.csv:2:url: 'javascript:alert(1)' "
        "must be an http(s) URL with a host, and spaces, quotes, brackets and parentheses written as %20, %27, %28…",
        "events.csv:2:date_start: '2030-01-01' must be between 1953-01-01 and 2025-12-31",
    ]
    assert MARKER in set(dataset_in_use(app).events["title"]), "the previous upload is still in use"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"event.csv": b"a,b\n"}, "event.csv:0:*: is not a table of this dataset; name each file one of: "),
        ({"broken.zip": b"PK\x03\x04 not really"}, "broken.zip:0:*: is not a readable zip file"),
    ],
)
def test_an_unusable_file_is_named(files, expected):
    app = upload(open_page(UPLOAD_PAGE), files)
    assert not app.exception
    assert "the pages still show the curated data" in app.error[0].value
    assert app.code[0].value.startswith(expected)


def test_the_curated_data_comes_back_and_the_filters_reset():
    app = upload(open_page(UPLOAD_PAGE), MARKED)
    app.sidebar.multiselect(key="actor").set_value(["PRK"]).run()
    app.button(key="use_curated_data").click().run()
    assert not app.exception
    assert session_upload_of(app) is None
    assert MARKER not in set(dataset_in_use(app).events["title"])
    assert app.sidebar.multiselect(key="actor").value == []
    assert "Data: your upload (this session only)" not in [caption.value for caption in app.sidebar.caption]
    assert "The pages show the curated dataset." in markdown_text(app)


def test_a_new_upload_resets_filters_that_name_actors_it_may_not_have():
    app = open_page(UPLOAD_PAGE, {"actor": ["South Korea"]})
    assert app.sidebar.multiselect(key="actor").value == ["KOR"]
    app = upload(app, MARKED)
    assert not app.exception
    assert app.sidebar.multiselect(key="actor").value == []


def test_another_session_never_sees_the_upload():
    uploader = upload(open_page(UPLOAD_PAGE), MARKED)
    assert MARKER in set(dataset_in_use(uploader).events["title"])
    other = open_page("pages/explorer.py")
    assert session_upload_of(other) is None
    assert MARKER not in set(dataset_in_use(other).events["title"])


def test_a_new_upload_replaces_the_previous_one():
    app = upload(open_page(UPLOAD_PAGE), MARKED)
    assert app.file_uploader[0].value in (None, []), "the uploader is emptied once its files are read"
    app = upload(app, fixture_files({"Treaty signed": "A second upload"}))
    assert not app.exception
    assert not app.error, [error.value for error in app.error]
    assert "A second upload" in set(dataset_in_use(app).events["title"])
    assert MARKER not in set(dataset_in_use(app).events["title"])


def test_a_claims_file_in_the_1x_format_is_accepted_with_a_deprecation_notice():
    legacy = (
        "claim_id,metric,subject,value_low,value_high,qualifier,scope,as_of,reported_on,claimant,claimant_actor,"
        "relayed_by,source_id,interested_party,place_id,excerpt,notes\n"
        "old-row,troops_deployed,PRK,11000,11000,over,total,2025-07-13,2025-07-13,someone,unnamed,,seed-a,false,,,\n"
    )
    files = {**MARKED, "claims.csv": legacy.encode("utf-8")}
    app = upload(open_page(UPLOAD_PAGE), files)
    assert not app.exception
    assert "Every page now shows your upload" in app.success[0].value
    warnings = [warning.value.replace("\\", "") for warning in app.sidebar.warning]
    assert len(warnings) == 1 and "claims.csv is in the previous (1.x) format" in warnings[0]
    assert "'source_id' is read as 'source_ids'" in warnings[0]
    assert list(dataset_in_use(app).claims["source_ids"].iloc[0]) == ["seed-a"]
