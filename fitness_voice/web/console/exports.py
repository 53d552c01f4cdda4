"""Downloads: a call's transcript (text or JSON), the calls list as CSV, and the
audio a caller heard (from the local cache, or a redirect to the audio store)."""

import csv
import io
import os

from flask import Response, abort, current_app, redirect, send_from_directory

from ...speech.files import CONTENT_TYPES, local_audio_dir
from ...usage import calls as summaries
from ...usage.prices import SERVICES
from . import bp, views
from .pages import call_or_404, filters, prices, speaker

CSV_COLUMNS = ("call_sid", "started_at", "caller", "name", "outcome", "duration_s", "minutes",
               "turns", "first_words", "wait_p50_ms", "wait_p95_ms",
               *(f"cost_{service}" for service in SERVICES), "cost_total", "flags")


@bp.get("/calls/<int:call_id>/transcript.txt")
def transcript_text(call_id):
    session = call_or_404(call_id)
    return _download("\n".join(views.transcript_lines(session)) + "\n", "text/plain",
                     f"{session.call_sid}.txt")


@bp.get("/calls/<int:call_id>/transcript.json")
def transcript_json(call_id):
    session = call_or_404(call_id)
    summary = summaries.summarise(session, prices())
    response = current_app.json.response(views.transcript_json(session, summary))
    response.headers["Content-Disposition"] = f'attachment; filename="{session.call_sid}.json"'
    return response


@bp.get("/calls.csv")
def calls_csv():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for summary in summaries.find_calls(prices(), limit=10_000, **filters()):
        writer.writerow(_row(summary))
    return _download(out.getvalue(), "text/csv", "calls.csv")


@bp.get("/calls/<int:call_id>/audio/<path:name>")
def audio(call_id, name):
    call_or_404(call_id)
    if not views.is_audio_name(name):
        abort(404)
    store = getattr(speaker(), "store", None)
    if store is None:  # Twilio's <Say> spoke it: there is no audio of ours
        abort(404)
    if getattr(store, "name", "") != "local":
        return redirect(store.url(name))
    directory = local_audio_dir(current_app.config, current_app.instance_path)
    if not os.path.exists(os.path.join(directory, name)):
        abort(404)
    return send_from_directory(directory, name, mimetype=CONTENT_TYPES[name.rsplit(".", 1)[1]],
                               conditional=True)


def _row(summary):
    session = summary.session
    return [session.call_sid, session.started_at.isoformat(timespec="seconds"),
            session.caller.phone_number, session.caller.name or "", summary.outcome,
            summary.usage.seconds, summary.usage.minutes, summary.turns, summary.first_words,
            summary.wait_p50_ms, summary.wait_p95_ms,
            *(f"{summary.cost.get(service, 0.0):.5f}" for service in SERVICES),
            f"{summary.total_cost:.5f}", "; ".join(summary.flags)]


def _download(body, mimetype, filename):
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
