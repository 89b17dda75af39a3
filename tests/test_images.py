"""Lead images: from inside the imported folder only, real pictures of the type their name says,
of a sensible size; SVGs that only draw (issue 8, row 5)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from reader import DEMO_DIR, images, store
from reader.importer import ImportRefused, check_paths
from tests.support import a_pipe, peak_memory

IMAGE = {"src": "pic.png", "alt": "A red square"}
SVG_HEAD = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def encoded(fmt: str, size: tuple[int, int] = (40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, fmt)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG whose header claims this size (the pixels are never there)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 8))
            + chunk(b"IEND", b""))


def reason(path: Path) -> str:
    with pytest.raises(ImportRefused) as refused:
        check_paths(None, [path])
    [(where, why)] = refused.value.problems
    assert where == str(path)
    return why


def with_image(write_article, name: str, data: bytes) -> Path:
    path: Path = write_article(image={**IMAGE, "src": name})
    (path.parent / name).write_bytes(data)
    return path


@pytest.mark.parametrize(("name", "fmt"), [("pic.png", "PNG"), ("pic.jpg", "JPEG"), ("pic.jpeg", "JPEG"),
                                           ("pic.webp", "WEBP"), ("pic.gif", "GIF"), ("pic.avif", "AVIF")])
def test_real_pictures_are_accepted_with_their_size(write_article, name: str, fmt: str) -> None:
    [parsed] = check_paths(None, [with_image(write_article, name, encoded(fmt))])
    assert (parsed.article.image_width, parsed.article.image_height) == (40, 20)
    assert parsed.image is not None and parsed.image.name.endswith(Path(name).suffix)


def test_a_camera_jpeg_with_several_pictures_is_a_jpeg(write_article) -> None:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(out, "MPO", save_all=True,
                                           append_images=[Image.new("RGB", (40, 20), "blue")])
    [parsed] = check_paths(None, [with_image(write_article, "pic.jpg", out.getvalue())])
    assert parsed.image is not None and parsed.image.type == "image/jpeg"


@pytest.mark.parametrize(("data", "expected"), [
    (b"secret: not a picture\n", "image 'pic.png' is not a PNG file (or it is damaged)"),
    (encoded("JPEG"), "image 'pic.png' is a JPEG file, not PNG; name it .jpg"),
    (encoded("PNG")[:-9] + b"damaged!!", "image 'pic.png' is a damaged PNG file"),
    (png_claiming(images.MAX_SIDE + 1, 10), "image 'pic.png' is larger than 20,000 pixels on a side"),
    (png_claiming(10_000, 9_000), "image 'pic.png' has more than 50,000,000 pixels"),
    (png_claiming(20_000, 20_000), "image 'pic.png' has more than 50,000,000 pixels"),
    (png_claiming(0, 10), "image 'pic.png' is not a PNG file (or it is damaged)"),
])
def test_bytes_that_are_not_a_sensible_picture_are_refused(write_article, data: bytes,
                                                           expected: str) -> None:
    assert reason(with_image(write_article, "pic.png", data)) == expected


def test_an_image_over_the_byte_limit_is_refused(write_article) -> None:
    data = encoded("PNG") + b"\0" * images.MAX_IMAGE_BYTES
    assert reason(with_image(write_article, "pic.png", data)) == "image 'pic.png' is larger than 5 MB"


def test_an_image_of_exactly_the_byte_limit_is_accepted(write_article) -> None:
    picture = encoded("PNG")
    data = picture + b"\0" * (images.MAX_IMAGE_BYTES - len(picture))
    [parsed] = check_paths(None, [with_image(write_article, "pic.png", data)])
    assert parsed.image is not None and len(parsed.image.data) == images.MAX_IMAGE_BYTES


def test_a_huge_image_file_is_refused_without_being_read_into_memory(write_article) -> None:
    """A publisher's folder may hold a video or a disk image misnamed .png: the importer reads no
    more than the limit (a sparse file of 256 MB here, made in no time)."""
    path = with_image(write_article, "pic.png", b"")
    with (path.parent / "pic.png").open("r+b") as f:
        f.truncate(256 * 1024 * 1024)
    why, peak = peak_memory(lambda: reason(path))
    assert why == "image 'pic.png' is larger than 5 MB"
    assert peak < 2 * images.MAX_IMAGE_BYTES


def test_an_image_path_is_refused_by_name_with_the_allowed_types(write_article) -> None:
    path = with_image(write_article, "pic.bmp", encoded("BMP"))
    assert reason(path) == "image 'pic.bmp' is not one of .avif, .gif, .jpeg, .jpg, .png, .svg, .webp"
    absolute = write_article(image={**IMAGE, "src": "/srv/pic.png"})
    assert reason(absolute) == "image src must be relative to the article file, got '/srv/pic.png'"


def test_an_image_that_is_a_loop_of_links_is_refused_with_its_name(write_article) -> None:
    path = write_article(image={**IMAGE, "src": "loop.png"})
    (path.parent / "loop.png").symlink_to("loop.png")
    assert reason(path) == "image 'loop.png' is a symbolic link that leads back to itself"


def test_an_image_outside_the_named_folder_is_refused(write_article, tmp_path: Path) -> None:
    # Issue 8, row 5: a text file two folders up was copied in and served as image/png.
    (tmp_path / "private-outside.png").write_text("secret: not a picture\n")
    flat = write_article(image={**IMAGE, "src": "../../private-outside.png"})
    path = flat.parent / "deep" / "a.md"
    path.parent.mkdir()
    flat.rename(path)
    expected = "image '../../private-outside.png' is outside the imported folder; put it beside the article"
    assert reason(path) == expected
    with pytest.raises(ImportRefused, match="is outside the imported folder"):
        check_paths(None, [flat.parent])


def test_a_file_named_alone_may_use_pictures_from_its_own_folder_only(write_article) -> None:
    flat = write_article(image={**IMAGE, "src": "../shared.png"})
    (flat.parent / "shared.png").write_bytes(encoded("PNG"))
    path = flat.parent / "stories" / "a.md"
    path.parent.mkdir()
    flat.rename(path)
    # Named as a folder, the article may use a picture anywhere in that folder...
    [parsed] = check_paths(None, [flat.parent])
    assert parsed.article.image_width == 40
    # ...named alone, only one in its own folder.
    assert reason(path) == "image '../shared.png' is outside the imported folder; put it beside the article"


def test_a_symlink_that_leads_out_of_the_folder_is_refused(write_article, tmp_path: Path) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(encoded("PNG"))
    path = write_article(image=IMAGE)
    (path.parent / "pic.png").symlink_to(outside)
    assert reason(path) == "image 'pic.png' is outside the imported folder; put it beside the article"


def test_a_symlink_inside_the_folder_is_followed(write_article) -> None:
    path = write_article(image=IMAGE)
    (path.parent / "real.png").write_bytes(encoded("PNG"))
    (path.parent / "pic.png").symlink_to(path.parent / "real.png")
    [parsed] = check_paths(None, [path])
    assert parsed.article.image_width == 40


def test_a_pipe_named_like_a_picture_is_not_read(write_article) -> None:
    path = write_article(image=IMAGE)
    with a_pipe(path.parent / "pic.png"):
        assert reason(path) == "image file 'pic.png' not found"


def svg(body: bytes, attributes: bytes = b' viewBox="0 0 400 200"') -> bytes:
    return SVG_HEAD + attributes + b">" + body + b"</svg>"


SAFE_SVG = svg(
    b'<title>Two countries</title><desc>A map</desc><defs><linearGradient id="g">'
    b'<stop offset="0" stop-color="#fff"/></linearGradient><clipPath id="c"><rect width="9" height="9"/>'
    b'</clipPath></defs><style>rect { fill: url(#g); }</style><g clip-path="url(#c)"><path d="M0 0 L9 9"/>'
    b'<use xlink:href="#c" transform="translate(10, 0)"/><text x="1" y="1">Yerevan</text></g>'
)


@pytest.mark.parametrize("demo", sorted((DEMO_DIR / "images").glob("*.svg")), ids=lambda p: p.name)
def test_the_demo_pictures_are_accepted_and_stored_unchanged(demo_db: Path, demo: Path) -> None:
    assert images.check(demo.read_bytes(), ".svg") == (1200, 675)
    conn = store.connect(str(demo_db), readonly=True)
    stored = {data for (data,) in conn.execute("SELECT data FROM media WHERE type = 'image/svg+xml'")}
    conn.close()
    assert demo.read_bytes() in stored


def test_an_svg_that_only_draws_is_accepted_as_written(write_article) -> None:
    [parsed] = check_paths(None, [with_image(write_article, "map.svg", SAFE_SVG)])
    assert parsed.image is not None and parsed.image.data == SAFE_SVG
    assert (parsed.article.image_width, parsed.article.image_height) == (400, 200)


@pytest.mark.parametrize(("data", "expected"), [
    (svg(b"<script>alert(1)</script>"), "contains <script>"),
    (svg(b"", b' onload="alert(1)"'), "has an event handler (onload)"),
    (svg(b'<rect OnClick="alert(1)"/>'), "has an event handler (OnClick)"),
    (svg(b"<foreignObject><p>x</p></foreignObject>"), "contains <foreignObject>"),
    (svg(b'<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>'),
     "contains <script (from http://www.w3.org/1999/xhtml)>"),
    (svg(b'<set attributeName="fill" to="red"/>'), "contains <set>"),
    (svg(b'<a href="https://evil.example/"><rect/></a>'), "contains <a>"),
    (svg(b'<image href="https://evil.example/x.png"/>'), "contains <image>"),
    (svg(b'<use xlink:href="https://evil.example/x.svg#a"/>'), "links outside itself"),
    (svg(b'<use href="javascript:alert(1)"/>'), "links outside itself"),
    (svg(b'<rect fill="url(https://evil.example/x.svg#g)"/>'),
     "refers to something outside itself with url() in its fill attribute"),
    (svg(b'<rect style="fill: url(\'//evil.example/p\')"/>'),
     "refers to something outside itself with url() in its style attribute"),
    (svg(b'<rect style="fill: \\75 rl(https://evil.example/)"/>'), "has \\ in its style attribute"),
    (svg(b"<style>@import 'https://evil.example/x.css';</style>"), "has @import in a <style> element"),
    (svg(b"<style>@font-face { font-family: x }</style>"), "has @font-face in a <style> element"),
    (svg(b"<style>rect { fill: image-set('https://e.example/x.png' 1x) }</style>"), "has image-set("),
    (svg(b"", b' xml:base="https://evil.example/"'), "sets xml:base"),
    (b'<?xml-stylesheet href="https://evil.example/x.css"?>' + svg(b""),
     "has a processing instruction (<?xml-stylesheet?>)"),
    (b'<!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;">]>' + svg(b"<text>&b;</text>"),
     "declares a DTD or entities"),
    (b'<!DOCTYPE svg SYSTEM "https://evil.example/x.dtd">' + svg(b""), "declares a DTD or entities"),
    (svg(b"<g>" * 150 + b"</g>" * 150), "nests elements more than 100 deep"),
    (svg(b"<rect/>" * (images.MAX_SVG_ELEMENTS + 1)), "has more than 50,000 elements"),
    (b"<html><body/></html>", "is not an SVG file (its root element is not <svg>)"),
    (SVG_HEAD + b">", "is not well-formed XML (line 1)"),
])
def test_an_svg_that_could_run_or_load_anything_is_refused(write_article, data: bytes,
                                                           expected: str) -> None:
    why = reason(with_image(write_article, "map.svg", data))
    assert why.startswith(f"image 'map.svg' {expected}"), why


@pytest.mark.parametrize(("attributes", "expected"), [
    (b' viewBox="0 0 1e400 10"', "has a width or height (viewBox) that is not a positive number"),
    (b' viewBox="0 0 1e300 10"', "is larger than 20,000 units on a side (viewBox)"),
    (b' viewBox="0 0 20001 10"', "is larger than 20,000 units on a side (viewBox)"),
    (b' viewBox="0 0 -4 10"', "has a width or height (viewBox) that is not a positive number"),
    (b' viewBox="0 0 0 10"', "has a width or height (viewBox) that is not a positive number"),
    (b' viewBox="0 0 nan 10"', "has a viewBox that is not four numbers: '0 0 nan 10'"),
    (b' viewBox="0 0 400"', "has a viewBox that is not four numbers: '0 0 400'"),
    (b' width="1e999" height="10"', "has a width or height (viewBox) that is not a positive number"),
])
def test_svg_sizes_must_be_finite_and_within_limits(write_article, attributes: bytes,
                                                     expected: str) -> None:
    assert reason(with_image(write_article, "map.svg", svg(b"", attributes))) == f"image 'map.svg' {expected}"


@pytest.mark.parametrize(("attributes", "size"), [
    (b' viewBox="0, 0, 1200.4, 674.6"', (1200, 675)),
    (b' viewBox="-10 -10 0.2 0.3"', (1, 1)),
    (b' width="300px" height="150"', (300, 150)),
    (b' width="100%" height="100%"', (None, None)),
    (b"", (None, None)),
])
def test_svg_sizes_come_from_the_view_box_or_plain_numbers(attributes: bytes, size: tuple) -> None:
    assert images.check(svg(b"", attributes), ".svg") == size
