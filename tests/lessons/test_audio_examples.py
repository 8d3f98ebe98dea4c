"""The synthesised audio pair: two playable WAVs of the same phrase, the compressed one with less dynamic range."""

import io
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from lessons import audio_examples, media


def test_the_pair_is_the_same_phrase_and_the_compressed_one_is_denser(tmp_path):
    call_command("synth_audio_example", str(tmp_path), stdout=io.StringIO())
    dry, compressed = (tmp_path / "phrase-dry.wav").read_bytes(), (tmp_path / "phrase-compressed.wav").read_bytes()

    for data in (dry, compressed):
        assert media.check_audio(SimpleUploadedFile("x.wav", data, content_type="audio/wav")).content_type == "audio/wav"
    with wave.open(io.BytesIO(dry)) as a, wave.open(io.BytesIO(compressed)) as b:
        assert a.getnframes() == b.getnframes() > audio_examples.RATE  # over a second, same length
    samples = audio_examples.phrase()
    squashed = audio_examples.compress(samples)
    assert max(map(abs, squashed)) == pytest.approx(max(map(abs, samples)))  # same peak
    # Loud and quiet syllables closer together: what the lesson asks the student to hear.
    assert audio_examples.loudness_range_db(squashed) < audio_examples.loudness_range_db(samples) - 3


def test_quiet_sounds_pass_a_compressor_untouched():
    quiet = [0.01 * (n % 7 - 3) for n in range(2000)]
    settings = audio_examples.Compressor(threshold_db=-6)
    out = audio_examples.compress(quiet, settings)
    assert out == pytest.approx(quiet)
