"""The local store: files in a folder, served by the app at /audio/<name>."""

import os
import threading
from urllib.parse import unquote

import pytest

from fitness_voice.speech.formats import audio_kind
from fitness_voice.speech.local_store import LocalStore
from fitness_voice.speech.speaker import Speaker
from tests.speech.helpers import KEYS, REPLY, ToneEngine, local_speaker, minimal_app

NAME = "0" * 64 + ".mp3"


@pytest.mark.parametrize(("fmt", "content_type"), [("mp3", "audio/mpeg"), ("wav", "audio/wav")])
def test_local_audio_is_served_with_its_type_and_caching_headers(tmp_path, fmt, content_type):
    speaker = local_speaker(tmp_path, fmt)
    app = minimal_app(tmp_path, speaker)
    url = speaker.audio_url(REPLY)
    assert url.startswith("/audio/") and url.endswith("." + fmt)

    response = app.test_client().get(url, buffered=True)
    assert response.status_code == 200
    assert response.mimetype == content_type
    assert audio_kind(response.data) == fmt
    cache_control = response.headers["Cache-Control"]
    assert "public" in cache_control and "immutable" in cache_control
    assert "max-age=31536000" in cache_control
    assert response.headers["ETag"]
    assert response.headers["Accept-Ranges"] == "bytes"
    assert unquote(response.headers["X-Audio-Text"]) == REPLY


def test_local_audio_answers_conditional_gets_with_304(tmp_path):
    speaker = local_speaker(tmp_path)
    client = minimal_app(tmp_path, speaker).test_client()
    url = speaker.audio_url(REPLY)
    first = client.get(url, buffered=True)
    again = client.get(url, buffered=True, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert not again.data
    since = client.get(url, buffered=True,
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_local_audio_answers_range_requests_with_206(tmp_path):
    speaker = local_speaker(tmp_path)
    client = minimal_app(tmp_path, speaker).test_client()
    url = speaker.audio_url(REPLY)
    whole = client.get(url, buffered=True).data
    part = client.get(url, buffered=True, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 0-99/{len(whole)}"
    assert part.data == whole[:100]
    tail = client.get(url, buffered=True, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == whole[-10:]
    head = client.head(url, buffered=True)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(whole)


@pytest.mark.parametrize("name", [
    "nothing.mp3", "0" * 64 + ".ogg", "0" * 64 + ".mp3", "..%2F..%2Fetc%2Fpasswd",
    "0" * 64 + ".txt", "A" * 64 + ".mp3",
])
def test_local_audio_route_serves_nothing_else(tmp_path, name):
    speaker = local_speaker(tmp_path)
    app = minimal_app(tmp_path, speaker)
    speaker.audio_url(REPLY)  # so the folder and a sidecar .txt exist
    assert app.test_client().get(f"/audio/{name}", buffered=True).status_code == 404


@pytest.mark.parametrize(("script_root", "url"), [
    (None, f"/audio/{NAME}"),
    (lambda: "", f"/audio/{NAME}"),
    (lambda: "/fv", f"/fv/audio/{NAME}"),
])
def test_local_url_is_relative_to_the_script_root(tmp_path, script_root, url):
    assert LocalStore(tmp_path, script_root).url(NAME) == url


def test_local_url_respects_the_apps_script_root(make_app, tmp_path):
    app = make_app(TTS_ENGINE="local", AUDIO_FORMAT="mp3", AUDIO_DIR=str(tmp_path / "audio"),
                   PIPER_MODEL=str(tmp_path / "unused.onnx"),
                   PIPER_CONFIG=str(tmp_path / "unused.json"))
    store = app.extensions["fitness_voice"].speaker.store
    speaker = Speaker(ToneEngine("mp3"), store, "mp3", KEYS)
    with app.test_request_context("/voice/turn", base_url="https://coach.example/fv"):
        assert speaker.audio_url(REPLY).startswith("/fv/audio/")
    assert speaker.audio_url(REPLY).startswith("/audio/")  # outside a request: at the root


@pytest.mark.parametrize(("content", "stored"), [(None, False), (b"", False), (b"ID3", True)])
def test_only_a_whole_file_exists(tmp_path, content, stored):
    store = LocalStore(tmp_path)
    if content is not None:
        (tmp_path / NAME).write_bytes(content)
    assert store.exists(NAME) is stored


def test_put_writes_the_audio_and_its_words(tmp_path):
    store = LocalStore(tmp_path / "audio")
    store.put(NAME, b"ID3 audio", "audio/mpeg", "Café squats.")
    assert (tmp_path / "audio" / NAME).read_bytes() == b"ID3 audio"
    assert (tmp_path / "audio" / ("0" * 64 + ".txt")).read_text("utf-8") == "Café squats."
    assert sorted(os.listdir(tmp_path / "audio")) == [NAME, "0" * 64 + ".txt"]


def test_two_processes_writing_one_phrase_leave_a_whole_file(tmp_path):
    speakers = [local_speaker(tmp_path, delay=0.05) for _ in range(4)]
    barrier = threading.Barrier(len(speakers))
    urls = []

    def render(speaker):
        barrier.wait()
        urls.append(speaker.audio_url(REPLY))

    threads = [threading.Thread(target=render, args=(s,)) for s in speakers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(urls)) == 1
    folder = tmp_path / "instance" / "audio"
    names = sorted(os.listdir(folder))
    assert [n.rsplit(".", 1)[1] for n in names] == ["mp3", "txt"]  # no temporary files left
    assert audio_kind((folder / names[0]).read_bytes()) == "mp3"
