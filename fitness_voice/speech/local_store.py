"""The local audio store: files in a folder, served by the app at /audio/<name>.

Lines said to one caller sit in a subfolder of theirs (files.AudioKeys.folder),
removed whole when the caller is erased. The folder is bounded: past
`max_bytes` or `max_files`, the least recently used files are evicted
(a hit refreshes a file's time, at most once per TOUCH_EVERY seconds)."""

import contextlib
import os
import shutil
import tempfile
import threading
import time

from .files import FOLDER, split_name, text_path

TOUCH_EVERY = 3600.0
EVICT_TO = 0.9  # of the bounds, so eviction does not run again on the next put


def _at_the_root():
    return ""


class LocalStore:
    """Files in a folder, served by the app at /audio/<name>.

    `script_root()` gives the path the app is mounted under ("" at the root);
    the app passes one that reads the current request."""

    name = "local"
    trust_seconds = 0.0  # asking costs a stat, and another process may evict a file

    def __init__(self, directory, script_root=None, max_bytes=None, max_files=None):
        self.directory = str(directory)
        self.script_root = script_root or _at_the_root
        self.max_bytes = max_bytes
        self.max_files = max_files
        self._usage = None  # (bytes, files) as last counted plus what this process added
        self._guard = threading.Lock()
        os.makedirs(self.directory, exist_ok=True)

    def exists(self, name):
        path = self._path(name)
        try:
            status = os.stat(path)
        except FileNotFoundError:
            return False
        if status.st_size == 0:
            return False
        if time.time() - status.st_mtime > TOUCH_EVERY:  # used: keep it from eviction
            with contextlib.suppress(OSError):
                os.utime(path)
        return True

    def put(self, name, data, content_type, text):
        # The words first, then the audio: once the audio is there, so are they.
        # Each lands by os.replace, so a reader (or a second process writing
        # the same phrase) sees the old file or the new one, never a torn one.
        path = self._path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self._measured()  # before writing, so the new file is counted once
        words = text.encode("utf-8")
        self._write(text_path(os.path.dirname(path), os.path.basename(path)), words)
        self._write(path, data)
        self._count(len(data) + len(words), 1)

    def url(self, name):
        # Relative: Twilio resolves it against the webhook's URL.
        return f"{self.script_root()}/audio/{name}"

    def delete_folder(self, folder):
        """Remove one caller's folder; return how many audio files it held."""
        if not FOLDER.match(folder):
            raise ValueError(f"not a caller's folder: {folder!r}")
        path = os.path.join(self.directory, folder)
        try:
            count = sum(1 for entry in os.scandir(path) if not entry.name.endswith(".txt"))
        except FileNotFoundError:
            return 0
        shutil.rmtree(path, ignore_errors=True)
        with self._guard:
            self._usage = None  # counted again on the next put
        return count

    def usage(self):
        """(bytes, files) in the store, audio and its words, counted now."""
        return _totals(_files(self.directory))

    def _path(self, name):
        folder, base = split_name(name)
        return os.path.join(self.directory, *(part for part in (folder, base) if part))

    def _bounded(self):
        return self.max_bytes is not None or self.max_files is not None

    def _measured(self):
        if self._bounded():
            with self._guard:
                if self._usage is None:
                    self._usage = self.usage()

    def _count(self, size, files):
        if not self._bounded():
            return
        with self._guard:
            if self._usage is None:  # reset by an erasure meanwhile
                self._usage = self.usage()
                return
            size, files = self._usage[0] + size, self._usage[1] + files
            self._usage = (size, files)
            if not self._over(size, files, 1.0):
                return
            self._usage = self._evict()

    def _over(self, size, files, share):
        return ((self.max_bytes is not None and size > self.max_bytes * share)
                or (self.max_files is not None and files > self.max_files * share))

    def _evict(self):
        """Delete the least recently used audio (and its words) until under EVICT_TO
        of the bounds; return what is left."""
        entries = sorted(_files(self.directory), key=lambda entry: entry[2])
        size, files = _totals(entries)
        for path, length, _ in entries:
            if not self._over(size, files, EVICT_TO):
                break
            if path.endswith(".txt"):
                continue  # goes with its audio
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            size -= length
            files -= 1
            sidecar = text_path(os.path.dirname(path), os.path.basename(path))
            with contextlib.suppress(FileNotFoundError):
                size -= os.path.getsize(sidecar)
                os.unlink(sidecar)
        return size, files

    def _write(self, path, data):
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _files(directory):
    """(path, bytes, mtime) of every stored file, in the folder and callers' folders."""
    found = []
    for entry in os.scandir(directory):
        if entry.is_dir() and FOLDER.match(entry.name):
            found.extend(_files(entry.path))
        elif entry.is_file() and not entry.name.startswith(".tmp-"):
            with contextlib.suppress(FileNotFoundError):
                status = entry.stat()
                found.append((entry.path, status.st_size, status.st_mtime))
    return found


def _totals(entries):
    audio = [entry for entry in entries if not entry[0].endswith(".txt")]
    return sum(entry[1] for entry in entries), len(audio)
