"""Small real files for upload tests, made on the spot: a WAV tone, an MP3-looking header, a PNG."""

import io
import math
import struct
import wave

from django.core.files.uploadedfile import SimpleUploadedFile


def wav_bytes(seconds: float = 0.2, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(
            struct.pack("<h", int(12000 * math.sin(2 * math.pi * 440 * n / rate))) for n in range(int(seconds * rate))
        ))
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (8, 6)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def wav_upload(name: str = "kick.wav", content_type: str = "audio/wav") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, wav_bytes(), content_type=content_type)


def png_upload(name: str = "mixer.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type=content_type)
