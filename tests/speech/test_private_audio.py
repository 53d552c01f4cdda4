"""Private audio: nothing in a name or a response tells what a file says; lines
said to a caller sit in their folder and go when they are erased; the local
folder is bounded and S3 objects expire."""

import os
import time

import pytest
import requests

from fitness_voice.speech.build import build_store
from fitness_voice.speech.local_store import LocalStore
from fitness_voice.speech.s3_store import RULE_ID
from fitness_voice.speech.speaker import Speaker
from tests.peers.s3_server import S3Peer, aws_environment
from tests.speech.helpers import KEYS, ToneEngine, local_speaker, minimal_app

GREETING = "Nice to meet you, Jordan."
FIXED = "Sorry, I didn't catch that."


def test_a_line_said_to_a_caller_is_kept_in_their_folder(tmp_path):
    speaker = local_speaker(tmp_path)
    speaker.share([FIXED])
    personal = speaker.audio_url(GREETING, caller="17")
    fixed = speaker.audio_url(FIXED, caller="17")
    folder = KEYS.folder("17")
    assert personal.startswith(f"/audio/{folder}/")
    assert fixed.count("/") == 2  # /audio/<name>: one copy for every caller
    assert speaker.audio_url(GREETING, caller="18") != personal
    assert speaker.audio_url(GREETING) != personal  # no caller: shared (the CLI)
    assert "jordan" not in personal.lower()


def test_erasing_a_caller_removes_their_audio_and_only_theirs(tmp_path):
    speaker = local_speaker(tmp_path)
    speaker.share([FIXED])
    client = minimal_app(tmp_path, speaker).test_client()

    def status(url):
        return client.get(url, buffered=True).status_code

    mine = [speaker.audio_url(line, caller="17") for line in (GREETING, "You weigh eighty kilos.")]
    theirs = speaker.audio_url(GREETING, caller="18")
    fixed = speaker.audio_url(FIXED, caller="17")
    assert [status(url) for url in (*mine, theirs, fixed)] == [200] * 4

    assert speaker.delete_caller_audio("17") == 2
    assert [status(url) for url in (*mine, theirs, fixed)] == [404, 404, 200, 200]
    assert not os.path.exists(tmp_path / "instance" / "audio" / KEYS.folder("17"))
    assert speaker.delete_caller_audio("17") == 0  # nothing left; no error
    # Said again after erasure, it is made again (not taken for still stored).
    assert speaker.audio_url(GREETING, caller="17") == mine[0]
    assert speaker.stats["synthesized"] == 5


def test_the_words_are_not_sent_unless_asked_for(tmp_path):
    speaker = local_speaker(tmp_path)
    app = minimal_app(tmp_path, speaker)
    app.config["AUDIO_TEXT_HEADER"] = False
    response = app.test_client().get(speaker.audio_url(GREETING, caller="17"), buffered=True)
    assert response.status_code == 200
    assert "X-Audio-Text" not in response.headers
    assert not [value for value in response.headers.values() if "Jordan" in value]


@pytest.mark.parametrize("path", [
    "/audio/c" + "0" * 31 + "/" + "0" * 64 + ".wav",
    "/audio/../" + "0" * 64 + ".wav",
    "/audio/c" + "0" * 32 + "/" + "0" * 64 + ".txt",
    "/audio/c" + "0" * 32 + "/x/" + "0" * 64 + ".wav",
])
def test_the_audio_route_serves_only_cache_names(tmp_path, path):
    speaker = local_speaker(tmp_path)
    speaker.audio_url(GREETING, caller="17")
    assert minimal_app(tmp_path, speaker).test_client().get(path, buffered=True).status_code == 404


def test_the_local_folder_evicts_the_least_recently_used(tmp_path):
    store = LocalStore(tmp_path / "audio", max_files=4)
    speaker = Speaker(ToneEngine("mp3"), store, "mp3", KEYS)
    names = []
    for number, line in enumerate(["One.", "Two.", "Three.", "Four."]):
        speaker.render(line, caller="17" if number % 2 else None)
        names.append(speaker.name_for(line, "17" if number % 2 else None))
        when = time.time() - 10_000 + number * 100  # written in this order
        os.utime(os.path.join(store.directory, names[-1]), (when, when))
    speaker.render("Five.")
    assert store.usage()[1] <= 4 * 0.9
    assert not store.exists(names[0])  # the oldest went first
    assert store.exists(speaker.name_for("Five.")) and store.exists(names[-1])
    assert speaker.render("One.")[1] == "synthesized"  # made again when needed


