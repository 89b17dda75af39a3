"""Lead images copied into the database: their bytes must be the picture their name says, of a
sensible size, and an SVG may only draw (no scripts, no links out, nothing loaded from elsewhere).

Each check raises BadImage with a reason that reads after the image's name ("image 'x.png' ...").
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from PIL import Image, UnidentifiedImageError

from .sanitize import excerpt

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_SIDE = 20_000  # pixels (or SVG user units) on either side
MAX_PIXELS = 50_000_000  # below Pillow's own bomb threshold, so its warning never fires first

# File extension: (media type, Pillow's format name; None for SVG).
TYPES: dict[str, tuple[str, str | None]] = {
    ".svg": ("image/svg+xml", None), ".png": ("image/png", "PNG"), ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"), ".webp": ("image/webp", "WEBP"), ".gif": ("image/gif", "GIF"),
    ".avif": ("image/avif", "AVIF"),
}
_RASTER_FORMATS = sorted({f for _, f in TYPES.values() if f})
_EXTENSION = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif", "AVIF": ".avif"}


class BadImage(ValueError):
    """Not a picture we can serve; the message says why, to follow the picture's name."""


def check(data: bytes, suffix: str) -> tuple[int | None, int | None]:
    """Check a lead image's bytes against its file extension; its width and height when known."""
    _, fmt = TYPES[suffix]
    return _raster(data, fmt) if fmt else _svg(data)


# --- raster images -----------------------------------------------------------------------------


def _raster(data: bytes, fmt: str) -> tuple[int, int]:
    """Pillow reads the header (format, size) without decoding the pixels; verify() then reads
    what it can check cheaply (PNG's checksums). Only the five formats are tried: no other
    decoder (some call out to other programs) ever sees the file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_RASTER_FORMATS) as image:
                # Pillow names a JPEG with several pictures in it (as some cameras write) MPO.
                found, (width, height) = {"MPO": "JPEG"}.get(str(image.format), image.format), image.size
                if found != fmt:
                    raise BadImage(f"is a {found} file, not {fmt}; name it {_EXTENSION[str(found)]}")
                _check_size(width, height)
                image.verify()
    except BadImage:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as e:
        raise BadImage(f"has more than {MAX_PIXELS:,} pixels") from e
    except UnidentifiedImageError as e:
        raise BadImage(f"is not a {fmt} file (or it is damaged)") from e
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise BadImage(f"is a damaged {fmt} file") from e
    return width, height


def _check_size(width: float, height: float) -> None:
    if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
        raise BadImage("has no usable size")
    if width > MAX_SIDE or height > MAX_SIDE:
        raise BadImage(f"is larger than {MAX_SIDE:,} pixels on a side")
    if width * height > MAX_PIXELS:
        raise BadImage(f"has more than {MAX_PIXELS:,} pixels")


# --- SVG ---------------------------------------------------------------------------------------
# An SVG lead image is served as it was written, so it must hold nothing but drawing: elements
# from this list, attributes that neither handle events nor point outside the file. Anything else
# is refused rather than silently changed, so the publisher knows what readers get.

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
_DRAWING = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "style", "switch",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "filter",
    "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
    "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode",
    "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile",
    "feTurbulence",
})
# Inside <metadata> only: the RDF that editors write there (licence, author) is never rendered.
_METADATA = frozenset({
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/", "http://creativecommons.org/ns#",
})
MAX_SVG_ELEMENTS = 50_000
MAX_SVG_DEPTH = 100
_PLAIN = "save it as plain SVG with drawing only"
# CSS that loads or runs something: imports, fonts, url() and image functions (only url(#id),
# a reference inside the file, is allowed), escapes that could spell any of them, old IE hooks.
_CSS_FORBIDDEN = ("@import", "@font-face", "@namespace", "image-set(", "image(", "src(", "element(",
                  "expression(", "behavior", "binding", "\\")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)\s*(.?)")
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_VIEW_BOX = re.compile(rf"\s*({_NUMBER})[\s,]+({_NUMBER})[\s,]+({_NUMBER})[\s,]+({_NUMBER})\s*\Z")
_LENGTH = re.compile(rf"\s*({_NUMBER})\s*(?:px)?\s*\Z")


def _svg(data: bytes) -> tuple[int | None, int | None]:
    """defusedxml refuses DTDs and entities (no billion laughs, nothing fetched) and the parse
    streams, so a monster is refused when a limit is reached, not after reading all of it."""
    root = None
    open_elements: list[bool] = []  # per open element: is it inside <metadata>?
    elements = 0
    try:
        for event, item in _events(data):
            if event == "pi":
                raise BadImage(f"has a processing instruction (<?{_target(item)}?>); {_PLAIN}")
            if event == "end":
                open_elements.pop()
                if item.tag == f"{{{SVG}}}style":
                    _check_css("".join(item.itertext()), "a <style> element")
                continue
            elements += 1
            if len(open_elements) >= MAX_SVG_DEPTH:
                raise BadImage(f"nests elements more than {MAX_SVG_DEPTH} deep")
            if elements > MAX_SVG_ELEMENTS:
                raise BadImage(f"has more than {MAX_SVG_ELEMENTS:,} elements")
            if root is None:
                root = item
                if item.tag != f"{{{SVG}}}svg":
                    raise BadImage("is not an SVG file (its root element is not <svg>)")
            in_metadata = bool(open_elements) and open_elements[-1]
            open_elements.append(_check_element(item.tag, in_metadata))
            _check_attributes(item.attrib)
    except BadImage:
        raise
    except DefusedXmlException as e:
        raise BadImage(f"declares a DTD or entities; {_PLAIN}") from e
    except ParseError as e:
        raise BadImage(f"is not well-formed XML (line {e.position[0]})") from e
    except (LookupError, ValueError) as e:  # an unknown or wrong encoding
        raise BadImage("is not well-formed XML (its encoding)") from e
    if root is None:
        raise BadImage("is not an SVG file")
    return _svg_size(root.attrib)


def _events(data: bytes) -> Iterator[tuple[str, Any]]:
    return iterparse(io.BytesIO(data), events=("start", "end", "pi"), forbid_dtd=True)


def _target(pi: Any) -> str:
    return str(getattr(pi, "text", "") or "").split(" ", 1)[0][:20]


def _local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree name like '{ns}name'."""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _check_element(tag: str, in_metadata: bool) -> bool:
    """Refuse anything but drawing; whether this element's children are inside <metadata>."""
    ns, name = _local(tag)
    if in_metadata and ns in _METADATA:
        return True
    if not in_metadata and ns == SVG and name in _DRAWING:
        return name == "metadata"
    shown = name[:40] if ns in (SVG, "") else f"{name[:40]} (from {ns[:60]})"
    raise BadImage(f"contains <{shown}>; {_PLAIN}")


