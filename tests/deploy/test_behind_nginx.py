"""The reverse-proxy example: nginx from Debian in front of two app processes, on loopback, with sticky sessions."""

from __future__ import annotations

import asyncio
import urllib.request

import pytest
from conftest import in_own_thread

from benchmarks.load import browse, stream_url
from deploy.behind_nginx import behind_nginx, nginx_available, render_config


def test_the_config_is_filled_in_with_one_server_line_per_process():
    config = render_config(9000, [9001, 9002])
    assert "listen 127.0.0.1:9000;" in config
    assert config.count("server 127.0.0.1:") == 2 and "server 127.0.0.1:9002;" in config
    # Websocket upgrade and a sticky route, as Streamlit needs.
    assert "proxy_set_header Upgrade $http_upgrade;" in config and "hash $st_route consistent;" in config


@pytest.mark.slow
@pytest.mark.skipif(not nginx_available(), reason="nginx is not installed (Debian: apt-get install nginx)")
def test_a_page_loads_and_filters_through_nginx_over_the_websocket():
    with behind_nginx(2, port=0) as deployment:
        with urllib.request.urlopen(deployment.url + "/", timeout=10) as reply:
            assert reply.status == 200
            route = reply.headers["Set-Cookie"]
        assert route.startswith("st_route=") and "HttpOnly" in route

        async def two_readers() -> list[tuple[list[str], list[str]]]:
            url = stream_url(deployment.url)
            periods = [("Jan 2024", "Dec 2024")]
            return await asyncio.gather(browse(url, "", periods, 90), browse(url, "map", periods, 90))

        for summaries, exceptions in in_own_thread(asyncio.run, two_readers()):
            assert not exceptions
            assert summaries[0].startswith("showing ") and summaries[1] != summaries[0]
