"""The memory all sessions' uploads hold together is bounded, given back, and checked one upload at a time."""

from __future__ import annotations

import gc
import threading

import pytest
from apptest import open_page
from uploads import UPLOAD_PAGE, fixture_files, upload

from components import upload as upload_component
from monitor import load_dataset
from monitor.upload_memory import UploadMemory, UploadRefusedError, dataset_bytes


@pytest.fixture
def two_datasets(minimal_dir):
    return load_dataset(minimal_dir, use_cache=False), load_dataset(minimal_dir, use_cache=False)


def test_a_dataset_is_held_until_released(two_datasets):
    first, second = two_datasets
    memory = UploadMemory(limit_bytes=dataset_bytes(first) + dataset_bytes(second))
    memory.hold(first)
    memory.hold(second)
    assert memory.held_bytes == dataset_bytes(first) + dataset_bytes(second)
    memory.release(first)
    assert memory.held_bytes == dataset_bytes(second)


def test_an_upload_beyond_the_room_left_is_refused_with_a_clear_message(two_datasets):
    first, second = two_datasets
    memory = UploadMemory(limit_bytes=dataset_bytes(first) + dataset_bytes(second) - 1)
    memory.hold(first)
    with pytest.raises(UploadRefusedError, match="The server cannot hold this upload now"):
        memory.hold(second)
    assert memory.held_bytes == dataset_bytes(first)


def test_a_new_upload_may_take_the_room_of_the_one_it_replaces(two_datasets):
    first, second = two_datasets
    memory = UploadMemory(limit_bytes=max(dataset_bytes(first), dataset_bytes(second)))
    memory.hold(first)
    memory.hold(second, replacing=first)
    assert memory.held_bytes == dataset_bytes(second)


def test_the_room_comes_back_when_a_session_drops_its_dataset(minimal_dir):
    memory = UploadMemory(limit_bytes=10**9)
    dataset = load_dataset(minimal_dir, use_cache=False)
    memory.hold(dataset)
    assert memory.held_bytes > 0
    del dataset  # what Streamlit does with a session's state when the session ends
    gc.collect()
    assert memory.held_bytes == 0


def test_only_one_upload_is_validated_at_a_time():
    memory = UploadMemory(limit_bytes=10**9, wait_seconds=0.01)
    inside, leave = threading.Event(), threading.Event()

    def validate() -> None:
        with memory.validating():
            inside.set()
            leave.wait(10)

    worker = threading.Thread(target=validate)
    worker.start()
    inside.wait(10)
    try:
        with pytest.raises(UploadRefusedError, match="Another reader's upload is being checked"), memory.validating():
            pass
    finally:
        leave.set()
        worker.join()
    with memory.validating():  # free again
        pass


def test_the_page_refuses_an_upload_when_the_servers_room_is_spent(monkeypatch):
    monkeypatch.setattr(upload_component, "UPLOAD_MEMORY", UploadMemory(limit_bytes=1))
    app = upload(open_page(UPLOAD_PAGE), fixture_files())
    assert not app.exception
    (error,) = app.error
    assert error.value.startswith("The server cannot hold this upload now")
    assert "Nothing was loaded; the pages still show the curated data." in error.value


def test_an_upload_is_stored_like_the_curated_data(minimal_dir):
    """Arrow-backed text, Arrow lists and categorical codes: the compact form, whichever way it was read."""
    from uploads import MINIMAL

    from components.upload import validate_upload

    uploaded, _ = validate_upload([(path.name, path.read_bytes()) for path in sorted(MINIMAL.glob("*.csv"))])
    curated = load_dataset(MINIMAL)  # through the cache
    for table in ("events", "claims", "sources"):
        assert uploaded.table(table).dtypes.astype(str).to_dict() == curated.table(table).dtypes.astype(str).to_dict()
