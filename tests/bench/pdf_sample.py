"""A PDF of a chosen size, for the intake benchmarks (stack_intake.py, intake_cpu.py)."""

from __future__ import annotations

import secrets

PDF_BYTES = 1024 * 1024


def sample_pdf(size: int = PDF_BYTES) -> bytes:
    """A well-formed one-page PDF of about `size` bytes: an uncompressible stream of
    random bytes as an embedded file would be, with a correct cross-reference table."""
    filler = secrets.token_bytes(max(size - 700, 0))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(filler) + filler + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
