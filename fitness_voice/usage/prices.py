"""The price table: dollars per unit of each service a call uses."""

from dataclasses import dataclass, field

from .. import config as settings

SERVICES = ("telephony", "recognition", "synthesis", "llm")


@dataclass(frozen=True)
class Prices:
    voice_per_minute: float
    speech_per_15s: float
    say_per_char: float                       # Twilio's <Say>
    synthesis_per_char: dict = field(default_factory=dict)  # our engines, by name
    openai_per_1k: dict = field(default_factory=dict)       # model -> (input, output)
    model: str = "gpt-4o-mini"

    @classmethod
    def from_config(cls, config):
        value = {name: float(config.get(name, default))
                 for name, default in settings.PRICE_DEFAULTS.items()}
        polly = ("PRICE_POLLY_STANDARD_PER_MILLION_CHARS"
                 if str(config.get("POLLY_ENGINE", "neural")).lower() == "standard"
                 else "PRICE_POLLY_NEURAL_PER_MILLION_CHARS")
        return cls(
            voice_per_minute=value["PRICE_TWILIO_VOICE_PER_MINUTE"],
            speech_per_15s=value["PRICE_TWILIO_SPEECH_PER_15S"],
            say_per_char=value["PRICE_TWILIO_SAY_PER_100_CHARS"] / 100,
            synthesis_per_char={"polly": value[polly] / 1_000_000,
                                "elevenlabs": value["PRICE_ELEVENLABS_PER_CHAR"],
                                "local": value["PRICE_LOCAL_TTS_PER_CHAR"]},
            openai_per_1k=parse_model_prices(config.get("OPENAI_PRICES")
                                             or settings.OPENAI_PRICE_DEFAULTS),
            model=config.get("OPENAI_MODEL") or "gpt-4o-mini",
        )

    def tokens(self, prompt_tokens, completion_tokens, model=None):
        """Dollars for the tokens; a model with no price costs as the default model."""
        known = self.openai_per_1k.get(model or self.model) or self.openai_per_1k.get(
            self.model, (0.0, 0.0))
        return (prompt_tokens * known[0] + completion_tokens * known[1]) / 1000


def parse_model_prices(text):
    """"gpt-4o-mini=0.00015/0.0006,gpt-4o=0.0025/0.01" -> {model: (input, output)};
    a model named twice takes its last price."""
    prices = {}
    for item in filter(None, (part.strip() for part in str(text).split(","))):
        model, _, pair = item.partition("=")
        given, _, taken = pair.partition("/")
        try:
            prices[model.strip()] = (float(given), float(taken))
        except ValueError:
            raise settings.ConfigError(
                f"OPENAI_PRICES: {item!r} is not model=input/output") from None
    return prices