def _check_attributes(attributes: dict[str, str]) -> None:
    for key, value in attributes.items():
        ns, name = _local(key)
        if name.lower().startswith("on"):
            raise BadImage(f"has an event handler ({name[:40]}); {_PLAIN}")
        if name == "href" and ns in ("", XLINK):
            if not value.strip().startswith("#"):
                raise BadImage(f"links outside itself (href {excerpt(value)}); only #id references "
                               "to its own parts are allowed")
        elif ns == XML and name == "base":
            raise BadImage(f"sets xml:base; {_PLAIN}")
        elif name == "style" or "(" in value or "\\" in value:
            _check_css(value, f"its {name[:40]} attribute")


def _check_css(css: str, where: str) -> None:
    lower = css.lower()
    for word in _CSS_FORBIDDEN:
        if word in lower:
            raise BadImage(f"has {word} in {where}; {_PLAIN}")
    for match in _CSS_URL.finditer(lower):
        if match.group(2) != "#":
            raise BadImage(f"refers to something outside itself with url() in {where}; "
                           "only url(#id) is allowed")


def _svg_size(attributes: dict[str, str]) -> tuple[int | None, int | None]:
    """The picture's proportions for the page (width and height attributes on <img>): from the
    viewBox, else from plain numeric width and height; none when it has neither."""
    view_box = attributes.get("viewBox")
    if view_box is not None:
        match = _VIEW_BOX.match(view_box)
        if not match:
            raise BadImage(f"has a viewBox that is not four numbers: {excerpt(view_box)}")
        width, height = float(match.group(3)), float(match.group(4))
    else:
        sizes = [_LENGTH.match(attributes.get(a, "")) for a in ("width", "height")]
        if not (sizes[0] and sizes[1]):
            return None, None
        width, height = float(sizes[0].group(1)), float(sizes[1].group(1))
    if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
        raise BadImage("has a width or height (viewBox) that is not a positive number")
    if width > MAX_SIDE or height > MAX_SIDE:
        raise BadImage(f"is larger than {MAX_SIDE:,} units on a side (viewBox)")
    return max(1, round(width)), max(1, round(height))
