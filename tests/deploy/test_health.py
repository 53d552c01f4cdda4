"""/healthz says the process is up; /readyz says whether the database and the index are."""

import pytest


def test_liveness(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_ready_when_the_database_and_the_index_answer(client, app):
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ready" and body["database"] == "ok"
    assert body["index"] == f"ok: {app.extensions['knowledge'].count()} passages"


def test_not_ready_with_the_database_down(make_app):
    app = make_app(reset=False, SQLALCHEMY_DATABASE_URI="postgresql://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["status"] == "not ready"
    assert body["database"].startswith("down: OperationalError")
    assert body["index"].startswith("ok")


@pytest.mark.parametrize("collection", ["never_synced"])
def test_not_ready_with_the_index_empty(make_app, collection):
    app = make_app(KB_SYNC_ON_START=False, CHROMA_COLLECTION=collection)
    body = app.test_client().get("/readyz").get_json()
    assert body["status"] == "not ready" and body["database"] == "ok"
    assert body["index"].startswith("down: the index is empty")
