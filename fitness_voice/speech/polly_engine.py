"""Amazon Polly (boto3): SSML with the text escaped, a short pause between sentences."""

import contextlib
import re
from xml.sax.saxutils import escape

from ..text.sentences import split_sentences
from .aws import aws_errors
from .base import NotAudio
from .formats import DEFAULT_FORMAT, PHONE_RATE, audio_kind, pcm_to_wav

SENTENCE_PAUSE_MS = 300
PIECE_LIMIT = 1500  # characters a call; Polly accepts 3000, SSML markup included
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XML_QUOTES = {'"': "&quot;", "'": "&apos;"}


def ssml(text):
    """SSML for Polly: the text escaped (<, &, quotes cannot break out), with a
    short pause between sentences."""
    text = XML_INVALID.sub(" ", text)
    sentences = [escape(s, XML_QUOTES) for s in _sentences(text)]
    pause = f' <break time="{SENTENCE_PAUSE_MS}ms"/> '
    return f"<speak>{pause.join(sentences)}</speak>"


def split_for_polly(text, limit=PIECE_LIMIT):
    """Split at sentence ends (at spaces if a sentence is too long) into pieces
    of at most `limit` characters."""
    pieces, current = [], ""
    for sentence in _sentences(text):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def _sentences(text):
    # A pause after "Dr." and initials too, as Polly always had.
    return split_sentences(text, abbreviations=False)


class PollyEngine:
    """Amazon Polly's SynthesizeSpeech, with neural voices by default."""

    name = "polly"

    def __init__(self, client, voice="Joanna", engine="neural", fmt=DEFAULT_FORMAT):
        self.client = client
        self.voice_name = voice
        self.engine = engine
        self.fmt = fmt
        self.voice = f"{voice}:{engine}"

    def synthesize(self, text):
        with aws_errors("Polly"):
            parts = [self._synthesize_piece(piece) for piece in split_for_polly(text)]
        if self.fmt == "mp3":
            return b"".join(parts)
        return pcm_to_wav(b"".join(parts), PHONE_RATE)

    def _synthesize_piece(self, piece):
        response = self.client.synthesize_speech(
            Text=ssml(piece), TextType="ssml", VoiceId=self.voice_name, Engine=self.engine,
            OutputFormat="mp3" if self.fmt == "mp3" else "pcm",
            SampleRate="22050" if self.fmt == "mp3" else str(PHONE_RATE),
        )
        with contextlib.closing(response["AudioStream"]) as stream:
            data = stream.read()
        if self.fmt == "mp3" and audio_kind(data) != "mp3":
            raise NotAudio(f"Polly answered {len(data)} bytes that are not MP3 "
                           f"({response.get('ContentType')})")
        return data
