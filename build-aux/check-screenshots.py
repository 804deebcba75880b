#!/usr/bin/env python3
"""Checks the metainfo's screenshots against the files committed in data/screenshots/.

  check-screenshots.py METAINFO SCREENSHOTS_DIR

For every <image> the metainfo names: the file of that name exists in SCREENSHOTS_DIR, is a PNG,
is at most 1000×700 (what software centres show without scaling down), and has the width and
height the metainfo declares. Every screenshot has a caption. Prints TAP."""

import os
import struct
import sys
import xml.etree.ElementTree as ET

from tap_report import report

MAX_WIDTH = 1000
MAX_HEIGHT = 700
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RAW_PREFIX = "https://raw.githubusercontent.com/verifydesk/verifydesk/main/data/screenshots/"


def png_size(path):
    """The width and height from the IHDR chunk, which the PNG format puts first."""
    with open(path, "rb") as f:
        header = f.read(24)
    if len(header) < 24 or header[:8] != PNG_SIGNATURE or header[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", header[16:24])


def check(metainfo, folder):
    results = []
    screenshots = ET.parse(metainfo).getroot().findall("screenshots/screenshot")
    results.append((len(screenshots) > 0, "the metainfo has screenshots"))
    for screenshot in screenshots:
        image = screenshot.find("image")
        url = image.text.strip() if image is not None and image.text else ""
        name = url.rsplit("/", 1)[-1]
        results.append((url.startswith(RAW_PREFIX), f"{name}: {url} is in the repository"))
        caption = screenshot.find("caption")
        results.append((caption is not None and bool((caption.text or "").strip()),
                        f"{name}: has a caption"))
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            results.append((False, f"{name}: exists in {folder}"))
            continue
        size = png_size(path)
        if size is None:
            results.append((False, f"{name}: is a PNG"))
            continue
        width, height = size
        results.append((width <= MAX_WIDTH and height <= MAX_HEIGHT,
                        f"{name}: {width}×{height} is at most {MAX_WIDTH}×{MAX_HEIGHT}"))
        declared = (image.get("width"), image.get("height"))
        results.append((declared == (str(width), str(height)),
                        f"{name}: the metainfo says {declared[0]}×{declared[1]}"))
    return results


def main():
    return report(check(sys.argv[1], sys.argv[2]))


if __name__ == "__main__":
    sys.exit(main())
