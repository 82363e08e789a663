"""The story page under AppTest: the URL always names the step shown, and a link opens its step."""

from __future__ import annotations

from monitor.config import PROJECT_ROOT
from monitor.loading import load_dataset
from tests.apptest import open_page

DATASET = load_dataset(PROJECT_ROOT / "data")
STEPS = DATASET.story.set_index("step")


def shown_step(app) -> int:
    return app.select_slider(key="step").value


def in_url(app, name: str) -> str:
    value = app.query_params[name]
    return value[-1] if isinstance(value, list) else value


def test_the_url_names_the_step_shown_after_every_move():
    app = open_page("pages/story.py", {"step": "16"})
    assert not app.exception
    assert shown_step(app) == 16 and in_url(app, "step") == "16"
    for _ in range(3):
        next(button for button in app.button if button.label == "Next").click().run()
    assert shown_step(app) == 19
    assert in_url(app, "step") == "19"
    assert in_url(app, "event") == STEPS.loc[19, "event_id"]
    app.select_slider(key="step").set_value(4).run()
    assert in_url(app, "step") == "4"
    assert in_url(app, "event") == STEPS.loc[4, "event_id"]


def test_a_step_named_in_the_url_is_opened_even_mid_session():
    app = open_page("pages/story.py")
    assert shown_step(app) == 1
    app.query_params["step"] = "7"  # the browser's back button, or a link opened in the same session
    app.run()
    assert shown_step(app) == 7
    assert app.session_state["selected_event"] == STEPS.loc[7, "event_id"]


def test_an_unknown_step_in_the_url_opens_the_first():
    app = open_page("pages/story.py", {"step": "999"})
    assert not app.exception
    assert shown_step(app) == 1
