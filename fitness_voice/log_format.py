"""How log lines are written: plain text, or JSON (LOG_FORMAT=json) for a log service."""

import json
import logging


class JsonLines(logging.Formatter):
    """LOG_FORMAT=json: one JSON object a line; a journal line's fields are its keys."""

    def format(self, record):
        line = {"time": self.formatTime(record), "level": record.levelname,
                "logger": record.name}
        line.update(getattr(record, "fields", None) or {"message": record.getMessage()})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
