"""Reading the régie's PDFs back with poppler (pdftotext, pdfinfo, pdftoppm) and zbarimg: what the document tests
assert on. pdftotext returns Arabic in reading order, but a line mixing Arabic with figures comes out run by run in
visual order; amounts use no-break spaces between thousands (normalised here)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is required for the PDF checks (poppler-utils, zbar-tools)"
    return path


_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def text(pdf: bytes, *, layout: bool = False) -> str:
    args = [tool("pdftotext"), *(["-layout"] if layout else []), "-enc", "UTF-8", "-", "-"]
    out = subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode()
    out = _BIDI.sub("", out).replace("\u00a0", " ").replace("\u202f", " ")
    if layout:
        return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in out.splitlines() if line.strip())
    return re.sub(r"\s+", " ", out)


def info(pdf: bytes) -> str:
    return subprocess.run([tool("pdfinfo"), "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def pages(pdf: bytes) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", info(pdf), re.M).group(1))  # type: ignore[union-attr]


def qr(pdf: bytes, tmp_path: Path, page: int = 1) -> str:
    prefix = tmp_path / f"qr{page}"
    subprocess.run(
        [tool("pdftoppm"), "-r", "200", "-png", "-f", str(page), "-l", str(page), "-", str(prefix)],
        input=pdf,
        check=True,
    )
    (png,) = tmp_path.glob(f"qr{page}*.png")
    out = subprocess.run([tool("zbarimg"), "--quiet", "--raw", str(png)], capture_output=True, check=True).stdout
    return out.decode().strip()
