"""The local audio store: files in a folder, served by the app at /audio/<name>."""

import contextlib
import os
import tempfile

from .files import text_path


def _at_the_root():
    return ""


class LocalStore:
    """Files in a folder, served by the app at /audio/<name>.

    `script_root()` gives the path the app is mounted under ("" at the root);
    the app passes one that reads the current request."""

    name = "local"

    def __init__(self, directory, script_root=None):
        self.directory = str(directory)
        self.script_root = script_root or _at_the_root
        os.makedirs(self.directory, exist_ok=True)

    def exists(self, name):
        try:
            return os.stat(os.path.join(self.directory, name)).st_size > 0
        except FileNotFoundError:
            return False

    def put(self, name, data, content_type, text):
        # The words first, then the audio: once the audio is there, so are they.
        # Each lands by os.replace, so a reader (or a second process writing
        # the same phrase) sees the old file or the new one, never a torn one.
        self._write(text_path(self.directory, name), text.encode("utf-8"))
        self._write(os.path.join(self.directory, name), data)

    def url(self, name):
        # Relative: Twilio resolves it against the webhook's URL.
        return f"{self.script_root()}/audio/{name}"

    def _write(self, path, data):
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
