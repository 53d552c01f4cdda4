"""A pooled connection is pinged before use only when it has sat idle.

SQLAlchemy's `pool_pre_ping` costs a round trip on every checkout, two per turn,
which under load was a fifth of the app's own share of a turn. A connection that
was in use a moment ago is very likely alive; when it is not (the database
restarted under it), the statement fails as a disconnect, SQLAlchemy invalidates
the whole pool, and the turn is run again (calls/outage.py). A connection that has
sat idle longer than the setting may have been dropped quietly (a restart while the
line was quiet, a proxy's idle timeout), so it is pinged and replaced if dead.
"""

import time

from sqlalchemy import event, exc

IDLE_SINCE = "idle_since"


def ping_when_idle(engine, idle_seconds):
    @event.listens_for(engine, "checkin")
    def checked_in(dbapi_connection, record):
        record.info[IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection, record, proxy):
        since = record.info.pop(IDLE_SINCE, None)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError("idle connection is dead") from error
        if alive is False:
            raise exc.DisconnectionError("idle connection is dead")
