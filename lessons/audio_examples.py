"""A dry and a compressed version of the same short phrase, synthesised here (no recording, no download).

For a lesson's audio example about dynamics: the "phrase" is a run of syllable-like
tone bursts of uneven loudness; the compressed version runs it through a simple
feed-forward compressor (threshold, ratio, attack, release, make-up gain), so the
quiet syllables come up and the loud ones come down, and both files peak at the
same level, so the difference is the processing, not the volume.
Pure Python and the standard library's `wave`; 16-bit mono WAV.
"""

from __future__ import annotations

import io
import math
import wave
from dataclasses import dataclass

RATE = 22_050

# (pitch in Hz, loudness 0..1, length in seconds) for each syllable, with a short gap after it.
PHRASE = [(220, 0.9, 0.18), (247, 0.35, 0.14), (196, 0.75, 0.22), (262, 0.25, 0.12), (220, 1.0, 0.26), (175, 0.3, 0.3)]


@dataclass(frozen=True)
class Compressor:
    threshold_db: float = -18.0
    ratio: float = 4.0
    attack_s: float = 0.005
    release_s: float = 0.08


def phrase(rate: int = RATE) -> list[float]:
    """The dry phrase, samples in -1..1."""
    samples: list[float] = []
    for pitch, loudness, length in PHRASE:
        count = int(length * rate)
        for n in range(count):
            t = n / rate
            # A voice-like tone: fundamental and two overtones, shaped by a quick rise and a slow fall.
            envelope = min(1.0, t / 0.015) * math.exp(-3.0 * t / length)
            tone = (math.sin(2 * math.pi * pitch * t) + 0.5 * math.sin(4 * math.pi * pitch * t)
                    + 0.25 * math.sin(6 * math.pi * pitch * t)) / 1.75
            samples.append(loudness * envelope * tone)
        samples.extend([0.0] * int(0.06 * rate))
    return samples


def compress(samples: list[float], settings: Compressor = Compressor(), rate: int = RATE) -> list[float]:
    """Feed-forward compression with a peak detector; the result is normalised to the input's peak."""
    attack = math.exp(-1.0 / (settings.attack_s * rate))
    release = math.exp(-1.0 / (settings.release_s * rate))
    level, out = 0.0, []
    for sample in samples:
        magnitude = abs(sample)
        coefficient = attack if magnitude > level else release
        level = coefficient * level + (1 - coefficient) * magnitude
        level_db = 20 * math.log10(max(level, 1e-9))
        over = level_db - settings.threshold_db
        gain_db = -over * (1 - 1 / settings.ratio) if over > 0 else 0.0
        out.append(sample * 10 ** (gain_db / 20))
    peak_in, peak_out = max(map(abs, samples), default=0.0), max(map(abs, out), default=0.0)
    makeup = peak_in / peak_out if peak_out else 1.0
    return [s * makeup for s in out]


def syllable_levels_db(samples: list[float], rate: int = RATE) -> list[float]:
    """The RMS level of each syllable of the phrase, in dB: compression brings them closer together."""
    levels, start = [], 0
    for _pitch, _loudness, length in PHRASE:
        count = int(length * rate)
        part = samples[start:start + count]
        rms = math.sqrt(sum(s * s for s in part) / len(part))
        levels.append(20 * math.log10(max(rms, 1e-9)))
        start += count + int(0.06 * rate)
    return levels


def loudness_range_db(samples: list[float], rate: int = RATE) -> float:
    levels = syllable_levels_db(samples, rate)
    return max(levels) - min(levels)


def wav_bytes(samples: list[float], rate: int = RATE) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(int(max(-1.0, min(1.0, s)) * 32_000).to_bytes(2, "little", signed=True) for s in samples))
    return buffer.getvalue()


def dry_and_compressed(rate: int = RATE) -> tuple[bytes, bytes]:
    """The two WAV files (dry, compressed) of the same phrase, at `rate` samples a second."""
    dry = phrase(rate)
    return wav_bytes(dry, rate), wav_bytes(compress(dry, rate=rate), rate)