def test_the_local_folder_is_bounded_in_bytes_too(tmp_path):
    store = LocalStore(tmp_path / "audio", max_bytes=20_000)
    speaker = Speaker(ToneEngine("mp3"), store, "mp3", KEYS)
    for number in range(12):
        speaker.render(f"Line number {number}.")
    assert store.usage()[0] <= 20_000


@pytest.fixture(scope="module")
def s3():
    with S3Peer() as peer:
        peer.create_bucket("fitness-voice-audio")
        yield peer


def s3_store(s3, **settings):
    config = {"AUDIO_BUCKET": "fitness-voice-audio", "S3_ENDPOINT_URL": s3.url,
              "AUDIO_EXPIRY_DAYS": 30, **settings}
    return build_store(config, "/nonexistent")


def test_s3_erasure_removes_the_callers_objects_only(s3, monkeypatch):
    aws_environment(monkeypatch)
    speaker = Speaker(ToneEngine("mp3"), s3_store(s3), "mp3", KEYS)
    mine = speaker.audio_url(GREETING, caller="17")
    theirs = speaker.audio_url(GREETING, caller="18")
    assert requests.get(mine, timeout=5).status_code == 200
    assert speaker.delete_caller_audio("17") == 1
    assert requests.get(mine, timeout=5).status_code in (403, 404)
    assert requests.get(theirs, timeout=5).status_code == 200
    keys = [item["Key"] for item in s3.client().list_objects_v2(
        Bucket="fitness-voice-audio")["Contents"]]
    assert not [key for key in keys if KEYS.folder("17") in key]


def test_s3_lifecycle_expires_the_audio_and_keeps_other_rules(s3, monkeypatch):
    aws_environment(monkeypatch)
    client = s3.client()
    other = {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
             "Expiration": {"Days": 7}}
    client.put_bucket_lifecycle_configuration(
        Bucket="fitness-voice-audio", LifecycleConfiguration={"Rules": [other]})
    store = s3_store(s3, AUDIO_EXPIRY_DAYS=14)
    for _ in range(2):  # applying it again changes nothing
        store.apply_lifecycle()
    rules = client.get_bucket_lifecycle_configuration(Bucket="fitness-voice-audio")["Rules"]
    ours = [rule for rule in rules if rule["ID"] == RULE_ID]
    assert len(ours) == 1 and ours[0]["Expiration"]["Days"] == 14
    assert ours[0]["Filter"]["Prefix"] == "audio/"
    assert [rule["ID"] for rule in rules if rule["ID"] != RULE_ID] == ["logs"]


def test_s3_lifecycle_from_the_command_line(s3, monkeypatch, tmp_path):
    aws_environment(monkeypatch)
    speaker = Speaker(ToneEngine("mp3"), s3_store(s3, AUDIO_EXPIRY_DAYS=21), "mp3", KEYS)
    result = minimal_app(tmp_path, speaker).test_cli_runner().invoke(args=["speech",
                                                                            "lifecycle"])
    assert result.exit_code == 0, result.output
    assert "expire 21 days after" in result.output
    local = minimal_app(tmp_path, local_speaker(tmp_path)).test_cli_runner()
    assert "nothing to do" in local.invoke(args=["speech", "lifecycle"]).output


def test_an_s3_object_close_to_expiry_counts_as_missing(s3, monkeypatch):
    aws_environment(monkeypatch)
    fresh, expiring = s3_store(s3, AUDIO_EXPIRY_DAYS=30), s3_store(s3, AUDIO_EXPIRY_DAYS=1)
    speaker = Speaker(ToneEngine("mp3"), fresh, "mp3", KEYS)
    speaker.render("Still in use.")
    name = speaker.name_for("Still in use.")
    assert fresh.exists(name)
    assert not expiring.exists(name)  # one day to live: write it again, so it lives on
