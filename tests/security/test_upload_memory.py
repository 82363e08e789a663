"""The memory all sessions' uploads hold together is bounded, given back, and checked one upload at a time."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from apptest import open_page
from uploads import UPLOAD_PAGE, fixture_files, upload

from components import data as data_component
from monitor import load_dataset
from monitor.upload_memory import UploadRefusedError, UploadStore, dataset_bytes


@pytest.fixture
def two_datasets(minimal_dir):
    return load_dataset(minimal_dir, use_cache=False), load_dataset(minimal_dir, use_cache=False)


def test_uploads_are_held_per_owner_until_dropped(two_datasets):
    first, second = two_datasets
    store = UploadStore(limit_bytes=dataset_bytes(first) + dataset_bytes(second))
    store.put("reader-1", first)
    store.put("reader-2", second)
    assert store.held_bytes == dataset_bytes(first) + dataset_bytes(second)
    assert store.get("reader-1") is first and store.get("reader-3") is None and store.get(None) is None
    assert store.drop("reader-1")
    assert store.held_bytes == dataset_bytes(second)


def test_an_upload_beyond_the_room_left_is_refused_with_a_clear_message(two_datasets):
    first, second = two_datasets
    store = UploadStore(limit_bytes=dataset_bytes(first) + dataset_bytes(second) - 1)
    store.put("reader-1", first)
    with pytest.raises(UploadRefusedError, match="The server cannot hold this upload now"):
        store.put("reader-2", second)
    assert store.held_bytes == dataset_bytes(first)
    assert store.get("reader-2") is None


def test_a_new_upload_takes_the_room_of_the_one_it_replaces(two_datasets):
    first, second = two_datasets
    store = UploadStore(limit_bytes=max(dataset_bytes(first), dataset_bytes(second)))
    store.put("reader-1", first)
    store.put("reader-1", second)
    assert store.get("reader-1") is second
    assert store.held_bytes == dataset_bytes(second)


def test_an_ended_session_loses_its_upload_after_the_reconnection_grace(two_datasets):
    first, second = two_datasets
    now = [100.0]
    store = UploadStore(limit_bytes=10**9, clock=lambda: now[0])
    store.put("gone", first, session_id="s-gone")
    store.put("here", second, session_id="s-here")
    store.put("unknown", first)  # no session id (a test harness): never swept
    alive = {"s-here"}.__contains__
    now[0] += 5
    assert store.sweep(alive, grace_seconds=10) == 0, "a session may come back within the grace"
    now[0] += 10
    assert store.sweep(alive, grace_seconds=10) == 1
    assert store.get("gone") is None and store.get("here") is second and store.get("unknown") is first


def test_the_dropped_upload_is_freed(minimal_dir):
    store = UploadStore(limit_bytes=10**9)
    store.put("reader", load_dataset(minimal_dir, use_cache=False), session_id="s")
    freed = weakref.ref(store.get("reader"))
    store.sweep(lambda _session: False, grace_seconds=-1)
    gc.collect()
    assert freed() is None
    assert store.held_bytes == 0


def test_only_one_upload_is_validated_at_a_time():
    memory = UploadStore(limit_bytes=10**9, wait_seconds=0.01)
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
    monkeypatch.setattr(data_component, "UPLOADS", UploadStore(limit_bytes=1))
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
